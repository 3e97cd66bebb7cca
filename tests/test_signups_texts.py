"""The sign-up dialog in the centre's language: Russian as it was written, English whole."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from outreach.i18n import _, language
from outreach.signups.texts import DEFAULTS, PHONE_REASONS, Texts
from outreach.signups.texts import duration_words as how_long

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def test_the_dialog_speaks_russian_for_a_russian_centre() -> None:
    with language("ru"):
        texts = Texts()
        assert texts.format("done", name="Анна") == (
            "Спасибо, Анна! Вы записаны. Координатор скоро свяжется с вами.")
        assert texts.interests() == ["Помогать на мероприятиях", "Навещать пожилых людей",
                                     "Наставничество", "Фото и рассказы о добрых делах"]
        assert texts.format("welcome", keep=how_long(dt.timedelta(days=7))).endswith(
            "ваши ответы сохранятся 7 дней, а потом будут удалены.")
        for key in DEFAULTS:
            assert CYRILLIC.search(texts[key]), key


def test_the_dialog_speaks_english_for_an_english_centre() -> None:
    with language("en"):
        texts = Texts()
        assert texts.format("done", name="Ann") == (
            "Thank you, Ann! You are signed up. A coordinator will contact you soon.")
        assert texts.format("welcome", keep=how_long(dt.timedelta(days=1))).endswith(
            "your answers are kept for 1 day and then deleted.")
        for key in DEFAULTS:
            assert not CYRILLIC.search(texts[key]), key


def test_a_centre_s_own_words_win_in_every_language() -> None:
    for lang in ("ru", "en"):
        with language(lang):
            assert Texts({"done": "Спасибо, {name}!"}).format("done", name="Анна") == \
                "Спасибо, Анна!"


@pytest.mark.parametrize(("span", "ru", "en"), [
    (dt.timedelta(days=7), "7 дней", "7 days"), (dt.timedelta(days=21), "21 день", "21 days"),
    (dt.timedelta(hours=3), "3 часа", "3 hours"), (dt.timedelta(minutes=90), "90 минут",
                                                   "90 minutes"),
])
def test_how_long_a_sign_up_is_kept_reads_as_the_dialog_says_it(
        span: dt.timedelta, ru: str, en: str) -> None:
    with language("ru"):
        assert how_long(span) == ru
    with language("en"):
        assert how_long(span) == en


def test_every_phone_problem_has_words_in_both_languages() -> None:
    for reason in PHONE_REASONS.values():
        with language("ru"):
            assert CYRILLIC.search(_(reason)), reason
