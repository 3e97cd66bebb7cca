from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from importlib import metadata
from pathlib import Path

import pytest
from PIL import Image

from outreach.channels import PermanentError, Post, PostPhoto, TransientError, format_date
from outreach.i18n import language
from outreach_local_media import LocalMediaChannel, presskit
from outreach_local_media.presskit import slugify
from outreach_testing import make_registry, make_test_config

CENTRE = {"name": "Серебряные волонтёры", "slogan": "Возраст добру не помеха",
          "phone": "+7 351 200-00-00", "email": "info@example.org",
          "contact_person": "Анна Петрова"}

_WHEN = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def _key(publication_id: int, key: str) -> Post:
    """The post as the engine renders it again to reconcile: only its identity matters here."""
    return Post(publication_id=publication_id, idempotency_key=key, text="t", title="T")



def photo(path: Path, colour: str) -> Path:
    Image.new("RGB", (64, 48), colour).save(path, "JPEG")
    return path


@pytest.fixture
def photos(tmp_path: Path) -> list[PostPhoto]:
    folder = tmp_path / "renditions"
    folder.mkdir()
    return [
        PostPhoto(path=photo(folder / "garden.jpg", "green"), caption="Посадка яблонь",
                  credit="Иван Сидоров"),
        PostPhoto(path=photo(folder / "tea.jpg", "red"), caption="Чаепитие"),
    ]


def make_channel(tmp_path: Path, **settings: object) -> LocalMediaChannel:
    config = make_test_config(tmp_path, {"press": {"plugin": "local-media", **settings}},
                              centre=CENTRE)
    made = make_registry(config, [LocalMediaChannel]).get("press")
    assert isinstance(made, LocalMediaChannel)
    return made


OUTLET_CODES = {"Миасский рабочий": {"short_code": "MIA-3", "link": None},
                "Радио Миасс": {"short_code": "RAD-1", "link": None}}


def story(photos: list[PostPhoto], publication_id: int = 12, key: str = "pub-12") -> Post:
    return Post(publication_id=publication_id, idempotency_key=key,
                title="Сад добра в Миассе", text="Волонтёры посадили 40 яблонь.",
                photos=photos, referral_code="MIASS-7", municipality="Миасс",
                signup_link="https://t.me/bot?start=MIASS-7",
                extra={"body": "Сад добра в Миассе\n\nВолонтёры посадили 40 яблонь.",
                       "event_date": "2026-10-14", "story_folder": "sad-dobra",
                       "outlet_codes": OUTLET_CODES})


def kits(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_publish_writes_a_complete_kit(tmp_path: Path, photos: list[PostPhoto]) -> None:
    channel = make_channel(tmp_path, outlets=["Миасский рабочий", "Радио Миасс"])
    with language("ru"):  # the centre's language: the kit's own words are Russian
        published = channel.publish(story(photos))
        today = format_date(dt.date.today())

    folder = tmp_path / "output" / "press" / published.external_id
    assert published.external_id == f"{dt.date.today().isoformat()}_12_sad-dobra-v-miasse"
    assert published.url == folder.resolve().as_uri()
    assert kits(folder.parent) == [published.external_id]
    documents = ["radio.txt", "release.docx", "release.pdf", "release.txt", "tv.txt"]
    assert sorted(p.name for p in folder.iterdir()) == sorted([
        "2026-10-14-sad-dobra-01.jpg", "2026-10-14-sad-dobra-02.jpg", "manifest.json",
        "miasskiy-rabochiy", "radio-miass", *documents])
    assert sorted(p.name for p in (folder / "radio-miass").iterdir()) == documents

    release = (folder / "miasskiy-rabochiy" / "release.txt").read_text(encoding="utf-8")
    assert release.startswith(f"ПРЕСС-РЕЛИЗ\n\nМиасс, {today}\n\nСад добра в Миассе\n\n"
                              "Волонтёры посадили 40 яблонь.")
    assert release.count("Сад добра в Миассе") == 1
    assert ("ФОТОГРАФИИ\n2026-10-14-sad-dobra-01.jpg — Посадка яблонь. Фото: Иван Сидоров\n"
            "2026-10-14-sad-dobra-02.jpg — Чаепитие.\n") in release
    for contact in ("КАК СТАТЬ ВОЛОНТЁРОМ", "КОНТАКТ ДЛЯ ПРЕССЫ", "Серебряные волонтёры",
                    "Анна Петрова", "Телефон: +7 351 200-00-00",
                    "Эл. почта: info@example.org", "позвоните по телефону +7 351 200-00-00 и "
                    "назовите код MIA-3", "ПОДГОТОВЛЕНО ДЛЯ\nМиасский рабочий"):
        assert contact in release
    assert "MIASS-7" not in release  # the link's long code is never given to say
    general = (folder / "release.txt").read_text(encoding="utf-8")
    assert "код" not in general and "ПОДГОТОВЛЕНО ДЛЯ" not in general

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["publication_id"], manifest["idempotency_key"]) == (12, "pub-12")
    assert manifest["outlets"] == ["Миасский рабочий", "Радио Миасс"]
    assert manifest["outlet_codes"] == {"Миасский рабочий": "MIA-3", "Радио Миасс": "RAD-1"}
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert "radio-miass/release.pdf" in listed and len(listed) == 3 * 5 + 2
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def test_photos_are_copied_exactly_as_given(tmp_path: Path, photos: list[PostPhoto]) -> None:
    folder = tmp_path / "output" / "press" / make_channel(tmp_path).publish(
        story(photos)).external_id
    assert (folder / "2026-10-14-sad-dobra-01.jpg").read_bytes() == photos[0].path.read_bytes()
    with Image.open(folder / "2026-10-14-sad-dobra-01.jpg") as copied:
        assert not copied.getexif()  # the core strips EXIF; the plugin adds none


def test_republishing_returns_the_same_kit(tmp_path: Path, photos: list[PostPhoto]) -> None:
    channel = make_channel(tmp_path)
    first = channel.publish(story(photos))
    again = make_channel(tmp_path).publish(story(photos))  # e.g. after a restart
    assert again == first
    assert kits(tmp_path / "output" / "press") == [first.external_id]


def test_reconcile_finds_the_kit_by_its_key(tmp_path: Path, photos: list[PostPhoto]) -> None:
    channel = make_channel(tmp_path)
    assert channel.reconcile(_key(12, "pub-12"), _WHEN).exists is False
    published = channel.publish(story(photos))
    found = channel.reconcile(_key(12, "pub-12"), _WHEN)
    assert (found.exists, found.published) == (True, published)
    assert channel.reconcile(_key(12, "another-key"), _WHEN).exists is False
    assert channel.capabilities.reconcile is True


def test_missing_photo_writes_nothing(tmp_path: Path, photos: list[PostPhoto]) -> None:
    photos[1].path.unlink()
    channel = make_channel(tmp_path)
    with pytest.raises(PermanentError) as raised:
        channel.publish(story(photos))
    assert str(raised.value) == (f"channel press: photo {photos[1].path} is missing; "
                                 "the press kit was not written")
    assert kits(tmp_path / "output" / "press") == []
    assert channel.reconcile(_key(12, "pub-12"), _WHEN).exists is False


def test_a_failure_mid_kit_leaves_no_half_kit(tmp_path: Path, photos: list[PostPhoto],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    channel = make_channel(tmp_path)
    real_copy = shutil.copyfile
    calls = []

    def copy_then_fail(source: Path, target: Path) -> None:
        calls.append(source)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_copy(source, target)

    monkeypatch.setattr(presskit.shutil, "copyfile", copy_then_fail)
    with pytest.raises(TransientError, match="the disk is full"):
        channel.publish(story(photos))
    assert kits(tmp_path / "output" / "press") == []

    monkeypatch.setattr(presskit.shutil, "copyfile", real_copy)
    published = channel.publish(story(photos))
    assert kits(tmp_path / "output" / "press") == [published.external_id]


def test_stale_temporary_folders_are_cleared(tmp_path: Path, photos: list[PostPhoto]) -> None:
    root = tmp_path / "output" / "press"
    stale, fresh = root / f"{presskit.TEMP_PREFIX}old", root / f"{presskit.TEMP_PREFIX}new"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
    hours_ago = time.time() - 2 * presskit.STALE_TEMP_SECONDS
    os.utime(stale, (hours_ago, hours_ago))
    published = make_channel(tmp_path).publish(story(photos))
    assert kits(root) == sorted([fresh.name, published.external_id])


def test_output_dir_is_relative_to_the_output_folder(tmp_path: Path,
                                                     photos: list[PostPhoto]) -> None:
    channel = make_channel(tmp_path, output_dir="newspaper/kits")
    published = channel.publish(story(photos))
    assert (tmp_path / "output" / "newspaper" / "kits" / published.external_id).is_dir()


def test_check_says_where_kits_go_or_why_it_cannot(tmp_path: Path) -> None:
    [ok] = make_channel(tmp_path).check()
    assert ok.ok and str(tmp_path / "output" / "press") in ok.message
    (tmp_path / "output" / "blocked").write_text("a file, not a folder")
    [bad] = make_channel(tmp_path, output_dir="blocked").check()
    assert not bad.ok
    assert "cannot write press kits in" in bad.message and bad.fix


def test_unknown_setting_is_a_config_error(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"press": {"plugin": "local-media", "outlet": "x"}})
    registry = make_registry(config, [LocalMediaChannel])
    assert registry.status("press").state == "config-error"
    assert "unknown key (did you mean 'outlets'?)" in registry.status("press").reason


def test_limits_suit_print() -> None:
    assert LocalMediaChannel.text_limits.max_text >= 10_000
    assert LocalMediaChannel.media_limits.max_side == 4000
    assert LocalMediaChannel.media_limits.formats == ("JPEG",)


def test_installed_through_its_entry_point() -> None:
    [entry] = [e for e in metadata.entry_points(group="outreach.channels")
               if e.name == "local-media"]
    assert entry.load() is LocalMediaChannel


@pytest.mark.parametrize(("title", "slug"), [
    ("Сад добра в Миассе", "sad-dobra-v-miasse"),
    ("Щедрый вечер: «ёлка» 2024!", "shchedryy-vecher-elka-2024"),
    ("Café crème", "cafe-creme"),
    ("!!!", "publication"),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_two_writers_of_one_publication_end_with_one_kit(
        tmp_path: Path, photos: list[PostPhoto], monkeypatch: pytest.MonkeyPatch) -> None:
    real_fill = presskit._fill
    other = make_channel(tmp_path)

    def fill_while_another_finishes(folder: Path, *args: object) -> dict:
        monkeypatch.setattr(presskit, "_fill", real_fill)
        winner.append(other.publish(story(photos)))  # finishes first
        return real_fill(folder, *args)

    winner: list = []
    monkeypatch.setattr(presskit, "_fill", fill_while_another_finishes)
    published = make_channel(tmp_path).publish(story(photos))
    assert published == winner[0]
    assert kits(tmp_path / "output" / "press") == [published.external_id]


def test_word_and_pdf_releases_read_back_as_an_editor_sees_them(
        tmp_path: Path, photos: list[PostPhoto]) -> None:
    import docx
    from pypdf import PdfReader

    channel = make_channel(tmp_path, outlets=["Миасский рабочий"])
    with language("ru"):
        folder = tmp_path / "output" / "press" / channel.publish(story(photos)).external_id
    own = folder / "miasskiy-rabochiy"

    document = docx.Document(str(own / "release.docx"))
    lines = [p.text for p in document.paragraphs]
    assert lines[:4] == ["Серебряные волонтёры", "ПРЕСС-РЕЛИЗ · Миасский рабочий",
                         f"Миасс, {format_date_ru(dt.date.today())}", "Сад добра в Миассе"]
    assert sum("Сад добра в Миассе" in line for line in lines) == 1
    assert "Чтобы стать волонтёром, позвоните по телефону +7 351 200-00-00 и назовите код " \
           "MIA-3." in lines
    assert document.core_properties.language == "ru-RU"
    assert round(document.sections[0].page_width.cm) == 21  # A4

    reader = PdfReader(str(own / "release.pdf"))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert text.count("Сад добра в Миассе") == 1
    assert "Контакт для прессы Анна Петрова" in text and "MIA-3" in text
    fonts = {str(font["/BaseFont"]).split("+")[-1]: "/FontFile2" in font["/FontDescriptor"]
             for font in _pdf_fonts(reader)}
    assert fonts == {"DejaVuSans": True, "DejaVuSans-Bold": True}  # every font embedded
    assert reader.metadata is not None and reader.metadata.title == "Сад добра в Миассе"


def format_date_ru(day: dt.date) -> str:
    with language("ru"):
        return format_date(day)


def _pdf_fonts(reader: object) -> list:  # type: ignore[type-arg]
    found = []
    for page in reader.pages:  # type: ignore[attr-defined]
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            found.append(descendants[0].get_object() if descendants else font)
    return found


PLACES = [{"name": "Пенсионный фонд, Миасс", "municipality": "Миасс",
           "formats": ["a4", "social"], "short_code": "MAC-2",
           "link": "https://t.me/bot?start=MAC-2"},
          {"name": "Соцзащита, Златоуст", "municipality": "Златоуст", "formats": ["a4"],
           "short_code": "ATC-1", "link": "https://t.me/bot?start=ATC-1"}]


def placed(photos: list[PostPhoto], places: list[dict[str, object]]) -> Post:
    post = story(photos)
    return Post(**{**post.__dict__, "extra": {**post.extra, "placements": places,
                                              "campaign_file": "campaigns/mentors.toml"}})


def test_a_place_s_format_the_channel_does_not_know_fails_before_any_kit(
        tmp_path: Path, photos: list[PostPhoto]) -> None:
    channel = make_channel(tmp_path)
    wrong = [PLACES[0], {**PLACES[1], "formats": ["a4", "stend"]}]
    with pytest.raises(PermanentError) as failed:
        channel.publish(placed(photos, wrong))
    said = str(failed.value)
    assert "campaigns/mentors.toml" in said and "'Соцзащита, Златоуст'" in said
    assert "'stend'" in said and "stand" in said
    assert kits(tmp_path / "output" / "press") == []


def test_a_crash_while_printing_the_places_leaves_no_half_kit(
        tmp_path: Path, photos: list[PostPhoto], monkeypatch: pytest.MonkeyPatch) -> None:
    channel = make_channel(tmp_path)
    real = LocalMediaChannel.render_poster
    made = []

    def fail_on_third(self: LocalMediaChannel, *args: object, **kwargs: object) -> object:
        made.append(args[1])
        if len(made) == 3:
            raise TransientError("the disk is full")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(LocalMediaChannel, "render_poster", fail_on_third)
    with pytest.raises(TransientError):
        channel.publish(placed(photos, PLACES))
    assert kits(tmp_path / "output" / "press") == []

    monkeypatch.setattr(LocalMediaChannel, "render_poster", real)
    published = channel.publish(placed(photos, PLACES))
    kit = tmp_path / "output" / "press" / published.external_id
    places = sorted(p.relative_to(kit / "places").as_posix()
                    for p in (kit / "places").rglob("*.*"))
    assert places == ["README.txt",
                      "pensionnyy-fond-miass/a4.pdf", "pensionnyy-fond-miass/a4.png",
                      "pensionnyy-fond-miass/social.png",
                      "sotszashchita-zlatoust/a4.pdf", "sotszashchita-zlatoust/a4.png"]
    assert channel.publish(placed(photos, PLACES)) == published
    assert kits(tmp_path / "output" / "press") == [published.external_id]


def test_the_places_index_is_in_russian(tmp_path: Path, photos: list[PostPhoto]) -> None:
    channel = make_channel(tmp_path)
    with language("ru"):
        published = channel.publish(placed(photos, PLACES))
    index = (tmp_path / "output" / "press" / published.external_id / "places" / "README.txt"
             ).read_text("utf-8")
    assert "Каждая папка — одно место" in index
    assert "папка places/sotszashchita-zlatoust/, код ATC-1" in index
    assert "a4.pdf, a4.png: плакат A4, 210 × 297 мм" in index
    assert "social.png: картинка для соцсетей, " in index  # not "… для соцсетей social"
