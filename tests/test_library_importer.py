from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import event
from sqlmodel import select

from outreach.db.models import Photo, Publication, Story, StoryStatus, utcnow
from outreach.errors import ContentError, NotFoundError
from outreach.library import importer
from outreach.library.importer import find_story_folders, import_paths

CONSENT = '[consent]\nrecorded_by = "Ирина Петрова"\nrecorded_at = 2026-10-14\n'


def jpeg(seed: int, size: tuple[int, int] = (48, 32)) -> bytes:
    """A small JPEG whose bytes differ for each seed."""
    image = Image.new("RGB", size, ((seed * 40) % 256, (seed * 90) % 256, (seed * 20) % 256))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_story(root: Path, name: str, *, title: str = "Урок", photos: dict[str, Any] | None = None,
               captions: dict[str, str] | None = None, consent: bool = True,
               extra: str = "") -> Path:
    """Write a story folder: photos maps file name -> bytes (None: listed, not written)."""
    photos = {"01.jpg": jpeg(1)} if photos is None else photos
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["+++", f'title = "{title}"',
             f'kind = "{"photo-report" if photos else "story"}"',
             'municipality = "Миасс"', 'tags = ["school"]', extra]
    if consent:
        lines.append(CONSENT)
    for file, data in photos.items():
        lines += ["[[photos]]", f'file = "{file}"',
                  f'caption = "{(captions or {}).get(file, "Фото " + file)}"']
        if data is not None:
            (folder / file).write_bytes(data)
    lines += ["+++", "Текст истории."]
    (folder / "story.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def stored(store: Any) -> dict[str, tuple[Any, ...]]:
    """Every story and its photos, as plain values, keyed by folder name."""
    with store.session() as session:
        result = {}
        for story in session.exec(select(Story)):
            photos = session.exec(select(Photo).where(Photo.story_id == story.id)
                                  .order_by(Photo.position))
            result[Path(story.source_folder).name] = (
                story.model_dump(),
                [p.model_dump() for p in photos],
            )
        return result


def test_imports_a_tree_of_story_folders(store: Any, tmp_path: Path) -> None:
    a = make_story(tmp_path / "media" / "2026", "a", photos={"02.jpg": jpeg(2), "01.jpg": jpeg(1)})
    (a / "03.jpg").write_bytes(jpeg(3))  # in the folder but not listed
    make_story(a, "drafts")  # inside a story folder: not a story of its own
    b = make_story(tmp_path / "media", "b", photos={})
    make_story(tmp_path / "media" / ".cache", "c")  # hidden folders are skipped

    report = import_paths(store, [tmp_path / "media"], ("Миасс",))

    assert report.imported == [a.resolve(), b.resolve()]
    assert (report.updated, report.unchanged, report.failed) == ([], [], [])
    assert report.warnings == [(a.resolve(), "not imported, not listed in story.md: 03.jpg")]
    assert report.summary() == "2 imported, 0 updated, 0 unchanged, 0 failed"
    with store.session() as session:
        story = session.exec(select(Story).where(Story.source_folder == str(a.resolve()))).one()
        assert (story.title, story.kind, story.municipality, story.tags, story.status) == (
            "Урок", "photo-report", "Миасс", ["school"], "draft")
        assert story.consent_recorded and story.created_at == story.updated_at
        photos = session.exec(select(Photo).where(Photo.story_id == story.id)
                              .order_by(Photo.position)).all()
        assert [(p.file, p.position, p.width, p.height, p.caption) for p in photos] == [
            ("02.jpg", 0, 48, 32, "Фото 02.jpg"), ("01.jpg", 1, 48, 32, "Фото 01.jpg")]
        assert report.story_ids[a.resolve()] == story.id
        assert len(session.exec(select(Story)).all()) == 2


def test_an_unchanged_folder_costs_no_write(store: Any, tmp_path: Path) -> None:
    folder = make_story(tmp_path, "a", photos={"01.jpg": jpeg(1), "02.jpg": jpeg(2)})
    import_paths(store, [folder])
    before = stored(store)
    writes: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        report = import_paths(store, [folder])
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    assert report.unchanged == [folder.resolve()] and not report.imported + report.updated
    assert writes == []
    assert stored(store) == before


def test_a_changed_story_is_updated_in_place_without_duplicate_photos(
    store: Any, tmp_path: Path
) -> None:
    folder = make_story(tmp_path, "a", photos={"01.jpg": jpeg(1), "02.jpg": jpeg(2),
                                               "03.jpg": jpeg(3)})
    import_paths(store, [folder])
    [(story_before, photos_before)] = stored(store).values()
    ids = {p["file"]: p["id"] for p in photos_before}
    with store.session() as session:
        session.add(Publication(story_id=story_before["id"], channel="vk", slot=utcnow(),
                                status="published", created_at=utcnow()))

    # Rename and re-caption 01, drop 02, keep 03, add 04, fix the title.
    (folder / "01.jpg").rename(folder / "10.jpg")
    (folder / "02.jpg").unlink()
    make_story(tmp_path, "a", title="Урок (исправлено)",
               photos={"04.jpg": jpeg(4), "10.jpg": None, "03.jpg": None},
               captions={"10.jpg": "Новая подпись"})
    report = import_paths(store, [folder])

    assert report.updated == [folder.resolve()]
    [(story, photos)] = stored(store).values()
    assert story["id"] == story_before["id"] and story["title"] == "Урок (исправлено)"
    assert story["created_at"] == story_before["created_at"]
    assert story["updated_at"] > story_before["updated_at"]
    assert [(p["file"], p["position"], p["caption"]) for p in photos] == [
        ("04.jpg", 0, "Фото 04.jpg"), ("10.jpg", 1, "Новая подпись"), ("03.jpg", 2, "Фото 03.jpg")]
    assert photos[1]["id"] == ids["01.jpg"] and photos[2]["id"] == ids["03.jpg"]
    assert ids["02.jpg"] not in {p["id"] for p in photos}
    with store.session() as session:
        # The story's publication history is kept.
        assert len(session.exec(select(Publication)).all()) == 1


def test_approval_survives_a_fix_but_not_a_removed_consent(store: Any, tmp_path: Path) -> None:
    kept = make_story(tmp_path, "kept")
    lost = make_story(tmp_path, "lost")
    import_paths(store, [tmp_path])
    with store.session() as session:
        for story in session.exec(select(Story)):
            story.status = StoryStatus.approved.value
            story.approved_at = utcnow()
            session.add(story)

    make_story(tmp_path, "kept", title="Урок, без опечатки")
    make_story(tmp_path, "lost", consent=False)
    report = import_paths(store, [tmp_path])

    assert report.updated == [kept.resolve(), lost.resolve()]
    assert report.warnings == [(lost.resolve(), (
        "back to draft: it was approved, but its consent record was removed; record consent "
        "in story.md, import again and approve it again"))]
    now = stored(store)
    assert (now["kept"][0]["status"], now["kept"][0]["title"]) == ("approved", "Урок, без опечатки")
    assert now["lost"][0]["status"] == "draft" and now["lost"][0]["approved_at"] is None


def test_bad_stories_fail_alone_and_lose_nothing(
    store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5000)  # our 48x32 photos are well under it
    names = ["bomb", "dir", "fence", "key", "missing", "notimage", "same", "toml", "truncated"]
    folders = {name: make_story(tmp_path, name, photos={"01.jpg": jpeg(1), "02.jpg": jpeg(2)})
               for name in names}
    first = import_paths(store, [tmp_path], ("Миасс",))
    assert len(first.imported) == len(names)
    before = stored(store)

    # Break each story in its own way, and add one new good and one new bad story.
    (folders["bomb"] / "02.jpg").write_bytes(jpeg(5, size=(80, 80)))  # 6,400 pixels
    (folders["dir"] / "story.md").unlink()
    (folders["dir"] / "story.md").mkdir()
    md = {name: folders[name] / "story.md" for name in names}
    md["fence"].write_text(md["fence"].read_text().replace("+++\n", "", 1))
    md["key"].write_text(md["key"].read_text().replace("municipality", "municipalty"))
    (folders["missing"] / "02.jpg").unlink()
    (folders["notimage"] / "02.jpg").write_text("это не фотография")
    (folders["same"] / "02.jpg").write_bytes(jpeg(1))
    md["toml"].write_text(md["toml"].read_text().replace('title = "Урок"', 'title = "Урок'))
    data = (folders["truncated"] / "02.jpg").read_bytes()
    (folders["truncated"] / "02.jpg").write_bytes(data[: len(data) // 2])
    new_good = make_story(tmp_path, "new-good", photos={"01.jpg": jpeg(7)})
    new_bad = make_story(tmp_path, "new-bad", photos={"01.jpg": jpeg(8)},
                         extra='municipality2 = "x"')

    report = import_paths(store, [tmp_path], ("Миасс",))

    reasons = {folder.name: reason for folder, reason in report.failed}
    f = {name: folders[name].resolve() for name in names}
    assert reasons.pop("toml").startswith(f"{f['toml'] / 'story.md'}:2: not valid TOML: ")
    assert reasons == {
        "bomb": f"{f['bomb'] / '02.jpg'}: too large: 6,400 pixels, the limit is 5,000 pixels "
                "(make it smaller before importing)",
        "dir": f"{f['dir'] / 'story.md'}: cannot read: it is a folder, not a file",
        "fence": f"{f['fence'] / 'story.md'}:1: must start with a '+++' line, then the front "
                 "matter (title, kind, ...), then another '+++' line",
        "key": f"{f['key'] / 'story.md'}:4: municipalty: unknown key "
               "(did you mean 'municipality'?)",
        "missing": f"{f['missing'] / 'story.md'}:15: photos[2].file: '02.jpg' does not exist "
                   "in the folder (did you mean '01.jpg'?)",
        "notimage": f"{f['notimage'] / '02.jpg'}: not an image (Pillow cannot read it)",
        "same": f"{f['same'] / '02.jpg'}: the same photo as 01.jpg; list it once in story.md",
        "truncated": f"{f['truncated'] / '02.jpg'}: truncated or damaged "
                     "(Truncated File Read)",
        "new-bad": f"{new_bad.resolve() / 'story.md'}:6: municipality2: unknown key "
                   "(did you mean 'municipality'?)",
    }
    assert report.imported == [new_good.resolve()]
    after = stored(store)
    assert {k: v for k, v in after.items() if k != "new-good"} == before
    assert "new-bad" not in after


def test_one_transaction_per_story(store: Any, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    make_story(tmp_path, "a", photos={"01.jpg": jpeg(1)})
    make_story(tmp_path, "b", title="Старое", photos={"01.jpg": jpeg(2)})
    import_paths(store, [tmp_path / "b"])
    before = stored(store)
    make_story(tmp_path, "b", title="Новое", photos={"01.jpg": jpeg(2), "02.jpg": jpeg(3)})
    make_story(tmp_path, "c", photos={"01.jpg": jpeg(4)})
    real = importer._sync_photos

    def fail_for_b_and_c(session: Any, story_id: int, story_file: Any, infos: Any) -> None:
        real(session, story_id, story_file, infos)
        session.flush()  # the story and its photos have reached the database...
        if story_file.folder.name in ("b", "c"):
            raise ContentError("disk unplugged")  # ...and then something fails

    monkeypatch.setattr(importer, "_sync_photos", fail_for_b_and_c)
    report = import_paths(store, [tmp_path])

    assert [(p.name, reason) for p, reason in report.failed] == [("b", "disk unplugged"),
                                                                 ("c", "disk unplugged")]
    after = stored(store)
    assert sorted(after) == ["a", "b"]
    assert after["b"] == before["b"]  # neither the new title nor the new photo
    with store.session() as session:
        assert len(session.exec(select(Photo)).all()) == 2  # a's and b's old one


def test_find_story_folders(tmp_path: Path) -> None:
    a = make_story(tmp_path / "media", "a")
    b = make_story(tmp_path / "media" / "deep" / "er", "b")
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    media = tmp_path / "media"
    assert find_story_folders([media]) == [a.resolve(), b.resolve()]
    # A story.md names its folder; a folder given twice is imported once.
    assert find_story_folders([a / "story.md", a, media]) == [a.resolve(), b.resolve()]
    with pytest.raises(NotFoundError, match=r"nowhere: no such file or folder$"):
        find_story_folders([tmp_path / "nowhere"])
    with pytest.raises(NotFoundError, match=r"empty: no story.md here or in any folder below$"):
        find_story_folders([tmp_path / "empty"])
    with pytest.raises(NotFoundError, match=r"notes.txt: not a story folder \(give the folder"):
        find_story_folders([tmp_path / "notes.txt"])


def _without_root_override() -> list[str]:
    """A command prefix under which permissions hold, even when the tests run as root."""
    import os
    import shutil

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test unreadable folders as root"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def test_an_unreadable_folder_fails_alone_and_says_why(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    samples = Path(__file__).resolve().parent.parent / "media" / "samples"
    tree = tmp_path / "media"
    shutil.copytree(samples / "2026-10-01-miass-valentina-story", tree / "readable")
    shutil.copytree(samples / "2026-10-14-miass-school-5", tree / "locked")
    (tmp_path / "config.toml").write_text('database_url = "sqlite:///outreach.db"\n')
    (tree / "locked").chmod(0)
    try:
        result = subprocess.run(
            [*_without_root_override(), sys.executable, "-m", "outreach",
             "content", "import", str(tree)],
            cwd=tmp_path, capture_output=True, text=True,
        )
    finally:
        (tree / "locked").chmod(0o755)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert f"{tree / 'locked'}" in output and "ermission denied" in output, output
    assert "1 imported, 0 updated, 0 unchanged, 1 failed" in output, output
    from outreach.db import open_store
    from outreach.library.stories import list_stories

    store = open_store(f"sqlite:///{tmp_path / 'outreach.db'}")
    with store.session() as session:
        assert [s.source_folder for s in list_stories(session)] == [str(tree / "readable")]
    store.dispose()


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def test_a_link_out_of_the_story_folder_is_refused_naming_the_story_file_and_the_photo(
        store: Any, tmp_path: Path) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "passport.jpg").write_bytes(jpeg(9))
    (outside / "album").mkdir()
    (outside / "album" / "03.jpg").write_bytes(jpeg(10))
    media = tmp_path / "media"
    story = make_story(media, "a", photos={"01.jpg": jpeg(1), "link.jpg": None,
                                           "abs.jpg": None, "sub/03.jpg": None})
    (story / "link.jpg").symlink_to("../../private/passport.jpg")
    (story / "abs.jpg").symlink_to(outside / "passport.jpg")
    (story / "sub").symlink_to(outside / "album")
    (story / "inner.jpg").symlink_to("01.jpg")  # a link within the folder is the folder's
    good = make_story(media, "b", photos={"01.jpg": jpeg(2)})

    report = import_paths(store, [media], ("Миасс",))

    md = story.resolve() / "story.md"
    refused = "is a link that leads out of the story's folder; put the photo itself in the folder"
    assert [(folder.name, reason.splitlines()) for folder, reason in report.failed] == [("a", [
        f"{md}:{_line_of(md, 'link.jpg')}: photos[2].file: 'link.jpg' {refused}",
        f"{md}:{_line_of(md, 'abs.jpg')}: photos[3].file: 'abs.jpg' {refused}",
        f"{md}:{_line_of(md, 'sub/03.jpg')}: photos[4].file: 'sub/03.jpg' {refused}",
    ])]
    assert report.imported == [good.resolve()]
    assert sorted(stored(store)) == ["b"]


def test_a_photo_turned_into_a_link_out_keeps_the_stored_story_as_it_was(
        store: Any, tmp_path: Path) -> None:
    (tmp_path / "secret.jpg").write_bytes(jpeg(9))
    story = make_story(tmp_path / "media", "a", photos={"01.jpg": jpeg(1), "02.jpg": jpeg(2)})
    import_paths(store, [story])
    before = stored(store)
    (story / "02.jpg").unlink()
    (story / "02.jpg").symlink_to(tmp_path / "secret.jpg")
    (story / "story.md").write_text((story / "story.md").read_text(encoding="utf-8")
                                    .replace("Урок", "Урок, исправленный"), encoding="utf-8")

    report = import_paths(store, [story])

    [(_, reason)] = report.failed
    assert "photos[2].file: '02.jpg' is a link that leads out of the story's folder" in reason
    assert stored(store) == before  # neither the new title nor the linked photo


def test_a_story_file_that_is_a_link_out_is_refused(store: Any, tmp_path: Path) -> None:
    story = make_story(tmp_path / "media", "a")
    (story / "story.md").rename(tmp_path / "elsewhere.md")
    (story / "story.md").symlink_to(tmp_path / "elsewhere.md")

    report = import_paths(store, [tmp_path / "media"])

    assert [reason for _, reason in report.failed] == [
        f"{story.resolve() / 'story.md'}: is a link that leads out of the story's folder; "
        "put the story file itself in the folder"]


def test_a_linked_story_folder_in_media_is_the_folder_it_leads_to(
        store: Any, tmp_path: Path) -> None:
    kept = make_story(tmp_path / "big-disk", "2026-10-14-miass", photos={"01.jpg": jpeg(1)})
    (kept / "02.jpg").symlink_to(tmp_path / "big-disk" / "other.jpg")
    (tmp_path / "big-disk" / "other.jpg").write_bytes(jpeg(2))
    media = tmp_path / "media"
    media.mkdir()
    (media / "miass").symlink_to(kept)
    (media / "no-story").symlink_to(tmp_path)  # not a story folder: never walked into

    report = import_paths(store, [media])

    assert report.imported == [kept.resolve()] and not report.failed
    with store.session() as session:
        [story] = session.exec(select(Story))
    assert story.source_folder == str(kept.resolve())
    # The photos are judged against the folder the link leads to.
    (kept / "story.md").write_text((kept / "story.md").read_text(encoding="utf-8").replace(
        "+++\nТекст", '[[photos]]\nfile = "02.jpg"\n+++\nТекст'), encoding="utf-8")
    again = import_paths(store, [media])
    [(_, reason)] = again.failed
    assert "photos[2].file: '02.jpg' is a link that leads out of the story's folder" in reason


def test_folder_and_photo_names_in_russian_are_accepted(store: Any, tmp_path: Path) -> None:
    folder = make_story(tmp_path / "media", "2026-10-14 Миасс, школа №5",
                        photos={"Встреча ёлка.jpg": jpeg(7)})
    report = import_paths(store, [tmp_path / "media"])
    assert report.ok and report.imported == [folder.resolve()]
    (_story, photos), = stored(store).values()
    assert [p["file"] for p in photos] == ["Встреча ёлка.jpg"]
