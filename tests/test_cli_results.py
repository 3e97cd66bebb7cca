"""``outreach results``: figures entered by hand, as a coordinator adds, lists, corrects them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from outreach.cli import cli


def test_add_list_edit_remove(runner: CliRunner, workdir: Path) -> None:
    added = runner.invoke(cli, ["results", "add", "--period", "2026-q4", "--indicator",
                                "Seminars", "--value", "6", "--note", "Школа волонтёра"])
    assert added.exit_code == 0, added.output
    assert "Added 1: 2026-Q4, Seminars and trainings held = 6." in added.output
    runner.invoke(cli, ["results", "add", "--period", "2026-11", "--indicator",
                        "beneficiaries", "--value", "12"])
    listed = runner.invoke(cli, ["results", "list", "--format", "json"])
    assert json.loads(listed.output) == [
        {"id": 1, "period": "2026-Q4", "indicator": "seminars", "value": 6,
         "note": "Школа волонтёра"},
        {"id": 2, "period": "2026-11", "indicator": "beneficiaries", "value": 12, "note": None}]
    inside = runner.invoke(cli, ["results", "list", "--period", "2026-11"])
    assert "People helped (not counted in stories)" in inside.output
    assert "Seminars" not in inside.output  # a quarter is not inside a month

    edited = runner.invoke(cli, ["results", "edit", "1", "--value", "7", "--note", ""])
    assert edited.exit_code == 0, edited.output
    assert json.loads(runner.invoke(cli, ["results", "list", "--format", "json"]).output)[0][
        "value"] == 7
    removed = runner.invoke(cli, ["results", "remove", "2"])
    assert removed.exit_code == 0 and "Removed 2" in removed.output
    missing = runner.invoke(cli, ["results", "remove", "2"])
    assert missing.exit_code == 1
    assert "no figure with id 2" in missing.output


def test_wrong_input_is_explained_in_russian(runner: CliRunner, workdir: Path) -> None:
    ru = {"OUTREACH_LANG": "ru"}
    typo = runner.invoke(cli, ["results", "add", "--period", "2026-Q4", "--indicator",
                               "seminar", "--value", "6"], env=ru)
    assert typo.exit_code == 1
    assert "'seminar' — такого показателя отчёт не знает" in typo.output
    assert "seminars" in typo.output
    negative = runner.invoke(cli, ["results", "add", "--period", "2026-Q4", "--indicator",
                                   "seminars", "--value", "-1"], env=ru)
    assert "значение должно быть 0 или больше, а не -1" in negative.output
    period = runner.invoke(cli, ["results", "add", "--period", "осень", "--indicator",
                                 "seminars", "--value", "1"], env=ru)
    assert "'осень' — это не период" in period.output
    assert "Traceback" not in typo.output + negative.output + period.output
    empty = runner.invoke(cli, ["results", "list"], env=ru)
    assert "Показателей пока нет" in empty.output
