"""Russian phone numbers as people write them, and every common wrong format refused."""

from __future__ import annotations

import pytest

from outreach.signups.phones import (
    PhoneError,
    PhoneProblem,
    mask_phone,
    mask_phones,
    normalize_phone,
)


@pytest.mark.parametrize(("written", "stored"), [
    ("+7 912 345-67-89", "+79123456789"),
    ("8 (912) 345 67 89", "+79123456789"),
    ("89123456789", "+79123456789"),
    ("7 912 3456789", "+79123456789"),
    ("+7(351)2345678", "+73512345678"),
    ("8.351.234.56.78", "+73512345678"),
    ("912 345 67 89", "+79123456789"),
    (" +7\u00a0912\u00a0345\u201167\u201189 ", "+79123456789"),
])
def test_common_formats_are_read(written: str, stored: str) -> None:
    assert normalize_phone(written) == stored


@pytest.mark.parametrize(("written", "reason", "words"), [
    ("", "empty", "empty"),
    ("912 34 56", "too-few", "too few"),
    ("8912345678", "too-few", "too few"),  # an 8 and a mobile code, one digit lost
    ("+7 912 345 67 8", "too-few", "too few"),
    ("8 912 345 67 890", "too-many", "too many"),
    ("+7 912 345 67 89 1", "too-many", "too many"),
    ("8 912 ABC 67 89", "not-digits", "only digits"),
    ("восемь 912", "not-digits", "only digits"),
    ("+1 202 555 0100", "not-russian", "Russian"),
    ("+44 20 7946 0958", "not-russian", "Russian"),
    ("+380 44 123 4567", "not-russian", "Russian"),
    ("+7 012 345 67 89", "no-area-code", "Russian"),
    ("5 912 345 67 89", "not-russian", "Russian"),
])
def test_wrong_formats_say_why(written: str, reason: str, words: str) -> None:
    with pytest.raises(PhoneError, match=words) as caught:
        normalize_phone(written)
    assert caught.value.reason == reason


def test_the_dialog_has_russian_words_for_every_reason() -> None:
    from outreach.signups.texts import PHONE_REASONS

    assert set(PHONE_REASONS) == {problem.value for problem in PhoneProblem}


def test_masked_phone_hides_the_middle() -> None:
    assert mask_phone("+79123456789") == "+7 912 ***-**-89"


@pytest.mark.parametrize("phone", [
    "+7 912 345-67-89", "+7 (912) 345-67-89", "+79123456789", "8 912 345 67 89",
    "8(912)3456789", "89123456789", "8-912-345-67-89", "7 912 3456789", "912 345-67-89",
    "(912) 345-67-89", "+7 351 234-56-78", "8 (351) 234-56-78", "+7.912.345.67.89",
    "8\u00a0912\u00a0345\u201167\u201189",
])
def test_every_way_people_write_a_russian_number_is_masked(phone: str) -> None:
    assert mask_phones(f"Новый доброволец: {phone}, Миасс") == "Новый доброволец: ***, Миасс"


@pytest.mark.parametrize("text", [
    "bot 7000000001 answered", "chat -1001000000003", "date 1796106474", "user 500000001",
    "peer 2000000001", "publication 12 at 2026-10-14 10:00:00", "Row (4, 2026, 12, 1)",
])
def test_ids_times_and_counts_are_not_phones(text: str) -> None:
    assert mask_phones(text) == text
