"""The sign-up dialog's words: in the centre's language, every one overridable in [signups.texts].

Short and friendly, for people of 55 and over: no jargon, one question at a time.
Placeholders in braces are filled in by the desk: ``{policy_url}``, ``{name}``,
``{keep}`` (how long an unfinished sign-up is kept, "7 дней"). The defaults are
English in the source and Russian in the catalogue, as every message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from outreach.i18n import N_, _, npgettext

# How "phone_again" names what is wrong with a number (signups.phones.PhoneProblem).
PHONE_REASONS: dict[str, str] = {
    "empty": N_("the number is empty"),
    "not-digits": N_("a number has only digits"),
    "not-russian": N_("this is not a Russian number: it starts with +7 or 8"),
    "no-area-code": N_("this is not a Russian number: it starts with +7 or 8"),
    "too-few": N_("some digits are missing"),
    "too-many": N_("there are too many digits"),
}

# Written in English, said in the centre's language (the catalogue's Russian is the
# text people of 55 and over have been answering); each can be replaced in config.
DEFAULTS: dict[str, str] = {
    "welcome": N_("Hello! Thank you for wanting to volunteer with our centre. I will ask a "
                  "few short questions; it takes a couple of minutes. To stop, write /cancel. "
                  "If you do not finish, your answers are kept for {keep}, then erased."),
    "welcome_back": N_("Hello again! Let us update your details."),
    "resume": N_("Let us go on from where we stopped."),
    "ask_name": N_("What is your name? Please write your first name and surname."),
    "name_again": N_("I could not read the name. Please write it in letters."),
    "ask_municipality": N_("Which town or district do you live in? Choose from the list."),
    "ask_other_municipality": N_("Please write the name of your town or district."),
    "municipality_again": N_("Please choose a town or district with a button below, or press "
                             "\"Other\"."),
    "ask_phone": N_("Please leave your phone number so that a coordinator can call you. Press "
                    "the \"Send my number\" button or write the number."),
    "phone_not_attachment": N_("It looks like you sent a picture or a file. We need a phone "
                               "number: press the \"Send my number\" button or write it in "
                               "digits."),
    # The same two for platforms whose bots have no "share my phone" button (VK).
    "ask_phone_typed": N_("Please leave your phone number so that a coordinator can call you. "
                          "Write it in digits, for example: +7 912 345-67-89."),
    "phone_not_attachment_typed": N_("It looks like you sent a picture or a file. We need a "
                                     "phone number: write it in digits."),
    # A contact card of someone else (or of a number with no account): not theirs to give.
    "phone_not_own": N_("This is another person's number. We need your number: press the "
                        "\"Send my number\" button or write it in digits."),
    "phone_again": N_("I could not read the number: {reason}. Write it like this, for "
                      "example: +7 912 345-67-89 or 8 912 345 67 89."),
    "ask_interests": N_("How would you like to help? Choose or write in your own words."),
    "interests_other": N_("Please write how you would like to help."),
    "ask_consent": N_("Last question. Do you agree to the processing of your personal data "
                      "(name, phone, town)? We use them only to contact you. More: "
                      "{policy_url}"),
    "consent_again": N_("Please press \"I agree\" or \"No\"."),
    "consent_refused": N_("All right, we have saved nothing. If you change your mind, just "
                          "write /start."),
    "done": N_("Thank you, {name}! You are signed up. A coordinator will contact you soon."),
    "cancelled": N_("All right, we have stopped. We have saved nothing. To start again, write "
                    "/start."),
    "not_started": N_("Hello! To sign up as a volunteer, write /start."),
    "already_done": N_("You are already signed up, thank you! To update your details, write "
                       "/start."),
    "button_other": N_("Other"),
    "button_interests_other": N_("Something else"),
    "button_yes": N_("I agree"),
    "button_no": N_("No"),
    "interests": N_("Help at events; Visit older people; Mentoring; Photos and stories of "
                    "good deeds"),
    "too_fast": N_("You have sent many messages in a row. Please wait a minute; then we go on "
                   "from the same place."),
    "too_many_today": N_("That is enough messages for today. Please write tomorrow; we will go "
                         "on from the same place."),
    "coordinators": N_("New volunteer (sign-up №{id}): {name}, {municipality}, {phone}. "
                       "Interests: {interests}. Came from: {source}."),
    # Added to the message above; other rows are named by number only.
    "coordinators_same_phone": N_("Note: this phone is already in sign-up {ids}. It may be the "
                                  "same person or someone else's number; check: outreach "
                                  "signups list --duplicates."),
    "coordinators_confirmed": N_("The volunteer of sign-up №{id} ({name}), added by a "
                                 "coordinator, confirmed their number in the bot. Came from: "
                                 "{source}."),
    "coordinators_withdrawn": N_("A volunteer withdrew consent in the bot: their data in "
                                 "sign-up №{id} is erased."),
    "coordinators_withdrawn_merged": N_("This sign-up had been merged into sign-up №{into}: "
                                        "check it and erase it if needed (outreach signups "
                                        "forget {into})."),
    "source_none": N_("no code"),
    "source_unknown_code": N_("unknown code \"{code}\""),
}


class Texts:
    """The dialog's texts with the config's overrides applied."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        # In the language of the moment they are made: the service's, for its bots.
        self._texts = {**{key: _(text) for key, text in DEFAULTS.items()}, **(overrides or {})}

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def format(self, key: str, **values: str) -> str:
        """The text with its placeholders filled in; unknown placeholders are left as written."""
        text = self._texts[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text

    def typed_phone(self) -> Texts:
        """These texts for a platform without a "share my phone" button."""
        typed = Texts()
        typed._texts = {**self._texts,
                        "ask_phone": self._texts["ask_phone_typed"],
                        "phone_not_attachment": self._texts["phone_not_attachment_typed"]}
        return typed

    def interests(self) -> list[str]:
        return [item.strip() for item in self._texts["interests"].split(";") if item.strip()]


def how_long(span: dt.timedelta) -> str:
    """"7 дней", "1 день", "12 часов" / "7 days": how long, as the dialog says it
    ("сохранятся 7 дней", "kept for 7 days")."""
    minutes = int(span.total_seconds() // 60)
    if minutes % 60:
        return npgettext("kept for", "{count} minute", "{count} minutes", minutes).format(
            count=minutes)
    hours = minutes // 60
    if hours % 24 == 0:
        return npgettext("kept for", "{count} day", "{count} days", hours // 24).format(
            count=hours // 24)
    return npgettext("kept for", "{count} hour", "{count} hours", hours).format(count=hours)
