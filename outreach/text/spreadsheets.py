"""Text made safe for the spreadsheets coordinators open CSV files in, and read back."""

from __future__ import annotations

# What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP,
# "CSV Injection"): "=", "+", "-", "@", and a tab or carriage return before them;
# some locales take the full-width forms too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text, never runs as a formula.

    A leading apostrophe is what a spreadsheet user types for the same effect;
    the text after it is kept whole.
    """
    return "'" + text if text.startswith(FORMULA_START) else text


def from_spreadsheet(text: str) -> str:
    """A cell read back from a CSV: the apostrophe ``spreadsheet_safe`` added, taken away."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
