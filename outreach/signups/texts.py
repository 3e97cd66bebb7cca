"""The sign-up dialog's words, in the centre's language; every one overridable in [signups.texts].

Short and friendly, for people of 55 and over: no jargon, one question at a time.
The defaults are written in English and translated through the catalogue
("Здравствуйте! Спасибо, что хотите стать добровольцем..."), in the language of
config.toml at the moment they are shown; a text set in [signups.texts] is used
as written. Placeholders in braces are filled in by the desk: ``{policy_url}``,
``{name}``, ``{keep}`` (how long an unfinished sign-up is kept, "7 дней").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from outreach.i18n import N_, _, format_number, ngettext

# How "phone_again" names what is wrong with a number (signups.phones.PhoneProblem).
PHONE_REASONS: dict[str, str] = {
    "empty": N_("the number is empty"),
    "not-digits": N_("a number may hold digits only"),
    "not-russian": N_("this is not a Russian number — those begin with +7 or 8"),
    "no-area-code": N_("this is not a Russian number — those begin with +7 or 8"),
    "too-few": N_("some digits are missing"),
    "too-many": N_("there are too many digits"),
}

DEFAULTS: dict[str, str] = {
    "welcome": N_("Hello! Thank you for wanting to become a volunteer of our centre. I will "
                  "ask a few short questions — it takes a couple of minutes. To stop, write "
                  "“cancel”. If you do not finish, your answers are kept for {keep} and then "
                  "deleted."),
    "welcome_back": N_("Hello again! Let us update your details."),
    "resume": N_("Let us go on from where we stopped."),
    "ask_name": N_("What is your name? Please write your first name and surname."),
    "name_again": N_("I could not read the name. Please write it in letters."),
    "ask_municipality": N_("Which town or district do you live in? Choose from the list."),
    "ask_other_municipality": N_("Please write the name of your town or district."),
    "municipality_again": N_("Please choose your town or district with a button below or "
                             "press “Other”."),
    "ask_phone": N_("Please leave your phone number so that a coordinator can call you. "
                    "Press the “Send my number” button or write the number."),
    "phone_not_attachment": N_("It looks like you sent a picture or a file. We need a phone "
                               "number: press the “Send my number” button or write it in "
                               "digits."),
    # The same two for platforms whose bots have no "share my phone" button (VK).
    "ask_phone_typed": N_("Please leave your phone number so that a coordinator can call "
                          "you. Write it in digits, for example: +7 912 345-67-89."),
    "phone_not_attachment_typed": N_("It looks like you sent a picture or a file. We need a "
                                     "phone number: write it in digits."),
    # A contact card of someone else (or of a number with no account): not theirs to give.
    "phone_not_own": N_("This is another person's number. We need your own number: press "
                        "the “Send my number” button or write it in digits."),
    "phone_again": N_("I could not read the number: {reason}. Write it, for example, like "
                      "this: +7 912 345-67-89 or 8 912 345 67 89."),
    "ask_interests": N_("How would you like to help? Choose, or write in your own words."),
    "interests_other": N_("Please write how you would like to help."),
    "ask_consent": N_("Last question. Do you agree to the processing of your personal data "
                      "(name, phone, town)? We use them only to contact you. More: "
                      "{policy_url}"),
    "consent_again": N_("Please press “I agree” or “No”."),
    "consent_refused": N_("All right, we have saved nothing. If you change your mind, just "
                          "write /start."),
    "done": N_("Thank you, {name}! You are signed up. A coordinator will contact you soon."),
    "cancelled": N_("All right, we have stopped. We have saved nothing. To start again, "
                    "write /start."),
    "not_started": N_("Hello! To sign up as a volunteer, write /start."),
    "already_done": N_("You are signed up already, thank you! To update your details, write "
                       "/start."),
    "button_other": N_("Other"),  # a town not in the list
    "button_interests_other": N_("Something else"),
    "button_yes": N_("I agree"),
    "button_no": N_("No"),
    "interests": N_("Helping at events; Visiting older people; Mentoring; "
                    "Photos and stories of good deeds"),
    "too_fast": N_("You have sent many messages in a row. Please wait a minute — then we "
                   "will go on from the same place."),
    "too_many_today": N_("That is enough messages for today. Please write tomorrow — we will "
                         "go on from the same place."),
    "coordinators": N_("New volunteer (sign-up no. {id}): {name}, {municipality}, {phone}. "
                       "Interests: {interests}. Came from: {source}."),
    # Added to the message above; other rows are named by number only.
    "coordinators_same_phone": N_("Note: this phone is already given in sign-up {ids}. It "
                                  "may be the same person or someone else's number — check: "
                                  "outreach signups list --duplicates."),
    "coordinators_confirmed": N_("The volunteer of sign-up no. {id} ({name}), whom a "
                                 "coordinator had added, confirmed their number in the bot. "
                                 "Came from: {source}."),
    "coordinators_withdrawn": N_("A volunteer withdrew their consent in the bot: their data "
                                 "in sign-up no. {id} is erased."),
    "coordinators_withdrawn_merged": N_("This sign-up had been merged into sign-up no. "
                                        "{into}: check it and erase it if need be (outreach "
                                        "signups forget {into})."),
    "source_none": N_("no code"),
    "source_unknown_code": N_("unknown code “{code}”"),
}


class Texts:
    """The dialog's texts with the config's overrides applied; the defaults in the language
    spoken when a text is read."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._overrides = dict(overrides or {})

    def __getitem__(self, key: str) -> str:
        if key in self._overrides:
            return self._overrides[key]
        return _(DEFAULTS[key])

    def format(self, key: str, **values: str) -> str:
        """The text with its placeholders filled in; unknown placeholders are left as written."""
        text = self[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text

    def typed_phone(self) -> Texts:
        """These texts for a platform without a "share my phone" button."""
        return Texts({**self._overrides,
                      "ask_phone": self["ask_phone_typed"],
                      "phone_not_attachment": self["phone_not_attachment_typed"]})

    def interests(self) -> list[str]:
        return [item.strip() for item in self["interests"].split(";") if item.strip()]


def phone_reason(code: str) -> str:
    """What is wrong with a typed phone number (a ``PhoneProblem`` value), in plain words."""
    return _(PHONE_REASONS[code])


def duration_words(span: dt.timedelta) -> str:
    """"7 дней", "1 день", "12 часов" / "7 days": how long, as the dialog says it."""
    minutes = int(span.total_seconds() // 60)
    if minutes % 60:
        return ngettext("{count} minute", "{count} minutes", minutes).format(
            count=format_number(minutes))
    hours = minutes // 60
    if hours % 24 == 0:
        return ngettext("{count} day", "{count} days", hours // 24).format(
            count=format_number(hours // 24))
    return ngettext("{count} hour", "{count} hours", hours).format(count=format_number(hours))
