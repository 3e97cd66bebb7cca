from __future__ import annotations

import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from outreach.channels import PermanentError, Post, PostPhoto
from outreach.i18n import language
from outreach_local_media import LocalMediaChannel
from outreach_local_media.posters import DEFAULT_LAYOUTS, PosterContent, render_poster
from outreach_local_media.posters.layouts import Layout, layout_problems
from outreach_local_media.posters.photos import cover_box
from outreach_local_media.posters.textfit import BOLD, fit_text, printable
from outreach_testing import make_registry, make_test_config

LINK = "https://t.me/silver_volunteers_bot?start=Ab3dEf9hJk2m"
ROOT = Path(__file__).resolve().parents[2]
LOGO = ROOT / "media" / "brand" / "logo.png"
CENTRE = {"name": "Ресурсный центр серебряного волонтёрства Челябинской области",
          "slogan": "Добро не стареет", "phone": "+7 (351) 000-00-00",
          "website": "silver.example.org", "logo": str(LOGO)}


def camera_photo(path: Path, size: tuple[int, int] = (1600, 1200)) -> Path:
    """A JPEG with EXIF (a camera model and a GPS block) that must not reach a poster."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x0110] = "Camera X"  # Model
    exif[0x8825] = {2: (55.0, 6.0, 0.0)}  # GPSInfo: latitude
    image.save(path, "JPEG", exif=exif)
    return path


def content(tmp_path: Path, count: int = 2, **changes: object) -> PosterContent:
    paths = [camera_photo(tmp_path / f"p{i}.jpg") for i in range(count)]
    values = dict(title="Серебряные волонтёры в школе №5",
                  line="Волонтёры провели урок профориентации для девятиклассников.",
                  photos=paths, centre_name=CENTRE["name"], slogan=CENTRE["slogan"],
                  website=CENTRE["website"], logo=LOGO, call_to_action="Станьте волонтёром!",
                  phone=CENTRE["phone"], short_code="MIA-7", link=LINK)
    values.update(changes)
    return PosterContent(**values)  # type: ignore[arg-type]


def pdf_page_size(pdf: Path) -> tuple[float, float]:
    data = pdf.read_bytes()
    match = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert match, "no MediaBox in the PDF"
    return float(match.group(1)), float(match.group(2))


def pdf_image(pdf: Path) -> Image.Image:
    """The page image embedded in the PDF (a JPEG stream), as a printer gets it."""
    data = pdf.read_bytes()
    start = data.index(b"\xff\xd8\xff")
    end = data.index(b"endstream", start)
    import io

    return Image.open(io.BytesIO(data[start:end].rstrip(b"\r\n")))


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize(("layout", "points"), [
    ("a4", (595.28, 841.89)), pytest.param("a3", (841.89, 1190.55), marks=pytest.mark.slow),
    pytest.param("stand", (2834.65, 3968.5), marks=pytest.mark.slow),
    pytest.param("billboard", (17007.87, 8503.94), marks=pytest.mark.slow),
])
def test_pdf_has_the_physical_page_size_and_resolution(tmp_path: Path, layout: str,
                                                       points: tuple[float, float]) -> None:
    result = render_poster(content(tmp_path), DEFAULT_LAYOUTS[layout], tmp_path / "out", "p")
    assert result.pdf is not None
    width, height = pdf_page_size(result.pdf)
    pixel = 72 / DEFAULT_LAYOUTS[layout].dpi  # the page is a whole number of pixels
    assert width == pytest.approx(points[0], abs=pixel)
    assert height == pytest.approx(points[1], abs=pixel)
    page = pdf_image(result.pdf)
    assert page.size == DEFAULT_LAYOUTS[layout].pixels
    # pixels / inches of the page = the format's dpi (300 for paper)
    assert page.width / (width / 72) == pytest.approx(DEFAULT_LAYOUTS[layout].dpi, rel=0.01)
    with Image.open(result.png) as preview:
        assert max(preview.size) <= 1600
        assert preview.width / preview.height == pytest.approx(width / height, rel=0.01)


def test_a4_is_2480_by_3508_pixels_at_300_dpi() -> None:
    assert DEFAULT_LAYOUTS["a4"].pixels == (2480, 3508)
    assert DEFAULT_LAYOUTS["a3"].pixels == (3508, 4961)


@pytest.mark.parametrize("layout", ["a4", "billboard", "social"])
def test_qr_code_decodes_to_exactly_the_link(tmp_path: Path, layout: str) -> None:
    result = render_poster(content(tmp_path), DEFAULT_LAYOUTS[layout], tmp_path, "p")
    with Image.open(result.png) as preview:
        assert decoded(preview) == [LINK]
    if layout == "a4":  # the print file itself, at 300 dpi
        assert decoded(pdf_image(result.pdf)) == [LINK]


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
    return Layout(layout.name, layout.width_mm, layout.height_mm, dpi, layout.pdf)


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
    expected = {"headline", "call", "phone", "code", "scan", "footer"}
    if layout != "social":  # a card in the centre's own community needs no name or line
        expected |= {"line", "centre"}
    assert expected <= {t.name for t in result.texts}
    assert_inside(result)
    headline = next(t for t in result.texts if t.name == "headline")
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


@pytest.mark.parametrize("layout", ["a4", "billboard", "social"])
def test_photos_are_cropped_never_distorted(tmp_path: Path, layout: str) -> None:
    tall = camera_photo(tmp_path / "tall.jpg", (900, 1600))
    wide = camera_photo(tmp_path / "wide.jpg", (2000, 800))
    result = render_poster(content(tmp_path, count=0, photos=[tall, wide]),
                           on_screen(layout), tmp_path, "p")
    assert len(result.photo_frames) == 2
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
            assert not pdf_image(result.pdf).getexif()


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


def make_channel(tmp_path: Path, centre: dict | None = None, **settings: object
                 ) -> LocalMediaChannel:
    config = make_test_config(tmp_path, {"press": {"plugin": "local-media", **settings}},
                              centre=centre or CENTRE)
    made = make_registry(config, [LocalMediaChannel]).get("press")
    assert isinstance(made, LocalMediaChannel)
    return made


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
    channel.publish(post(tmp_path))
    made = sorted(p.name for p in (tmp_path / "output" / "posters").iterdir())
    assert made == ["serebryanye-volontery-v-shkole-no5_a4_mia-7.pdf",
                    "serebryanye-volontery-v-shkole-no5_a4_mia-7.png",
                    "serebryanye-volontery-v-shkole-no5_social_mia-7.png"]


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
