from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outreach.i18n import language
from outreach_local_media.demo_events import sample_events, write_sample_events
from outreach_local_media.events import read_events, upcoming

DAY = dt.date(2026, 12, 2)


def test_the_sample_reads_back_as_meetings_ahead_on_every_stand(tmp_path: Path) -> None:
    written = write_sample_events(tmp_path / "media", DAY)
    assert written == [tmp_path / "media" / "events.toml"]
    events = read_events(written[0])
    for municipality in ("Миасс", "Златоуст", None):
        assert [e.date for e in upcoming(events, municipality, DAY)] == [
            dt.date(2026, 12, 5), dt.date(2026, 12, 12), dt.date(2026, 12, 23)]
    assert [(e.time, e.title, e.place) for e in events][0] == (
        "11:00", "SAMPLE: Meeting of mentors", "Library, Lenin St 5")


def test_the_sample_explains_itself_in_the_language_spoken() -> None:
    with language("ru"):
        text = sample_events(DAY)
    assert "# ОБРАЗЕЦ для пробы, записан командой outreach init --samples 2026-12-02" in text
    assert 'title = "ОБРАЗЕЦ: Встреча наставников"' in text
    assert '# municipality = "Миасс"' in text


@pytest.mark.parametrize("edit", [
    lambda text: text.replace("Meeting of mentors", "Meeting at the library"),
    lambda text: "[[events]]\ndate = 2026-12-20\ntitle = \"Ours\"\n",
])
def test_a_file_someone_wrote_or_edited_stays_as_it_is(tmp_path: Path, edit) -> None:
    path = tmp_path / "events.toml"
    own = edit(sample_events(DAY - dt.timedelta(days=30)))
    path.write_text(own, encoding="utf-8")
    assert write_sample_events(tmp_path, DAY) == []
    assert path.read_text(encoding="utf-8") == own


def test_an_unedited_sample_from_an_earlier_day_is_dated_again(tmp_path: Path) -> None:
    path = tmp_path / "events.toml"
    path.write_text(sample_events(DAY - dt.timedelta(days=30)), encoding="utf-8")
    assert write_sample_events(tmp_path, DAY) == [path]
    assert path.read_text(encoding="utf-8") == sample_events(DAY)
    assert write_sample_events(tmp_path, DAY) == []  # the same day: nothing to do
