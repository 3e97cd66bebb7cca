"""Text to be read aloud on Russian radio: phone numbers, codes and dates in words,
and how long a text takes to read.

How long: Russian radio practice counts an unhurried announcer's 30 seconds as
400–420 characters with spaces (about 14 a second), which matches the usual
figure for unhurried reading aloud, about 120–128 words a minute. The text is
measured as it will be spoken: numbers already written out in words.

Only what a listener must catch is written out: the phone number (grouped as
Russians dictate it: "восемь, триста пятьдесят один, двести, ноль ноль…"),
the code (letter by letter) and dates. Other figures ("40 яблонь") stay in
digits: an announcer puts them in the right case, a program would not.
"""

from __future__ import annotations

import datetime as dt
import re

CHARS_PER_SECOND = 14.0  # 420 characters with spaces in 30 s of unhurried announcer speech

_UNITS = ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь",
          "девять", "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
          "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать")
_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
         "восемьдесят", "девяносто")
_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
             "восемьсот", "девятьсот")
# Ordinals in the genitive ("четырнадцатого октября", "две тысячи двадцать шестого года").
_ORD_UNITS = ("", "первого", "второго", "третьего", "четвёртого", "пятого", "шестого",
              "седьмого", "восьмого", "девятого", "десятого", "одиннадцатого", "двенадцатого",
              "тринадцатого", "четырнадцатого", "пятнадцатого", "шестнадцатого",
              "семнадцатого", "восемнадцатого", "девятнадцатого")
_ORD_TENS = ("", "", "двадцатого", "тридцатого", "сорокового", "пятидесятого",
             "шестидесятого", "семидесятого", "восьмидесятого", "девяностого")
_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря")

# Each letter as Russians name it aloud; a Latin letter that looks like a Cyrillic one
# is named as that one (a code printed "CHE" is read "эс, эн, е", as a reader sees it).
_CYRILLIC = dict(zip(
    "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
    ("а", "бэ", "вэ", "гэ", "дэ", "е", "ё", "жэ", "зэ", "и", "и краткое", "ка", "эль",
     "эм", "эн", "о", "пэ", "эр", "эс", "тэ", "у", "эф", "ха", "цэ", "че", "ша", "ща",
     "твёрдый знак", "ы", "мягкий знак", "э", "ю", "я"), strict=True))
_LATIN = dict(zip(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    ("а", "вэ", "эс", "дэ", "е", "эф", "гэ", "эн", "и", "йот", "ка", "эль", "эм", "эн",
     "о", "эр", "ку", "эр", "эс", "тэ", "у", "вэ", "дубль-вэ", "ха", "игрек", "зэт"),
    strict=True))


def number_words(value: int) -> str:
    """0–999 999 in words, masculine nominative ("триста пятьдесят один")."""
    if value < 0 or value >= 1_000_000:
        return str(value)
    if value < 1000:
        return _below_thousand(value) or _UNITS[0]
    thousands, rest = divmod(value, 1000)
    head = _below_thousand(thousands, feminine=True)
    last, tens = thousands % 10, thousands % 100
    word = ("тысяч" if 11 <= tens <= 19 or last in (0, 5, 6, 7, 8, 9)
            else "тысяча" if last == 1 else "тысячи")
    return " ".join(part for part in (head, word, _below_thousand(rest)) if part)


def _below_thousand(value: int, feminine: bool = False) -> str:
    hundreds, rest = divmod(value, 100)
    words = [_HUNDREDS[hundreds]] if hundreds else []
    if rest >= 20:
        words.append(_TENS[rest // 10])
        rest %= 10
    if rest:
        unit = _UNITS[rest]
        if feminine and rest in (1, 2):
            unit = "одна" if rest == 1 else "две"
        words.append(unit)
    return " ".join(words)


def _ordinal_genitive(value: int) -> str:
    """1–99 as a genitive ordinal ("четырнадцатого", "двадцать шестого")."""
    if value < 20:
        return _ORD_UNITS[value]
    tens, unit = divmod(value, 10)
    if not unit:
        return _ORD_TENS[tens]
    return f"{_TENS[tens]} {_ORD_UNITS[unit]}"


def date_words(day: dt.date, with_year: bool = True) -> str:
    """"четырнадцатого октября две тысячи двадцать шестого года"."""
    said = f"{_ordinal_genitive(day.day)} {_MONTHS[day.month - 1]}"
    if with_year and 2000 < day.year < 2100:
        said += f" две тысячи {_ordinal_genitive(day.year - 2000)} года"
    return said


def phone_words(phone: str) -> str:
    """A phone number as dictated, group by group as written: "+7 (351) 200-00-05" ->
    "плюс семь, триста пятьдесят один, двести, ноль ноль, ноль пять"."""
    said = []
    for group in re.findall(r"\+?\d+", phone):
        plus = group.startswith("+")
        digits = group.lstrip("+")
        if digits.startswith("0") or len(digits) > 3:
            words = " ".join(_UNITS[int(d)] for d in digits)
        else:
            words = number_words(int(digits))
        said.append(("плюс " if plus else "") + words)
    return ", ".join(said)


def code_words(code: str) -> str:
    """A short code letter by letter and its number in words: "MIA-7" -> "эм, и, а — семь"."""
    letters: list[str] = []
    number = ""
    for char in code.upper():
        if char.isdigit():
            number += char
        elif char in _CYRILLIC:
            letters.append(_CYRILLIC[char])
        elif char in _LATIN:
            letters.append(_LATIN[char])
    said = ", ".join(letters)
    if number:
        said = f"{said} — {number_words(int(number))}" if said else number_words(int(number))
    return said


def seconds(text: str) -> float:
    """How long ``text`` (as spoken: numbers in words) takes to read aloud, in seconds."""
    return len(" ".join(text.split())) / CHARS_PER_SECOND


def sentences(text: str) -> list[str]:
    """``text`` split into sentences (after . ! ? … and a closing quote)."""
    return [s.strip() for s in re.split(r"(?<=[.!?…»\"])\s+(?=[«\"А-ЯЁA-Z0-9—-])", text)
            if s.strip()]


def dates_in_words(text: str) -> str:
    """Dates in ``text`` ("14 октября", "14 октября 2026 года") and "№5" in words."""
    def day(match: re.Match[str]) -> str:
        number, month, year = int(match.group(1)), match.group(2), match.group(3)
        if not 1 <= number <= 31:
            return match.group(0)
        said = f"{_ordinal_genitive(number)} {month}"
        if year and 2000 < int(year) < 2100:
            said += f" две тысячи {_ordinal_genitive(int(year) - 2000)} года"
        return said

    months = "|".join(_MONTHS)
    text = re.sub(rf"\b(\d{{1,2}})\s+({months})(?:\s+(\d{{4}})\s*(?:года|г\.))?", day, text)
    return re.sub(r"№\s*(\d{1,6})", lambda m: "номер " + number_words(int(m.group(1))), text)
