from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from poster_support import CENTRE, LINK, camera_photo, content, make_channel
from pypdf import PdfReader

from outreach.channels import PermanentError, Post, PostPhoto
from outreach.i18n import language
from outreach_local_media import LocalMediaChannel
from outreach_local_media.posters import DEFAULT_LAYOUTS, render_poster
from outreach_local_media.posters.layouts import Layout, layout_problems
from outreach_local_media.posters.photos import cover_box, place_photo
from outreach_local_media.posters.textfit import BOLD, fit_text, printable
from outreach_testing import make_registry, make_test_config


def boxes(pdf: Path) -> dict[str, tuple[float, float, float, float]]:
    page = PdfReader(pdf).pages[0]
    return {name: tuple(float(v) for v in getattr(page, name))  # type: ignore[misc]
            for name in ("mediabox", "bleedbox", "trimbox")}


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize(("layout", "points", "bleed_mm"), [
    ("a4", (595.28, 841.89), 3), pytest.param("a3", (841.89, 1190.55), 3,
                                              marks=pytest.mark.slow),
    ("stand", (2834.65, 3968.5), 5), ("billboard", (17007.87, 8503.94), 50),
])
def test_pdf_trim_is_the_physical_size_with_bleed_around(tmp_path: Path, layout: str,
                                                        points: tuple[float, float],
                                                        bleed_mm: float) -> None:
    result = render_poster(content(tmp_path), DEFAULT_LAYOUTS[layout], tmp_path / "out", "p")
    assert result.pdf is not None
    found = boxes(result.pdf)
    left, bottom, right, top = found["trimbox"]
    pixel = 72 / DEFAULT_LAYOUTS[layout].dpi  # the page is a whole number of pixels
    assert right - left == pytest.approx(points[0], abs=pixel)
    assert top - bottom == pytest.approx(points[1], abs=pixel)
    bleed = bleed_mm / 25.4 * 72
    assert found["bleedbox"] == pytest.approx(
        (left - bleed, bottom - bleed, right + bleed, top + bleed), abs=0.01)
    assert found["mediabox"] == pytest.approx(found["bleedbox"], abs=0.01)  # no marks asked
    with Image.open(result.png) as preview:
        assert max(preview.size) <= 1600
        assert preview.width / preview.height == pytest.approx(points[0] / points[1], rel=0.01)


def test_a4_is_2480_by_3508_pixels_at_300_dpi() -> None:
    assert DEFAULT_LAYOUTS["a4"].pixels == (2480, 3508)
    assert DEFAULT_LAYOUTS["a3"].pixels == (3508, 4961)


@pytest.mark.parametrize("layout", ["a4", "stand", "social", "billboard-with-qr"])
def test_qr_code_decodes_to_exactly_the_link(tmp_path: Path, layout: str) -> None:
    chosen = (dataclasses.replace(DEFAULT_LAYOUTS["billboard"], qr=True)
              if layout == "billboard-with-qr" else DEFAULT_LAYOUTS[layout])
    result = render_poster(content(tmp_path), chosen, tmp_path, "p")
    with Image.open(result.png) as preview:
        assert decoded(preview) == [LINK]


def test_no_link_means_no_qr_code_but_the_code_to_say(tmp_path: Path) -> None:
    with language("ru"):
        result = render_poster(content(tmp_path, link=None), DEFAULT_LAYOUTS["a4"], tmp_path,
                               "p")
    assert result.qr_box is None
    with Image.open(result.png) as preview:
        assert decoded(preview) == []
    texts = {t.name: t.text for t in result.texts}
    assert texts["code"] == "Код для записи: MIA-7"
    assert texts["phone"] == "Звоните: +7 (351) 000-00-00"


def on_screen(name: str) -> Layout:
    """The format at a resolution that keeps tests quick: everything on a page is sized in
    hundredths of its short side, so what fits here fits in print."""
    layout = DEFAULT_LAYOUTS[name]
    dpi = min(layout.dpi, int(layout.dpi * 2000 / max(layout.pixels)))
    return dataclasses.replace(layout, dpi=dpi)


def assert_inside(result: object) -> None:
    for text in result.texts:  # type: ignore[attr-defined]
        left, top, right, bottom = text.box
        ink = text.ink
        assert left <= ink[0] and ink[2] <= right, f"{text.name} overflows sideways: {text}"
        assert top <= ink[1] and ink[3] <= bottom + 1, f"{text.name} overflows below: {text}"


@pytest.mark.parametrize("layout", sorted(DEFAULT_LAYOUTS))
@pytest.mark.parametrize("photos", [0, 1, 3, 4])
def test_no_text_leaves_its_box_in_any_format(tmp_path: Path, layout: str, photos: int) -> None:
    result = render_poster(content(tmp_path, count=photos), on_screen(layout), tmp_path, "p")
    expected = {"headline", "call", "phone", "code", "scan", "footer", "centre"}
    if layout == "billboard":  # a few words and the phone, read from a car
        expected = {"headline", "phone", "centre", "slogan"}
    elif layout == "stand":
        expected = expected - {"headline"} | {"section", "caption", "event", "address"}
    elif layout != "social":
        expected |= {"line"}
    assert expected <= {t.name for t in result.texts}
    assert_inside(result)
    headline = next((t for t in result.texts if t.name == "headline"), None)
    if layout == "billboard":
        assert headline is not None
        assert headline.text == "Станьте волонтёром!"  # the call to action, not the news
    elif layout != "stand":
        assert headline is not None
        assert headline.text == "Серебряные волонтёры в школе №5"  # every word, none cut
    assert not [w for w in result.warnings if "photo" not in w]


def test_long_russian_words_and_a_300_character_title_stay_inside(tmp_path: Path) -> None:
    title = ("Достопримечательности Челябинской области глазами "
             "высококвалифицированных волонтёров-экскурсоводов " * 4)[:300]
    result = render_poster(content(tmp_path, title=title), DEFAULT_LAYOUTS["a4"], tmp_path, "p")
    assert_inside(result)
    headline = next(t for t in result.texts if t.name == "headline")
    words = headline.text.rstrip("…").split()
    assert all(word in title.split() for word in words), "a word was cut"
    assert any("shortened" in w for w in result.warnings)


def test_a_word_wider_than_the_box_is_hyphenated_not_cut() -> None:
    word = "Высококвалифицированные"
    fitted = fit_text(word, 300, 400, BOLD, max_size=120, min_size=40)
    assert fitted.hyphenated and not fitted.truncated
    assert "".join(line.rstrip("-") for line in fitted.lines) == word
    assert all(line.endswith("-") for line in fitted.lines[:-1])


def test_text_shrinks_to_fit_before_anything_else() -> None:
    short = fit_text("Сад добра", 1000, 400, BOLD, max_size=200, min_size=20)
    long = fit_text("Сад добра " * 8, 1000, 400, BOLD, max_size=200, min_size=20)
    assert long.size < short.size and not long.truncated and not long.hyphenated


def test_emoji_are_left_out_with_a_warning(tmp_path: Path) -> None:
    assert printable("Праздник 🎉 в парке 👍🏽")[0] == "Праздник в парке"
    result = render_poster(content(tmp_path, title="Праздник 🎉 в парке"),
                           DEFAULT_LAYOUTS["a4"], tmp_path, "p")
    assert next(t.text for t in result.texts if t.name == "headline") == "Праздник в парке"
    assert any("🎉" in w for w in result.warnings)


@pytest.mark.parametrize("layout", ["a4", "billboard", "social", "stand"])
def test_photos_are_cropped_never_distorted(tmp_path: Path, layout: str) -> None:
    tall = camera_photo(tmp_path / "tall.jpg", (900, 1600))
    wide = camera_photo(tmp_path / "wide.jpg", (2000, 800))
    result = render_poster(content(tmp_path, count=0, photos=[tall, wide]),
                           on_screen(layout), tmp_path, "p")
    # A billboard shows one face; a stand without reports the story's first photo.
    assert len(result.photo_frames) == (1 if layout in ("billboard", "stand") else 2)
    for frame, source in result.photo_frames:
        w, h = frame[2] - frame[0], frame[3] - frame[1]
        box = cover_box(*source, (w, h))
        kept = (box[2] - box[0], box[3] - box[1])
        assert kept[0] / kept[1] == pytest.approx(w / h, rel=0.01)  # same shape: no squash
        assert kept[0] <= source[0] and kept[1] <= source[1]


def test_crop_keeps_the_middle_across_and_the_upper_part_down() -> None:
    assert cover_box(2000, 1000, (100, 100)) == (500, 0, 1500, 1000)
    left, top, right, bottom = cover_box(1000, 2000, (100, 100))
    assert (left, right, bottom - top) == (0, 1000, 1000)
    assert top == 400  # 40 % of the cut from the top, 60 % from the bottom


def test_ten_photos_give_four_and_say_so(tmp_path: Path) -> None:
    result = render_poster(content(tmp_path, count=10), DEFAULT_LAYOUTS["a4"], tmp_path, "p")
    assert len(result.photo_frames) == 4
    assert any("10 photos" in w and "first 4" in w for w in result.warnings)
    assert_inside(result)


def test_a_small_photo_prints_with_a_dpi_warning(tmp_path: Path) -> None:
    small = camera_photo(tmp_path / "small.jpg", (320, 240))
    result = render_poster(content(tmp_path, count=0, photos=[small]), DEFAULT_LAYOUTS["a3"],
                           tmp_path, "p")
    assert result.pdf is not None and result.pdf.exists()
    [warning] = result.warnings
    assert "small.jpg is 320x240 pixels" in warning and "dpi" in warning


def test_no_exif_in_any_output(tmp_path: Path) -> None:
    for name in ("a4", "social"):
        result = render_poster(content(tmp_path), DEFAULT_LAYOUTS[name], tmp_path, name)
        with Image.open(result.png) as png:
            assert not png.getexif() and "exif" not in png.info
        if result.pdf is not None:
            data = result.pdf.read_bytes()
            assert b"Exif" not in data and b"Camera X" not in data


def test_social_card_is_a_1080_png_without_pdf(tmp_path: Path) -> None:
    result = render_poster(content(tmp_path), DEFAULT_LAYOUTS["social"], tmp_path, "card")
    assert result.pdf is None
    with Image.open(result.png) as card:
        assert card.size == (1080, 1080)


def test_layouts_are_checked_in_plain_words() -> None:
    assert layout_problems({"stand": {"dpi": 100}}) is None
    assert layout_problems({"flyer": {"width_mm": 148}}) == (
        "flyer: a new format needs width_mm and height_mm")
    assert "did you mean 'width_mm'" in layout_problems({"a4": {"widht_mm": 200}})
    assert "lower dpi" in layout_problems({"stand": {"dpi": 300}})
    assert Layout("x", 100, 100).shape == "square"


# --- through the channel ---------------------------------------------------------


def post(tmp_path: Path, photos: int = 1) -> Post:
    return Post(publication_id=3, idempotency_key="poster-3",
                title="Серебряные волонтёры в школе №5",
                text="Серебряные волонтёры в школе №5\n\nВолонтёры провели урок. Было интересно.",
                photos=[PostPhoto(path=camera_photo(tmp_path / f"r{i}.jpg"))
                        for i in range(photos)],
                referral_code="MIA-7", signup_link="https://t.me/bot?start=Zx9")


def test_channel_renders_into_the_posters_folder(tmp_path: Path) -> None:
    channel = make_channel(tmp_path, signup_url="https://t.me/bot?start={code}")
    assert channel.signup_link("Zx9") == "https://t.me/bot?start=Zx9"
    result = channel.render_poster(post(tmp_path), "a3")
    assert result.pdf == tmp_path / "output" / "posters" / (
        "serebryanye-volontery-v-shkole-no5_a3_mia-7.pdf")
    assert next(t.text for t in result.texts if t.name == "line") == "Волонтёры провели урок."
    with Image.open(result.png) as preview:
        assert decoded(preview) == ["https://t.me/bot?start=Zx9"]


def test_missing_logo_names_the_config_key(tmp_path: Path) -> None:
    channel = make_channel(tmp_path, centre={**CENTRE, "logo": "brand/nope.png"})
    with pytest.raises(PermanentError, match=r"centre\.logo in config\.toml names .*nope\.png, "
                                             r"which does not exist"):
        channel.render_poster(post(tmp_path), "a4")
    assert not (tmp_path / "output" / "posters").exists()


def test_unknown_format_lists_the_formats(tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="no poster format 'a5'; the formats are a4, a3"):
        make_channel(tmp_path).render_poster(post(tmp_path), "a5")


@pytest.mark.parametrize(("url", "message"), [
    ("https://t.me/bot?start=", "must contain {code}"),
    ("https://t.me/bot?start={code}&x={campaign}", "only the placeholder {code}"),
    ("t.me/bot?start={code}", "starting with https://"),
])
def test_signup_url_is_checked(tmp_path: Path, url: str, message: str) -> None:
    config = make_test_config(tmp_path, {"press": {"plugin": "local-media", "signup_url": url}})
    status = make_registry(config, [LocalMediaChannel]).status("press")
    assert status.state == "config-error" and message in status.reason


def test_publish_renders_the_configured_posters_beside_the_kit(tmp_path: Path) -> None:
    channel = make_channel(tmp_path, posters=["a4", "social"])
    assert channel.prints_publication_code()
    # The engine gives the publication its short code and the link that carries it.
    published = dataclasses.replace(post(tmp_path), referral_code="Zx9long",
                                    signup_link="https://t.me/bot?start=MAC-3",
                                    extra={"short_code": "MAC-3"})
    channel.publish(published)
    made = sorted(p.name for p in (tmp_path / "output" / "posters").iterdir())
    # The short code is printed to say, never the long one of links.
    assert made == ["serebryanye-volontery-v-shkole-no5_a4_mac-3.pdf",
                    "serebryanye-volontery-v-shkole-no5_a4_mac-3.png",
                    "serebryanye-volontery-v-shkole-no5_social_mac-3.png"]
    text = " ".join(PdfReader(tmp_path / "output" / "posters" / made[0]).pages[0]
                    .extract_text().split())
    assert "MAC-3" in text and "Zx9long" not in text
    with Image.open(tmp_path / "output" / "posters" / made[1]) as preview:
        assert decoded(preview) == ["https://t.me/bot?start=MAC-3"]
    assert not make_channel(tmp_path).prints_publication_code()


def test_press_kit_has_a_release_per_outlet_with_its_own_code(tmp_path: Path) -> None:
    channel = make_channel(tmp_path, outlets=["Миасский рабочий", "Радио Златоуст"])
    codes = {"Миасский рабочий": {"short_code": "MIA-2", "link": "https://t.me/bot?start=Aa"},
             "Радио Златоуст": {"short_code": "ZLA-2", "link": "https://t.me/bot?start=Bb"}}
    base = post(tmp_path)
    published = channel.publish(Post(**{**base.__dict__, "extra": {"outlet_codes": codes}}))
    folder = tmp_path / "output" / "press" / published.external_id
    paper = (folder / "miasskiy-rabochiy" / "release.txt").read_text(encoding="utf-8")
    radio = (folder / "radio-zlatoust" / "release.txt").read_text(encoding="utf-8")
    assert "call +7 (351) 000-00-00 and give the code MIA-2" in paper
    assert "Sign up online: https://t.me/bot?start=Aa" in paper and "ZLA-2" not in paper
    assert "give the code ZLA-2" in radio and "MIA-2" not in radio


def test_a_poster_photo_keeps_the_group_of_three(tmp_path: Path) -> None:
    """Three volunteers at the left of a wide photo stay three in an A4 photo slot."""
    from faces_support import group

    from outreach.media.faces import faces_in

    photo = group(tmp_path / "three.jpg", (2400, 1000),
                  [(100, 560, 1.0), (300, 600, 1.0), (500, 540, 1.0)])
    placed = place_photo(photo, (700, 990))
    assert len(placed.faces) == 3
    assert len(faces_in(placed.image)) == 3
    without = place_photo(photo, (700, 990), faces=False)  # today's rule: the middle
    assert len(faces_in(without.image)) == 0
