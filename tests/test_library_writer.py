from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from outreach.library.frontmatter import read_story
from outreach.library.writer import with_consent

SAMPLES = Path(__file__).resolve().parent.parent / "media" / "samples"
SCHOOL = "2026-10-14-miass-school-5"
ZONE = "Asia/Yekaterinburg"
WHEN = dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC)
CONSENT = {"recorded_by": "Н. П. Иванова", "recorded_at": WHEN, "form": "бланк №12 от 01.12"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLES / SCHOOL, tmp_path / SCHOOL))


def rewrite(folder: Path, text: str) -> str:
    story = folder / "story.md"
    story.write_text(text, encoding="utf-8")
    result = with_consent(text, CONSENT, str(story))
    story.write_text(result, encoding="utf-8")
    told = read_story(folder, time_zone=ZONE)
    assert (told.consent_by, told.consent_at, told.consent_form) == (
        "Н. П. Иванова", WHEN, "бланк №12 от 01.12")
    return result


def test_an_existing_consent_table_is_replaced_and_every_other_line_kept(folder: Path) -> None:
    before = (folder / "story.md").read_text(encoding="utf-8")
    after = rewrite(folder, before)
    start, end = before.index("[consent]"), before.index("[[photos]]")
    assert after[:start] == before[:start]  # the comment above [consent] stays too
    assert after[after.index("[[photos]]"):] == before[end:]
    assert 'recorded_by = "Н. П. Иванова"' in after
    assert "Ирина Петрова\"\nrecorded_at" not in after


def test_a_story_without_consent_gets_the_table_before_its_photos(folder: Path) -> None:
    text = (folder / "story.md").read_text(encoding="utf-8")
    text = text[: text.index("[consent]")] + text[text.index("[[photos]]"):]
    after = rewrite(folder, text)
    assert after.index("[consent]") < after.index("[[photos]]")
    assert after.count("[consent]") == 1
    assert "# Sample content: consent fields filled for the demo.\n[[photos]]" in after


def test_consent_held_in_an_inline_table_is_written_whole(folder: Path) -> None:
    text = (folder / "story.md").read_text(encoding="utf-8")
    start, end = text.index("[consent]"), text.index("[[photos]]")
    inline = text[:start] + text[end:]
    inline = inline.replace('tags = [', 'consent = { recorded_by = "И. Петрова", '
                                        'recorded_at = 2026-10-14 }\ntags = [', 1)
    after = rewrite(folder, inline)
    assert "И. Петрова" not in after
    assert read_story(folder, time_zone=ZONE).title == "ОБРАЗЕЦ: Серебряные волонтёры в школе №5"
