"""The sign-up dialog's words: Russian by default, every one overridable in [signups.texts].

Short and friendly, for people of 55 and over: no jargon, one question at a time.
Placeholders in braces are filled in by the desk: ``{policy_url}``, ``{name}``,
``{keep}`` (how long an unfinished sign-up is kept, "7 дней").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

# How "phone_again" names what is wrong with a number (signups.phones.PhoneProblem).
PHONE_REASONS: dict[str, str] = {
    "empty": "номер пустой",
    "not-digits": "в номере должны быть только цифры",
    "not-russian": "это не российский номер — он начинается с +7 или 8",
    "no-area-code": "это не российский номер — он начинается с +7 или 8",
    "too-few": "не хватает цифр",
    "too-many": "слишком много цифр",
}

DEFAULTS: dict[str, str] = {
    "welcome": "Здравствуйте! Спасибо, что хотите стать добровольцем нашего центра. "
               "Я задам несколько коротких вопросов — это займёт пару минут. "
               "Чтобы прервать, напишите /cancel. Если не закончите, ваши ответы "
               "сохранятся {keep}, а потом будут удалены.",
    "welcome_back": "Здравствуйте снова! Давайте обновим ваши данные.",
    "resume": "Продолжим с того места, где мы остановились.",
    "ask_name": "Как вас зовут? Напишите, пожалуйста, имя и фамилию.",
    "name_again": "Не получилось прочитать имя. Напишите его, пожалуйста, буквами.",
    "ask_municipality": "В каком городе или районе вы живёте? Выберите из списка.",
    "ask_other_municipality": "Напишите, пожалуйста, название вашего города или района.",
    "municipality_again": "Выберите, пожалуйста, город или район кнопкой ниже или "
                          "нажмите «Другой».",
    "ask_phone": "Оставьте, пожалуйста, номер телефона, чтобы координатор мог вам "
                 "позвонить. Нажмите кнопку «Отправить номер» или напишите номер.",
    "phone_not_attachment": "Похоже, вы прислали картинку или файл. Нам нужен номер "
                            "телефона: нажмите кнопку «Отправить номер» или напишите его "
                            "цифрами.",
    # The same two for platforms whose bots have no "share my phone" button (VK).
    "ask_phone_typed": "Оставьте, пожалуйста, номер телефона, чтобы координатор мог вам "
                       "позвонить. Напишите его цифрами, например: +7 912 345-67-89.",
    "phone_not_attachment_typed": "Похоже, вы прислали картинку или файл. Нам нужен номер "
                                  "телефона: напишите его цифрами.",
    # A contact card of someone else (or of a number with no account): not theirs to give.
    "phone_not_own": "Это номер другого человека. Нам нужен ваш номер: нажмите кнопку "
                     "«Отправить номер» или напишите его цифрами.",
    "phone_again": "Не получилось прочитать номер: {reason}. Напишите его, например, "
                   "так: +7 912 345-67-89 или 8 912 345 67 89.",
    "ask_interests": "Чем вам хотелось бы помогать? Выберите или напишите своими словами.",
    "interests_other": "Напишите, пожалуйста, чем вы хотели бы помогать.",
    "ask_consent": "Последний вопрос. Согласны ли вы на обработку ваших персональных "
                   "данных (имя, телефон, город)? Мы используем их только для связи с "
                   "вами. Подробнее: {policy_url}",
    "consent_again": "Нажмите, пожалуйста, «Согласен(на)» или «Нет».",
    "consent_refused": "Хорошо, мы ничего не сохранили. Если передумаете, просто "
                       "напишите /start.",
    "done": "Спасибо, {name}! Вы записаны. Координатор скоро свяжется с вами.",
    "cancelled": "Хорошо, остановились. Мы ничего не сохранили. Чтобы начать заново, "
                 "напишите /start.",
    "not_started": "Здравствуйте! Чтобы записаться добровольцем, напишите /start.",
    "already_done": "Вы уже записаны, спасибо! Чтобы обновить данные, напишите /start.",
    "button_other": "Другой",
    "button_interests_other": "Другое",
    "button_yes": "Согласен(на)",
    "button_no": "Нет",
    "interests": "Помогать на мероприятиях; Навещать пожилых людей; Наставничество; "
                 "Фото и рассказы о добрых делах",
    "too_fast": "Вы прислали много сообщений подряд. Пожалуйста, подождите минуту — "
                "потом продолжим с того же места.",
    "too_many_today": "На сегодня сообщений достаточно. Напишите, пожалуйста, завтра — "
                      "мы продолжим с того же места.",
    "coordinators": "Новый доброволец (запись №{id}): {name}, {municipality}, {phone}. "
                    "Интересы: {interests}. Откуда: {source}.",
    # Added to the message above; other rows are named by number only.
    "coordinators_same_phone": "Внимание: этот телефон уже указан в записи {ids}. Это может "
                               "быть тот же человек или чужой номер — проверьте: "
                               "outreach signups list --duplicates.",
    "coordinators_confirmed": "Доброволец из записи №{id} ({name}), которого записал "
                              "координатор, подтвердил свой номер в боте. Откуда: {source}.",
    "coordinators_withdrawn": "Доброволец отозвал согласие в боте: его данные в записи "
                              "№{id} удалены.",
    "coordinators_withdrawn_merged": "Эта запись была объединена с записью №{into}: "
                                     "проверьте её и при необходимости удалите "
                                     "(outreach signups forget {into}).",
    "source_none": "без кода",
    "source_unknown_code": "неизвестный код «{code}»",
}


class Texts:
    """The dialog's texts with the config's overrides applied."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._texts = {**DEFAULTS, **(overrides or {})}

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


def russian_duration(span: dt.timedelta) -> str:
    """"7 дней", "1 день", "12 часов": how long, as the dialog says it ("сохранятся 7 дней")."""
    minutes = int(span.total_seconds() // 60)
    if minutes % 60:
        return _plural(minutes, ("минуту", "минуты", "минут"))
    hours = minutes // 60
    if hours % 24 == 0:
        return _plural(hours // 24, ("день", "дня", "дней"))
    return _plural(hours, ("час", "часа", "часов"))


def _plural(number: int, forms: tuple[str, str, str]) -> str:
    if number % 10 == 1 and number % 100 != 11:
        form = forms[0]
    elif 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        form = forms[1]
    else:
        form = forms[2]
    return f"{number} {form}"
