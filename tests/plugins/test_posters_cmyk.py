"""Poster PDFs in a print shop's CMYK, read back as its preflight would (pypdf).

No CMYK profile ships with any package this project installs, so the tests make a
small valid one (``outreach_testing.icc``): an ICC v2 'prtr' CMYK profile with
lut16 tables from a simple ink model.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image, ImageCms, ImageStat
from poster_support import LOGO, content, make_channel
from pypdf import PdfReader
from pypdf.generic import ContentStream

from outreach.channels import Post, PostPhoto
from outreach.cli import cli
from outreach.i18n import language
from outreach_local_media import LocalMediaChannel
from outreach_local_media.posters import DEFAULT_LAYOUTS, render_poster
from outreach_testing import make_registry, make_test_config
from outreach_testing.icc import write_cmyk_profile

PRINTED = ["a4", "stand", "billboard"]
NAME = "Outreach test CMYK (coated)"
SKIN, SKY = (214, 160, 130), (70, 130, 200)  # a face and a summer sky: printable colours


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_cmyk_profile(tmp_path_factory.mktemp("icc") / "shop.icc", NAME)


def flat_photo(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (1600, 1200), colour).save(path, "JPEG", quality=95)
    return path


def coloured(tmp_path: Path) -> Any:
    photos = [flat_photo(tmp_path / "skin.jpg", SKIN), flat_photo(tmp_path / "sky.jpg", SKY)]
    return content(tmp_path, photos=photos)


def photos(pdf: Path) -> list[Any]:
    """The page's images as (their PDF dictionary, pypdf's image)."""
    page = PdfReader(pdf).pages[0]
    objects = page["/Resources"]["/XObject"]
    found = {f"{name[1:]}": objects[name].get_object() for name in objects}
    return [(found[image.name.rsplit(".", 1)[0]], image) for image in page.images]


def operators(pdf: Path) -> list[tuple[list[Any], bytes]]:
    reader = PdfReader(pdf)
    return ContentStream(reader.pages[0].get_contents(), reader).operations  # type: ignore[no-any-return]


def test_the_test_profile_is_a_cmyk_output_profile_for_littlecms(profile: Path) -> None:
    opened = ImageCms.getOpenProfile(str(profile))
    assert opened.profile.device_class == "prtr"
    assert opened.profile.xcolor_space.strip() == "CMYK"
    assert ImageCms.getProfileDescription(opened).strip() == NAME
    srgb = ImageCms.createProfile("sRGB")
    there = ImageCms.buildTransform(srgb, opened, "RGB", "CMYK")
    back = ImageCms.buildTransform(opened, srgb, "CMYK", "RGB")
    for colour in (SKIN, SKY, (255, 255, 255)):
        inks = ImageCms.applyTransform(Image.new("RGB", (1, 1), colour), there)
        again = ImageCms.applyTransform(inks, back).getpixel((0, 0))  # type: ignore[union-attr]
        assert all(abs(a - b) <= 6 for a, b in zip(again, colour, strict=True)), (colour, again)


@pytest.mark.parametrize("layout", PRINTED)
def test_with_a_print_profile_everything_on_the_page_is_cmyk(tmp_path: Path, profile: Path,
                                                             layout: str) -> None:
    made = render_poster(coloured(tmp_path), DEFAULT_LAYOUTS[layout], tmp_path, "cmyk",
                         print_profile=profile)
    plain = render_poster(coloured(tmp_path), DEFAULT_LAYOUTS[layout], tmp_path, "srgb")
    assert made.pdf is not None and plain.pdf is not None
    reader = PdfReader(made.pdf)
    page = reader.pages[0]
    # The profile itself is the output intent, PDF/X style.
    [intent] = reader.trailer["/Root"]["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/OutputConditionIdentifier"] == NAME
    destination = intent["/DestOutputProfile"].get_object()
    assert destination["/N"] == 4
    assert destination.get_data() == profile.read_bytes()
    # Photos and the logo are CMYK (the logo keeps its transparency as a soft mask).
    found = photos(made.pdf)
    assert len(found) >= 2  # the logo and at least one photo
    for dictionary, image in found:
        space = dictionary["/ColorSpace"]
        assert space == "/DeviceCMYK" or (space[0] == "/ICCBased"
                                          and space[1].get_object()["/N"] == 4), space
        if "/SMask" not in dictionary:  # pypdf hands a masked image over as RGBA
            assert image.image.mode == "CMYK"
    logos = [d for d, _image in found if "/SMask" in d]
    assert len(logos) == 1 and list(logos[0]["/Filter"]) == ["/FlateDecode"]
    # Text, bands and the QR code are painted with CMYK operators only.
    used = {op for _args, op in operators(made.pdf)}
    assert {b"k"} <= used and not used & {b"rg", b"RG", b"g", b"G", b"sc", b"scn"}, used
    # What stays as it was: fonts embedded, the same boxes, the same text.
    fonts = page["/Resources"]["/Font"]
    assert fonts and all("/FontFile2" in fonts[n].get_object()["/FontDescriptor"].get_object()
                         for n in fonts)
    before = PdfReader(plain.pdf).pages[0]
    for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
        assert [float(v) for v in page[box]] == [float(v) for v in before[box]], box
    assert page.extract_text() == before.extract_text()


def test_photos_print_the_colours_they_show(tmp_path: Path, profile: Path) -> None:
    made = render_poster(coloured(tmp_path), DEFAULT_LAYOUTS["a4"], tmp_path, "cmyk",
                         print_profile=profile)
    assert made.pdf is not None
    back = ImageCms.buildTransform(ImageCms.getOpenProfile(str(profile)),
                                   ImageCms.createProfile("sRGB"), "CMYK", "RGB")
    means = []
    for dictionary, image in photos(made.pdf):
        if "/SMask" in dictionary:
            continue  # the logo
        # Pillow writes CMYK JPEGs inverted, Adobe's way; the PDF must say so, or
        # every viewer and RIP prints the negative.
        assert list(dictionary["/Filter"]) == ["/DCTDecode"]
        assert Image.open(io.BytesIO(dictionary.get_data())).info.get("adobe") is not None
        assert list(dictionary["/Decode"]) == [1, 0] * 4
        shown = ImageCms.applyTransform(image.image, back)
        assert shown is not None
        means.append(tuple(round(v) for v in ImageStat.Stat(shown).mean))
    # Each photo, seen through the profile, is the colour it was (within 8 of 255).
    assert len(means) == 2
    for mean, expected in zip(sorted(means), sorted([SKIN, SKY]), strict=True):
        assert all(abs(a - b) <= 8 for a, b in zip(mean, expected, strict=True)), means


def test_text_and_greys_are_black_ink_alone(tmp_path: Path, profile: Path) -> None:
    made = render_poster(coloured(tmp_path), DEFAULT_LAYOUTS["a4"], tmp_path, "cmyk",
                         print_profile=profile, marks=True)
    assert made.pdf is not None
    fill: list[float] = []
    text_fills = []
    for args, op in operators(made.pdf):
        if op == b"k":
            fill = [float(a) for a in args]
        elif op in (b"Tj", b"TJ"):
            text_fills.append(tuple(fill))
    # The headline and body are near-black (17, 17, 17): K alone, almost solid.
    darkest = [f for f in text_fills if f[3] > 0.9]
    assert darkest and all(f[:3] == (0, 0, 0) for f in darkest), text_fills
    # White text on the blue band stays paper white.
    assert (0, 0, 0, 0) in text_fills
    # Crop marks in registration colour: on every plate.
    strokes = [[float(a) for a in args] for args, op in operators(made.pdf) if op == b"K"]
    assert strokes == [[1, 1, 1, 1]]


def test_the_preview_stays_srgb(tmp_path: Path, profile: Path) -> None:
    made = render_poster(coloured(tmp_path), DEFAULT_LAYOUTS["a4"], tmp_path, "cmyk",
                         print_profile=profile)
    plain = render_poster(coloured(tmp_path), DEFAULT_LAYOUTS["a4"], tmp_path, "srgb")
    with Image.open(made.png) as preview, Image.open(plain.png) as before:
        assert preview.mode == "RGB"
        assert preview.tobytes() == before.tobytes()


def test_the_channel_setting_takes_a_profile_beside_config_toml(tmp_path: Path,
                                                                profile: Path) -> None:
    (tmp_path / "shop.icc").write_bytes(profile.read_bytes())
    channel = make_channel(tmp_path, print_profile="shop.icc")
    assert channel.settings["print_profile"] == str(tmp_path / "shop.icc")
    post = Post(publication_id=1, idempotency_key="k", title="Урок в школе", text="Текст.",
                photos=[PostPhoto(path=flat_photo(tmp_path / "p.jpg", SKY), caption="Урок")])
    result = channel.render_poster(post, "a4")
    assert result.pdf is not None
    [intent] = PdfReader(result.pdf).trailer["/Root"]["/OutputIntents"]
    assert intent["/OutputConditionIdentifier"] == NAME
    checks = channel.check()
    assert any(c.ok and NAME in c.message for c in checks), checks


def screen_profile(path: Path) -> Path:
    path.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    return path


def scanner_profile(path: Path, cmyk: Path) -> Path:
    """A CMYK profile of an input device: right colours, wrong direction."""
    data = bytearray(cmyk.read_bytes())
    data[12:16] = b"scnr"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("make", "says"), [
    (lambda folder, _cmyk: folder / "missing.icc", "does not exist"),
    (lambda folder, _cmyk: _text(folder / "shop.icc"), "is not an ICC colour profile"),
    (lambda folder, _cmyk: screen_profile(folder / "srgb.icc"),
     "is a colour profile for a screen (RGB), not for printing in CMYK"),
    (lambda folder, cmyk: scanner_profile(folder / "scan.icc", cmyk),
     "is a colour profile for a scanner (CMYK), not for printing in CMYK"),
    (lambda folder, cmyk: _cut(folder / "cut.icc", cmyk), "damaged"),
    (lambda folder, cmyk: _one_way(folder / "proof.icc", cmyk),
     "is a CMYK profile that cannot convert colours into CMYK"),
])
def test_a_wrong_profile_file_is_a_config_error_naming_setting_and_file(
        tmp_path: Path, profile: Path, make: Any, says: str) -> None:
    path = make(tmp_path, profile)
    config = make_test_config(tmp_path, {"press": {"plugin": "local-media",
                                                   "print_profile": path.name}})
    status = make_registry(config, [LocalMediaChannel]).status("press")
    assert status.state == "config-error"
    assert status.reason.startswith("channels.press.print_profile (line ")
    assert str(path) in status.reason and says in status.reason, status.reason


def _text(path: Path) -> Path:
    path.write_text("ISO Coated v2 — see the print shop's website\n", encoding="utf-8")
    return path


def _one_way(path: Path, cmyk: Path) -> Path:
    """The profile with its Lab-to-CMYK table renamed away: it can only show CMYK."""
    data = cmyk.read_bytes()
    assert data.count(b"B2A0") == 1  # in the tag table only
    path.write_bytes(data.replace(b"B2A0", b"B2A9"))
    return path


def _cut(path: Path, cmyk: Path) -> Path:
    path.write_bytes(cmyk.read_bytes()[:2000])  # a download that stopped half-way
    return path


def test_channels_check_tells_a_wrong_profile_in_russian_without_a_traceback(
        tmp_path: Path) -> None:
    screen = screen_profile(tmp_path / "srgb.icc")
    config = make_test_config(tmp_path, {"press": {"plugin": "local-media",
                                                   "print_profile": screen.name}},
                              top={"language": "ru"})
    with language("ru"):
        result = CliRunner().invoke(cli, ["--config", str(config.path), "channels", "check"],
                                    env={"OUTREACH_LANG": None})
    assert "Traceback" not in result.output
    assert re.search(r"config\.toml:\d+: channels\.press\.print_profile: ", result.output)
    assert f"{screen} — цветовой профиль для экрана (RGB), а не для печати в CMYK" \
        in result.output, result.output


def test_without_the_setting_the_pdf_stays_srgb(tmp_path: Path) -> None:
    channel = make_channel(tmp_path)
    assert channel.settings["print_profile"] is None
    made = render_poster(content(tmp_path, logo=LOGO), DEFAULT_LAYOUTS["a4"], tmp_path, "p")
    assert made.pdf is not None
    used = {op for _args, op in operators(made.pdf)}
    assert b"rg" in used and b"k" not in used
    assert all(d["/ColorSpace"] == "/DeviceRGB" for d, _image in photos(made.pdf))


def test_a_profile_replaced_after_the_check_is_read_again(tmp_path: Path, profile: Path) -> None:
    from outreach_local_media.posters.cmyk import open_profile, profile_problem

    path = tmp_path / "shop.icc"
    path.write_bytes(profile.read_bytes())
    assert open_profile(path) is open_profile(path)  # one transform for check and posters
    screen_profile(path)  # the shop sent another file under the same name
    assert "is a colour profile for a screen" in (profile_problem(path) or "")
