"""What a print shop's preflight checks, read back from the PDF with pypdf."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image, ImageFont
from poster_support import CENTRE, LINK, LOGO, camera_photo, content, make_channel
from pypdf import PdfReader

from outreach.channels import Post, PostPhoto
from outreach_local_media.events import read_events, upcoming
from outreach_local_media.posters import DEFAULT_LAYOUTS, render_poster
from outreach_local_media.posters.composer import credit_line
from outreach_local_media.posters.designs import split_phone
from outreach_local_media.posters.textfit import BOLD
from outreach_testing import make_registry, make_test_config

PRINTED = ["a4", "a3", "stand", "billboard"]
CM_PER_POINT = 2.54 / 72


def texts(pdf: Path) -> list[tuple[str, float]]:
    """Every piece of text on the page with its type size in points."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            found.append((text, size * abs(tm[3]) * abs(cm[3])))

    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return found


def all_text(pdf: Path) -> str:
    return " ".join(" ".join(PdfReader(pdf).pages[0].extract_text().split()).split())


def images(pdf: Path) -> list[Any]:
    resources = PdfReader(pdf).pages[0]["/Resources"]
    objects = resources.get("/XObject", {})
    return [objects[name].get_object() for name in objects
            if objects[name].get_object()["/Subtype"] == "/Image"]


@pytest.mark.parametrize("layout", PRINTED)
def test_text_is_vector_in_embedded_fonts(tmp_path: Path, layout: str) -> None:
    result = render_poster(content(tmp_path), DEFAULT_LAYOUTS[layout], tmp_path, "p")
    assert result.pdf is not None
    fonts = PdfReader(result.pdf).pages[0]["/Resources"]["/Font"]
    assert fonts, "no text in the PDF: the page would be a picture of text"
    for name in fonts:
        font = fonts[name].get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
        assert "DejaVuSans" in str(font["/BaseFont"])
    if layout in ("a4", "a3"):  # the story's own headline, as text a PDF reader finds
        assert "Серебряные волонтёры" in all_text(result.pdf)


def test_crop_marks_on_request_lie_outside_the_bleed(tmp_path: Path) -> None:
    plain = render_poster(content(tmp_path), DEFAULT_LAYOUTS["a4"], tmp_path, "plain")
    marked = render_poster(content(tmp_path), DEFAULT_LAYOUTS["a4"], tmp_path, "marked",
                           marks=True)
    assert plain.pdf is not None and marked.pdf is not None
    page = PdfReader(marked.pdf).pages[0]
    media, bleed, trim = (tuple(float(v) for v in box)
                          for box in (page.mediabox, page.bleedbox, page.trimbox))
    margin = 10 / 25.4 * 72
    assert media[2] - media[0] == pytest.approx(bleed[2] - bleed[0] + 2 * margin, abs=0.01)
    assert trim[2] - trim[0] == pytest.approx(595.28, abs=0.3)
    assert b" l" in page.get_contents().get_data()  # the marks are drawn lines
    plain_media = PdfReader(plain.pdf).pages[0].mediabox
    assert float(plain_media.width) < media[2] - media[0]


def test_colours_are_declared_srgb(tmp_path: Path) -> None:
    result = render_poster(content(tmp_path), DEFAULT_LAYOUTS["a4"], tmp_path, "p")
    assert result.pdf is not None
    [intent] = PdfReader(result.pdf).trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile


def test_photos_carry_300_dpi_on_paper(tmp_path: Path) -> None:
    big = camera_photo(tmp_path / "big.jpg", (4000, 3000))  # a 12-megapixel camera photo
    result = render_poster(content(tmp_path, count=0, photos=[big]), DEFAULT_LAYOUTS["a4"],
                           tmp_path, "p")
    assert result.pdf is not None
    [(frame, _source)] = result.photo_frames
    width_inches = (frame[2] - frame[0]) / 300
    photo = max(images(result.pdf), key=lambda image: int(image["/Width"]))
    assert "/DCTDecode" in str(photo["/Filter"])  # JPEG, as the print shop expects a photo
    assert int(photo["/Width"]) / width_inches >= 300


def test_billboard_phone_digits_are_a_sixth_of_the_board_high(tmp_path: Path) -> None:
    result = render_poster(content(tmp_path), DEFAULT_LAYOUTS["billboard"], tmp_path, "p")
    assert result.pdf is not None
    # Pillow measures the digit height of the embedded font, in thousandths of its size.
    face = ImageFont.truetype(str(BOLD), 1000)
    top, bottom = face.getbbox("0")[1], face.getbbox("0")[3]
    sizes = {text.strip(): size for text, size in texts(result.pdf)}
    local = split_phone(CENTRE["phone"])[1]
    assert local in sizes, sizes
    height_cm = sizes[local] * (bottom - top) / 1000 * CM_PER_POINT
    assert height_cm >= 300 / 6  # 50 cm on a 3-metre board
    # Drawn as outlines (some viewers drop glyphs this large), its words kept as invisible
    # text of the same size: what was measured above.
    contents = PdfReader(result.pdf).pages[0].get_contents().get_data()
    assert b"3 Tr" in contents and contents.count(b" c ") > 20  # the digits' curves
    headline_words = max((t for t in sizes if "волонт" in t), key=len)
    assert len(headline_words.split()) <= 7


def test_billboard_has_no_qr_code_and_no_small_print_by_default(tmp_path: Path) -> None:
    result = render_poster(content(tmp_path), DEFAULT_LAYOUTS["billboard"], tmp_path, "p")
    assert result.qr_box is None and result.pdf is not None
    with Image.open(result.png) as preview:
        assert zxingcpp.read_barcodes(preview) == []
    words = all_text(result.pdf)
    assert "MIA-7" not in words and "silver.example.org" not in words and LINK not in words
    assert {t.name for t in result.texts} <= {"centre", "headline", "slogan", "phone", "prefix",
                                              "credit"}
    smallest = min(size for _text, size in texts(result.pdf)) * CM_PER_POINT
    assert smallest >= 5  # the credit, the smallest text, is still letters of 5 cm and more


@pytest.mark.parametrize("layout", [*PRINTED, "social"])
def test_logo_centre_name_and_photo_credit_on_every_format(tmp_path: Path, layout: str) -> None:
    result = render_poster(content(tmp_path), DEFAULT_LAYOUTS[layout], tmp_path, "p")
    names = {t.name: t.text for t in result.texts}
    assert "Ресурсный центр" in names["centre"]
    assert "Ирина Петрова" in names["credit"]
    with Image.open(LOGO) as logo:
        ratio = logo.width / logo.height
    if result.pdf is None:  # the social card: the logo's own colours where the logo goes
        with Image.open(result.png) as card:
            corner = card.crop((0, 0, card.width // 5, card.height // 8)).convert("RGB")
            colours = corner.getcolors(maxcolors=1 << 16) or []
            assert len(colours) > 20, "no logo in the card's corner"
        return
    masked = [image for image in images(result.pdf) if "/SMask" in image]
    assert masked, "no logo (the only picture with transparency)"
    assert int(masked[0]["/Width"]) / int(masked[0]["/Height"]) == pytest.approx(ratio,
                                                                                 rel=0.02)
    text = all_text(result.pdf)
    assert "Ресурсный центр" in text and "Ирина Петрова" in text


@pytest.mark.parametrize("layout", [*PRINTED, "social"])
def test_no_text_over_a_photo_and_no_photo_over_another(tmp_path: Path, layout: str) -> None:
    result = render_poster(content(tmp_path, count=4), DEFAULT_LAYOUTS[layout], tmp_path, "p")
    frames = [frame for frame, _size in result.photo_frames]

    def overlap(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for index, frame in enumerate(frames):
        assert not any(overlap(frame, other) for other in frames[index + 1:])
        for text in result.texts:
            if text.name != "credit":  # a credit may sit on its photo's dark strip
                assert not overlap(text.ink, frame), f"{text.name} over a photo"


def test_credits_are_printed_once_with_one_word_photo() -> None:
    assert credit_line(["Фото: Ирина Петрова (образец)", "Ирина Петрова (образец)", "",
                        "photo - Oleg"]) == "Photo: Ирина Петрова (образец), Oleg"


def test_phone_splits_into_area_code_and_local_number() -> None:
    assert split_phone("+7 (351) 000-00-00") == ("+7 (351)", "000-00-00")
    assert split_phone("8 800 555-35-35") == ("8 800", "555-35-35")
    assert split_phone("22-33-44") == ("", "22-33-44")


# --- the stand and the billboard through the channel ----------------------------------


def story(tmp_path: Path, title: str, number: int, date: dt.date) -> Post:
    photo = PostPhoto(path=camera_photo(tmp_path / f"s{number}.jpg"),
                      caption=f"Подпись {number}", credit=f"Автор {number}")
    return Post(publication_id=0, idempotency_key=f"s{number}", text=title, title=title,
                photos=[photo], referral_code="MIA-3", signup_link=LINK,
                municipality="Миасс", extra={"event_date": date})


def test_stand_shows_reports_events_address_qr_and_code(tmp_path: Path) -> None:
    channel = make_channel(tmp_path)
    reports = [story(tmp_path, f"История {n}", n, dt.date(2026, 10, n)) for n in (1, 2, 3)]
    events = upcoming(read_events(write_events(tmp_path)), "Миасс", dt.date(2026, 12, 1))
    result = channel.render_poster(reports[0], "stand", reports=reports, events=events)
    shown = [t.text for t in result.texts]
    assert [t for t in shown if t.startswith("Подпись")] == ["Подпись 1", "Подпись 2",
                                                             "Подпись 3"]
    assert "Встреча наставников — Библиотека, ул. Ленина, 5" in shown
    assert "В прошлом" not in " ".join(shown) and "Златоуст" not in " ".join(shown)
    assert CENTRE["address"] in shown and "Sign-up code: MIA-3" in shown
    assert result.qr_box is not None and len(result.photo_frames) == 3
    assert result.pdf is not None
    text = all_text(result.pdf)
    assert "Автор 2" in text and "October 2, 2026" in text


def write_events(tmp_path: Path) -> Path:
    path = tmp_path / "events.toml"
    path.write_text(
        '[[events]]\ndate = 2026-12-10\ntime = "11:00"\ntitle = "Встреча наставников"\n'
        'place = "Библиотека, ул. Ленина, 5"\nmunicipality = "Миасс"\n'
        '[[events]]\ndate = 2026-11-10\ntitle = "В прошлом"\n'
        '[[events]]\ndate = 2026-12-12\ntitle = "Ходьба"\nmunicipality = "Златоуст"\n'
        '[[events]]\ndate = 2026-12-11\ntitle = "Для всех"\n', encoding="utf-8")
    return path


def test_events_come_soonest_first_for_the_stand_s_municipality(tmp_path: Path) -> None:
    events = upcoming(read_events(write_events(tmp_path)), "Миасс", dt.date(2026, 12, 1))
    assert [e.title for e in events] == ["Встреча наставников", "Для всех"]
    assert read_events(tmp_path / "none.toml") == []


@pytest.mark.parametrize(("text", "message"), [
    ('[[events]]\ndate = "10 декабря"\ntitle = "x"\n', r"event 1: date must be a date like"),
    ('[[events]]\ndate = 2026-12-10\n', r"event 1: title is missing"),
    ('[[events]]\ndate = 2026-12-10\ntitle = "x"\nplace = 5\n', r"place must be text"),
    ('[[events]]\ndate = 2026-12-10\ntitle = "x"\nwhere = "y"\n', r"unknown key where"),
    ('[[events]\n', r"events\.toml: .*line 1"),
])
def test_a_mistake_in_events_names_the_file_and_the_event(tmp_path: Path, text: str,
                                                          message: str) -> None:
    from outreach.channels import PermanentError

    path = tmp_path / "events.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PermanentError, match=message):
        read_events(path)


def test_billboard_headline_is_the_channel_s_and_at_most_seven_words(tmp_path: Path) -> None:
    channel = make_channel(tmp_path, billboard_headline="Добро не стареет — станьте волонтёром")
    one = story(tmp_path, "Новость", 1, dt.date(2026, 10, 1))
    result = channel.render_poster(one, "billboard")
    headline = next(t.text for t in result.texts if t.name == "headline")
    assert headline == "Добро не стареет — станьте волонтёром"
    config = make_test_config(tmp_path, {"press": {
        "plugin": "local-media",
        "billboard_headline": "Приходите к нам в центр серебряного волонтёрства прямо сегодня"}})
    status = make_registry(config, [type(channel)]).status("press")
    assert status.state == "config-error"
    assert "has 9 words" in status.reason and "at most 7" in status.reason


def test_a_billboard_with_qr_asked_for_in_config(tmp_path: Path) -> None:
    channel = make_channel(tmp_path, layouts={"billboard": {"qr": True}})
    assert channel.layouts["billboard"] == dataclasses.replace(DEFAULT_LAYOUTS["billboard"],
                                                               qr=True)
    result = channel.render_poster(story(tmp_path, "Новость", 1, dt.date(2026, 10, 1)),
                                   "billboard")
    assert result.qr_box is not None
