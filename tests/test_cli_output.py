"""Rows as CSV: every CSV the project writes goes through ``render``, formula-safe."""

from __future__ import annotations

import csv
import io

import pytest

from outreach.cli.output import render
from outreach.text.spreadsheets import from_spreadsheet, spreadsheet_safe


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+7 912 345-67-89", "'+7 912 345-67-89"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\n=1"), ("＝1+1", "'＝1+1"),
    ("Миасс", "Миасс"), ("8 912 345-67-89", "8 912 345-67-89"), ("a=b", "a=b"), ("", ""),
])
def test_text_cells_that_a_spreadsheet_would_run_are_written_as_text(value: str,
                                                                     written: str) -> None:
    text = render([{"title": value, "views": -5, "share": -0.5}], ("title", "views", "share"),
                  "csv")
    [row] = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row == {"title": written, "views": "-5", "share": "-0.5"}  # numbers stay numbers
    if "\r" not in value:  # a carriage return is a line break in the file
        assert from_spreadsheet(row["title"]) == value
    assert spreadsheet_safe(written) == written or written.startswith("'")


def test_json_and_tables_keep_the_text_as_it_is() -> None:
    assert '"=1+1"' in render([{"title": "=1+1"}], ("title",), "json")
    assert render([{"title": "=1+1"}], ("title",), "table").splitlines()[1] == "=1+1"


def test_an_apostrophe_of_ones_own_is_kept() -> None:
    assert from_spreadsheet("'Hello") == "'Hello"
    assert from_spreadsheet("'=1") == "=1"
