"""Russian phone numbers: read as people write them, stored as "+7XXXXXXXXXX", and
found in any text so that no log line shows one.

Accepted: "+7 912 345-67-89", "8 (912) 345 67 89", "89123456789",
"7 912 3456789", "+7(351)2345678" (landlines too: every Russian number has ten
digits after the country code), with spaces, dashes, dots and parentheses.
"""

from __future__ import annotations

import enum
import re

from outreach.config.secrets import MASK
from outreach.errors import OutreachError
from outreach.i18n import _

_SEPARATORS = re.compile(r"[\s\-.()\u2010-\u2015\u00a0]+")
_SEP = r"[\s\-.\u2010-\u2015\u00a0]*"
_NUMBER = (r"\(?[3489]\d{2}\)?" + _SEP + r"\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{2}")
# Every Russian number is ten digits after +7 or 8 (area and mobile codes begin with
# 3, 4, 8 or 9), written with or without the prefix, spaces, dashes, dots, brackets.
PHONE = re.compile(r"(?<![\d+])(?:(?:\+\s?7|8|7)" + _SEP + r")?" + _NUMBER + r"(?!\d)")


class PhoneProblem(enum.StrEnum):
    """Why a phone number cannot be read, for whoever words it to the person."""

    empty = "empty"
    not_digits = "not-digits"
    not_russian = "not-russian"  # another country code
    no_area_code = "no-area-code"  # after +7 or 8 comes no Russian area or mobile code
    too_few = "too-few"
    too_many = "too-many"


class PhoneError(OutreachError, ValueError):
    """A phone number that cannot be read: ``reason`` says why, the message in English
    words (the CLI's); the sign-up dialog words the reason in Russian."""

    def __init__(self, reason: PhoneProblem, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def normalize_phone(text: str | None) -> str:
    """``text`` as "+7XXXXXXXXXX"; PhoneError with the reason when it is not a Russian number."""
    raw = (text or "").strip()
    if not raw:
        raise PhoneError(PhoneProblem.empty, _("the number is empty"))
    compact = _SEPARATORS.sub("", raw)
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if not digits.isdigit() or not digits.isascii():
        raise PhoneError(PhoneProblem.not_digits, _(
            "a phone number has only digits (spaces, dashes and brackets are fine)"))
    if plus and not digits.startswith("7"):
        raise PhoneError(PhoneProblem.not_russian, _(
            "this is not a Russian number: it should start with +7 or 8"))
    if len(digits) == 11 and digits[0] in "78":
        national = digits[1:]
    elif len(digits) == 10 and not plus and not digits.startswith("89"):
        national = digits  # written without 8 or +7: "912 345 67 89"
    elif len(digits) < 10 or (len(digits) < 11 and (plus or digits.startswith("89"))):
        raise PhoneError(PhoneProblem.too_few, _(
            "too few digits ({count}): a Russian number has 11, counting the first 8 or +7")
            .format(count=len(digits)))
    elif len(digits) > 11:
        raise PhoneError(PhoneProblem.too_many, _(
            "too many digits ({count}): a Russian number has 11, counting the first 8 or +7")
            .format(count=len(digits)))
    else:
        raise PhoneError(PhoneProblem.not_russian, _(
            "this is not a Russian number: it should start with +7 or 8"))
    if national[0] in "0127":
        # Russian area and mobile codes begin with 3, 4, 8 or 9.
        raise PhoneError(PhoneProblem.no_area_code, _(
            "this is not a Russian number: after +7 or 8 comes the area or mobile code, such "
            "as 912 or 351"))
    return f"+7{national}"


def mask_phone(phone: str | None, national: bool = False) -> str:
    """"+7 912 ***-**-89": enough to tell two people apart, not enough to call.
    ``national``: "8 912 ***-**-89" (see ``pretty_phone``)."""
    if not phone:
        return ""
    if len(phone) == 12 and phone.startswith("+7"):
        return f"{'8' if national else '+7'} {phone[2:5]} ***-**-{phone[-2:]}"
    return "***"


def pretty_phone(phone: str, national: bool = False) -> str:
    """"+7 912 345-67-89" for a stored "+79123456789".

    ``national``: "8 912 345-67-89", as dialled within Russia, for spreadsheets:
    a cell starting with "+" is a formula to Excel, and this form needs no
    apostrophe in front to stay readable text.
    """
    if len(phone) == 12 and phone.startswith("+7"):
        return (f"{'8' if national else '+7'} {phone[2:5]} {phone[5:8]}-{phone[8:10]}-"
                f"{phone[10:]}")
    return phone


def mask_phones(text: str) -> str:
    """``text`` with every Russian phone number replaced by ``***``."""
    return PHONE.sub(MASK, text)
