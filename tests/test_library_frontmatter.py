from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outreach.errors import ContentError, ValidationError
from outreach.library.frontmatter import PhotoEntry, read_story

GOOD = """\
+++
title = "Серебряные волонтёры в школе №5"
kind = "photo-report"
date = 2026-10-14
municipality = "Миасс"
tags = ["mentoring", "school"]
summary = "Урок профориентации"

[consent]
recorded_by = "Ирина Петрова"
recorded_at = 2026-10-14

[[photos]]
file = "02.jpg"
caption = "Урок"
alt = "Волонтёры у доски"
credit = "Фото: И. Петрова"

[[photos]]
file = "01.jpg"
+++

Текст **истории**.
"""


def story_folder(tmp_path: Path, text: str, files: tuple[str, ...] = ("01.jpg", "02.jpg"),
                 name: str = "story") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "story.md").write_text(text, encoding="utf-8")
    for file in files:
        (folder / file).write_bytes(b"photo bytes are checked at import, not here")
    return folder


def problems(folder: Path, municipalities: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        read_story(folder, municipalities)
    return [str(p) for p in caught.value.problems]


def test_a_good_story_is_read_whole(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, GOOD, files=("01.jpg", "02.jpg", "03.JPG", "notes.txt"))
    story = read_story(folder, ("Миасс", "Златоуст"), time_zone="Asia/Yekaterinburg")
    assert story.title == "Серебряные волонтёры в школе №5"
    assert story.kind == "photo-report"
    assert story.date == dt.date(2026, 10, 14)
    assert story.municipality == "Миасс"
    assert story.tags == ["mentoring", "school"]
    assert story.summary == "Урок профориентации"
    assert story.consent_by == "Ирина Петрова"
    # A date alone means midnight in the centre's zone (UTC+5).
    assert story.consent_at == dt.datetime(2026, 10, 13, 19, 0, tzinfo=dt.UTC)
    assert story.photos == [
        PhotoEntry("02.jpg", "Урок", "Волонтёры у доски", "Фото: И. Петрова", line=13),
        PhotoEntry("01.jpg", None, None, None, line=19),
    ]
    assert story.body == "Текст **истории**."
    assert story.raw == (folder / "story.md").read_bytes()
    assert story.unlisted == ["03.JPG"]


def test_consent_time_with_an_offset_is_kept_and_without_is_local(tmp_path: Path) -> None:
    text = GOOD.replace("recorded_at = 2026-10-14", "recorded_at = 2026-10-14T15:00:00+03:00")
    folder = story_folder(tmp_path, text)
    assert read_story(folder).consent_at == dt.datetime(2026, 10, 14, 12, 0, tzinfo=dt.UTC)
    (folder / "story.md").write_text(
        GOOD.replace("recorded_at = 2026-10-14", "recorded_at = 2026-10-14T15:00:00"))
    story = read_story(folder, time_zone="Asia/Yekaterinburg")
    assert story.consent_at == dt.datetime(2026, 10, 14, 10, 0, tzinfo=dt.UTC)


def test_a_story_without_photos_needs_no_consent(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, '+++\ntitle = "История"\nkind = "story"\n+++\nТекст\n', ())
    story = read_story(folder)
    assert (story.photos, story.consent_by, story.consent_at, story.tags) == ([], None, None, [])
    assert story.date is None and story.municipality is None


def test_missing_opening_fence(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, 'title = "x"\n+++\nТекст\n')
    assert problems(folder) == [
        f"{folder / 'story.md'}:1: must start with a '+++' line, then the front matter "
        "(title, kind, ...), then another '+++' line"
    ]


def test_missing_closing_fence(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, '\n+++\ntitle = "x"\nkind = "story"\nТекст\n')
    assert problems(folder) == [
        f"{folder / 'story.md'}:2: the front matter opened by '+++' on line 2 is never closed: "
        "add a '+++' line after it"
    ]


def test_toml_syntax_error_names_the_line_in_story_md(tmp_path: Path) -> None:
    text = '\n+++\ntitle = "Урок"\nkind = "story\ndate = 2026-10-14\n+++\nТекст\n'
    folder = story_folder(tmp_path, text)
    [message] = problems(folder)
    # The broken string is on line 4 of story.md (line 2 of the TOML between the fences).
    assert message.startswith(f"{folder / 'story.md'}:4: not valid TOML: ")


def test_unknown_keys_get_did_you_mean_with_their_line(tmp_path: Path) -> None:
    text = GOOD.replace("summary =", "sumary =").replace('file = "01.jpg"',
                                                         'file = "01.jpg"\ncaptoin = "x"')
    folder = story_folder(tmp_path, text)
    source = folder / "story.md"
    assert problems(folder) == [
        f"{source}:7: sumary: unknown key (did you mean 'summary'?)",
        f"{source}:21: photos[2].captoin: unknown key (did you mean 'caption'?)",
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = """\
+++
kind = "fotoreport"
date = 2026-10-14T10:00:00
municipality = "Миас"
tags = "school"

[consent]
recorded_by = "Ирина"

[[photos]]
caption = "no file"

[[photos]]
file = "../secret.jpg"

[[photos]]
file = "1.jpg"

[[photos]]
file = "02.jpg"

[[photos]]
file = "02.jpg"
+++
"""
    folder = story_folder(tmp_path, text)
    source = folder / "story.md"
    assert problems(folder, ("Миасс", "Копейск")) == [
        f"{source}:2: kind: 'fotoreport' is not one of 'photo-report', 'story' "
        "(did you mean 'photo-report'?)",
        f"{source}:3: date: must be a date (YYYY-MM-DD), not a date and time",
        f"{source}:5: tags: must be a list, not text 'school'",
        f"{source}:1: title: is required",
        f"{source}:4: municipality: 'Миас' is not one of the municipalities in config.toml "
        "(did you mean 'Миасс'?)",
        f"{source}:7: consent.recorded_at: is required",
        f"{source}:10: photos[1].file: is required",
        f"{source}:14: photos[2].file: '../secret.jpg' must be a file in the story's folder "
        "(a name like '01.jpg')",
        f"{source}:17: photos[3].file: '1.jpg' does not exist in the folder "
        "(did you mean '01.jpg'?)",
        f"{source}:23: photos[5].file: '02.jpg' is already listed as photo 4",
    ]


def test_a_photo_report_needs_photos_and_a_story_needs_text(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, '+++\ntitle = "Отчёт"\nkind = "photo-report"\n+++\n', ())
    assert problems(folder) == [
        f"{folder / 'story.md'}:3: kind: a photo-report needs at least one [[photos]] entry "
        '(use kind = "story" for a story without photos)'
    ]
    other = story_folder(tmp_path, '+++\ntitle = "История"\nkind = "story"\n+++\n\n', (), "b")
    assert problems(other) == [
        f"{other / 'story.md'}:4: the story has no text after the closing '+++' line"
    ]


def test_a_title_too_long_for_the_store_is_refused(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, f'+++\ntitle = "{"я" * 501}"\nkind = "story"\n+++\nТекст', ())
    assert problems(folder) == [
        f"{folder / 'story.md'}:2: title: is too long (501 characters, at most 500)"
    ]


def test_a_photo_entry_that_is_a_folder(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, GOOD, files=("02.jpg",))
    (folder / "01.jpg").mkdir()
    assert problems(folder) == [f"{folder / 'story.md'}:20: photos[2].file: '01.jpg' is a "
                                "folder, not a photo (did you mean '02.jpg'?)"]


def test_inline_photo_tables_point_at_the_photos_line(tmp_path: Path) -> None:
    text = ('+++\ntitle = "x"\nkind = "photo-report"\n'
            'photos = [{file = "01.jpg", alt2 = "y"}]\n+++\n')
    folder = story_folder(tmp_path, text)
    assert problems(folder) == [
        f"{folder / 'story.md'}:4: photos[1].alt2: unknown key (did you mean 'alt'?)"
    ]


def test_no_story_md_and_story_md_that_is_a_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ContentError) as caught:
        read_story(empty)
    assert str(caught.value) == f"{empty}: no story.md in this folder"
    (empty / "story.md").mkdir()
    with pytest.raises(ContentError) as caught:
        read_story(empty)
    assert str(caught.value) == f"{empty / 'story.md'}: cannot read: it is a folder, not a file"


def test_text_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, "", ())
    (folder / "story.md").write_bytes('+++\ntitle = "Урок"\n'.encode("cp1251"))
    assert problems(folder) == [f"{folder / 'story.md'}:2: is not UTF-8 text; save it as UTF-8"]


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, "", ())
    (folder / "story.md").write_bytes(
        '\ufeff+++\ntitle = "Урок"\nkind = "story"\n+++\nТекст\n'.encode())
    assert read_story(folder).title == "Урок"


def test_participants_and_people_helped_are_counts(tmp_path: Path) -> None:
    counted = GOOD.replace('summary = "Урок профориентации"',
                           'summary = "Урок профориентации"\nparticipants = 24\nbeneficiaries = 0')
    story = read_story(story_folder(tmp_path, counted))
    assert (story.participants, story.beneficiaries) == (24, 0)
    assert read_story(story_folder(tmp_path, GOOD, name="plain")).participants is None

    wrong = GOOD.replace('summary = "Урок профориентации"',
                         'summary = "Урок профориентации"\nparticipants = -3\n'
                         'beneficiaries = "сорок"')
    found = problems(story_folder(tmp_path, wrong, name="wrong"))
    assert any("story.md:8" in p and "participants" in p and "0 or more" in p for p in found), \
        found
    assert any("story.md:9" in p and "beneficiaries" in p and "whole number" in p
               for p in found), found


def test_photographer_credits_every_photo_without_a_credit_of_its_own(tmp_path: Path) -> None:
    text = GOOD.replace('summary = "Урок профориентации"',
                        'summary = "Урок профориентации"\nphotographer = "Олег Смирнов"')
    story = read_story(story_folder(tmp_path, text))
    assert [p.credit for p in story.photos] == ["Фото: И. Петрова", "Олег Смирнов"]


def test_photographer_longer_than_the_store_keeps_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace('summary = "Урок профориентации"',
                        'summary = "Урок профориентации"\nphotographer = "' + "я" * 201 + '"')
    with pytest.raises(ValidationError, match=r"photographer.*at most 200"):
        read_story(story_folder(tmp_path, text))


def test_a_story_written_again_keeps_its_counts(tmp_path: Path) -> None:
    from outreach.library.writer import left_out, render_story

    data = {"title": "Сад", "kind": "story", "participants": 12, "beneficiaries": 0}
    assert left_out(data) == []
    folder = tmp_path / "garden"
    folder.mkdir()
    (folder / "story.md").write_text(render_story(data, "Текст."), encoding="utf-8")
    story = read_story(folder)
    assert (story.participants, story.beneficiaries) == (12, 0)


def test_the_story_writer_keeps_the_photographer(tmp_path: Path) -> None:
    from outreach.library.writer import left_out, render_story

    data = {"title": "Урок", "kind": "story", "photographer": "Олег Смирнов"}
    assert left_out(data) == []
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "story.md").write_text(render_story(data, "Текст."), encoding="utf-8")
    assert 'photographer = "Олег Смирнов"' in (folder / "story.md").read_text(encoding="utf-8")
    read_story(folder)
