"""The radio text and the TV note of a press kit, from the samples a centre starts with."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from outreach.channels import Post
from outreach.config import Centre
from outreach.i18n import language
from outreach_local_media import speech
from outreach_local_media.broadcast import radio_text, tv_note
from outreach_local_media.release import build_release

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "media" / "samples").iterdir())
CENTRE = Centre(name="Центр", slogan="", phone="+7 (351) 200-00-05", email="", website="",
                logo=None, contact_person="Анна Петрова", city="Челябинск")


def release_of(folder: Path, link: str | None = None):  # type: ignore[no-untyped-def]
    _, front, body = (folder / "story.md").read_text(encoding="utf-8").split("+++", 2)
    meta = tomllib.loads(front)
    post = Post(publication_id=1, idempotency_key="k", text="", title=meta["title"],
                municipality=meta.get("municipality"),
                extra={"body": body, "summary": meta.get("summary"),
                       "event_date": str(meta.get("date"))})
    return build_release(post, [], CENTRE, dt.date(2026, 12, 2), "MIA-7", link)


@pytest.mark.parametrize("folder", SAMPLES, ids=lambda p: p.name)
def test_radio_text_reads_in_30_to_45_seconds_without_links(folder: Path) -> None:
    with language("ru"):
        radio = radio_text(release_of(folder, link="https://t.me/bot?start=s3NcwrKmwEbq"))
        shown = radio.render()
    assert 30 <= radio.seconds <= 45
    assert "http" not in radio.text and "s3Ncwr" not in radio.text
    assert radio.text.endswith("позвоните по телефону плюс семь, триста пятьдесят один, "
                               "двести, ноль ноль, ноль пять и назовите код эм, и, а — семь.")
    assert shown.startswith("ТЕКСТ ДЛЯ РАДИО\nХронометраж: около ")


def test_spoken_forms() -> None:
    assert speech.date_words(dt.date(2026, 10, 14)) == \
        "четырнадцатого октября две тысячи двадцать шестого года"
    assert speech.dates_in_words("В школе №5 1 декабря") == "В школе номер пять первого декабря"
    assert speech.code_words("СНЕ-12") == speech.code_words("CHE-12") == "эс, эн, е — двенадцать"
    assert speech.number_words(21_351) == "двадцать одна тысяча триста пятьдесят один"
    assert speech.seconds("а" * 420) == pytest.approx(30)


def test_tv_note_names_scenes_speakers_and_the_contact() -> None:
    with language("ru"):
        note = tv_note(release_of(SAMPLES[2]), today=dt.date(2026, 12, 2))
    assert "ЧТО МОЖНО СНЯТЬ" in note
    assert "ГДЕ И КОГДА\nМиасс\nСобытие прошло 14 октября 2026" in note
    assert "КТО МОЖЕТ ВЫСТУПИТЬ ПЕРЕД КАМЕРОЙ\n— наставница Галина Николаевна\n" \
           "— Анна Петрова, контактное лицо центра" in note
