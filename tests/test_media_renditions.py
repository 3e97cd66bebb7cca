"""Renditions: upright, stripped of metadata, in sRGB, within a channel's limits, cached."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageDraw

from outreach.channels import MediaLimits
from outreach.errors import MediaError
from outreach.media import renditions
from outreach.media.renditions import (
    Rendition,
    RenditionCache,
    fit_size,
    make_rendition,
    output_format,
)

SHA = "ab" * 32
OTHER_SHA = "cd" * 32


def _near(pixel, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


def _noise(size: tuple[int, int]) -> Image.Image:
    """Colour noise: about the hardest thing there is for JPEG to compress."""
    bands = [Image.effect_noise(size, 120) for _ in range(3)]
    return Image.merge("RGB", bands)


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


# --- fit_size -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "limits", "expected"),
    [
        ((4000, 3000), MediaLimits(max_side=1280), (1280, 960)),
        ((3000, 4000), MediaLimits(max_side=1280), (960, 1280)),
        ((4000, 3000), MediaLimits(max_sum=1400), (800, 600)),
        ((4000, 3000), MediaLimits(max_side=2000, max_sum=1400), (800, 600)),
        ((640, 480), MediaLimits(max_side=1280, max_sum=10000), (640, 480)),  # never upscaled
        ((3000, 100), MediaLimits(max_ratio=20), (2000, 100)),  # cropped to 20:1
        ((3000, 100), MediaLimits(max_ratio=0.05), (2000, 100)),  # 1:20 is 20:1
        ((100, 3000), MediaLimits(max_ratio=20, max_side=1000), (50, 1000)),
        ((1001, 1000), MediaLimits(max_side=999), (999, 998)),
    ],
)
def test_fit_size(size, limits, expected):
    assert fit_size(*size, limits) == expected


@pytest.mark.parametrize(
    "size", [(4001, 2999), (1919, 1081), (7, 5000), (333, 777), (5000, 1517), (1517, 4999)]
)
def test_fit_size_never_exceeds_a_limit_by_rounding(size):
    limits = MediaLimits(max_side=1279, max_sum=1801, max_ratio=3.3)
    width, height = fit_size(*size, limits)
    assert max(width, height) <= 1279
    assert width + height <= 1801
    assert max(width, height) <= min(width, height) * 3.3
    assert width <= size[0] and height <= size[1]


# --- orientation and metadata ---------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "size", "corner"),
    [
        (1, (60, 40), "top-left"),
        (2, (60, 40), "top-right"),
        (3, (60, 40), "bottom-right"),
        (4, (60, 40), "bottom-left"),
        (5, (40, 60), "top-left"),
        (6, (40, 60), "top-right"),  # "rotate 90 degrees clockwise to view": most phones
        (7, (40, 60), "bottom-right"),
        (8, (40, 60), "bottom-left"),
    ],
)
def test_exif_orientation_is_applied(tmp_path, orientation, size, corner):
    # Stored landscape 60x40 with its first pixels (top-left as stored) red.
    image = Image.new("RGB", (60, 40), "blue")
    ImageDraw.Draw(image).rectangle((0, 0, 14, 9), fill="red")
    exif = Image.Exif()
    exif[0x0112] = orientation
    source = tmp_path / "turned.jpg"
    image.save(source, quality=95, exif=exif)

    result = make_rendition(source, MediaLimits(), tmp_path / "out.jpg")

    assert (result.width, result.height) == size
    width, height = size
    corners = {"top-left": (3, 3), "top-right": (width - 4, 3),
               "bottom-left": (3, height - 4), "bottom-right": (width - 4, height - 4)}
    with Image.open(result.path) as out:
        out = out.convert("RGB")
        assert out.size == size
        for name, xy in corners.items():
            expected = (255, 0, 0) if name == corner else (0, 0, 255)
            assert _near(out.getpixel(xy), expected), (name, out.getpixel(xy))
        assert 0x0112 not in out.getexif()


def test_concurrent_requests_for_one_rendition_encode_it_once(tmp_path, photo, encodes):
    from concurrent.futures import ThreadPoolExecutor

    cache = RenditionCache(tmp_path / "cache")
    limits = MediaLimits(max_side=700)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: cache.get(photo, SHA, limits), range(8)))

    assert len(encodes) == 1
    assert len(set(results)) == 1 and results[0].width == 700


def test_gps_exif_xmp_comment_and_profile_are_stripped(tmp_path):
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0110] = "CameraModel"
    exif[0x8825] = {1: "N", 2: (55.0, 10.0, 30.0), 3: "E", 4: (61.0, 24.0, 0.0)}
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b"<rdf:Description exif:GPSLatitude=\"55,10.5N\"/></rdf:RDF></x:xmpmeta>"
    )
    source = tmp_path / "private.jpg"
    Image.new("RGB", (200, 150), "green").save(
        source,
        exif=exif,
        xmp=xmp,
        comment=b"Ivanova M.P., Lenin St 5",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    with Image.open(source) as original:  # the fixture really carries all of it
        assert original.getexif().get_ifd(0x8825)
        assert {"xmp", "comment", "icc_profile"} <= set(original.info)

    result = make_rendition(source, MediaLimits(max_side=100), tmp_path / "out.jpg")

    data = result.path.read_bytes()
    for marker in (b"Exif", b"GPS", b"CameraMaker", b"xmpmeta", b"Lenin", b"ICC_PROFILE"):
        assert marker not in data
    with Image.open(result.path) as out:
        assert len(out.getexif()) == 0
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"} & set(out.info)
        assert _near(out.convert("RGB").getpixel((50, 37)), (0, 128, 0))


def _swapped_rgb_profile() -> bytes:
    """An ICC v2 RGB profile whose red and blue primaries are sRGB's blue and red.

    A pixel (255, 0, 0) in this space is blue in sRGB, so a conversion that
    ignored the profile would show up as red.
    """

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    text = b"Swapped primaries\0"
    desc = (b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0"  # gamma 2.2
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.1431, 0.0606, 0.7141)),  # sRGB's blue (D50)
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red (D50)
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000)
              + b"mntrRGB XYZ " + b"\0" * 12 + b"acsp" + b"\0" * 24
              + struct.pack(">I", 0) + s15(0.9642) + s15(1.0) + s15(0.8249))
    header += b"\0" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def test_colours_are_converted_to_srgb_with_the_embedded_profile(tmp_path):
    source = tmp_path / "wide.jpg"
    Image.new("RGB", (80, 60), (255, 0, 0)).save(
        source, quality=95, icc_profile=_swapped_rgb_profile()
    )

    result = make_rendition(source, MediaLimits(), tmp_path / "out.jpg")

    with Image.open(result.path) as out:
        assert "icc_profile" not in out.info
        red, green, blue = out.convert("RGB").getpixel((40, 30))
    assert blue > 200 and red < 60, (red, green, blue)


def test_a_broken_profile_does_not_stop_the_photo(tmp_path):
    source = tmp_path / "odd.jpg"
    Image.new("RGB", (80, 60), (200, 30, 30)).save(source, icc_profile=b"not a profile" * 20)

    result = make_rendition(source, MediaLimits(), tmp_path / "out.jpg")

    with Image.open(result.path) as out:
        assert _near(out.getpixel((40, 30)), (200, 30, 30))
        assert "icc_profile" not in out.info


# --- colour modes ---------------------------------------------------------------


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    source = tmp_path / "print.jpg"
    image = Image.new("CMYK", (120, 80), (255, 0, 0, 0))  # pure cyan ink
    ImageDraw.Draw(image).rectangle((60, 0, 119, 79), fill=(0, 0, 0, 255))  # black ink
    image.save(source, quality=95)

    result = make_rendition(source, MediaLimits(max_side=60), tmp_path / "out.jpg")

    assert (result.width, result.height, result.format) == (60, 40, "JPEG")
    with Image.open(result.path) as out:
        assert out.mode == "RGB"
        assert _near(out.getpixel((10, 20)), (0, 255, 255), tolerance=60)
        assert _near(out.getpixel((50, 20)), (0, 0, 0), tolerance=60)


def test_palette_png_with_transparency_is_flattened_on_white(tmp_path):
    image = Image.new("P", (100, 100), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    ImageDraw.Draw(image).rectangle((50, 0, 99, 99), fill=1)
    source = tmp_path / "logo.png"
    image.save(source, transparency=0)

    result = make_rendition(source, MediaLimits(), tmp_path / "out.jpg")

    with Image.open(result.path) as out:
        assert out.format == "JPEG" and out.mode == "RGB"
        assert _near(out.getpixel((20, 50)), (255, 255, 255))  # transparent: white, not black
        assert _near(out.getpixel((80, 50)), (255, 0, 0))


def test_sixteen_bit_greyscale_is_scaled_not_clipped(tmp_path):
    image = Image.new("I;16", (256, 20))
    for x in range(256):
        for y in range(20):
            image.putpixel((x, y), x * 257)  # 0 .. 65535 left to right
    source = tmp_path / "scan.png"
    image.save(source)
    with Image.open(source) as check:
        assert check.mode.startswith("I")

    result = make_rendition(source, MediaLimits(), tmp_path / "out.jpg")

    with Image.open(result.path) as out:
        assert out.mode == "L"
        assert out.getpixel((5, 10)) < 20
        assert 100 < out.getpixel((128, 10)) < 156  # mid-grey, where clipping gives white
        assert out.getpixel((250, 10)) > 235


def test_rgba_becomes_jpeg_on_white(tmp_path):
    image = Image.new("RGBA", (100, 50), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((50, 0, 99, 49), fill=(0, 0, 255, 128))
    source = tmp_path / "overlay.png"
    image.save(source)

    result = make_rendition(source, MediaLimits(formats=("JPEG", "PNG")), tmp_path / "out.jpg")

    assert result.format == "JPEG"
    with Image.open(result.path) as out:
        assert out.mode == "RGB"
        assert _near(out.getpixel((20, 25)), (255, 255, 255))
        assert _near(out.getpixel((80, 25)), (127, 127, 255))


def test_png_only_channel_keeps_transparency_and_no_metadata(tmp_path):
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    source = tmp_path / "clear.png"
    image.save(source, icc_profile=ImageCms.ImageCmsProfile(
        ImageCms.createProfile("sRGB")).tobytes())

    result = make_rendition(source, MediaLimits(formats=("png",)), tmp_path / "out.png")

    assert result.format == "PNG"
    with Image.open(result.path) as out:
        assert out.format == "PNG" and out.mode == "RGBA"
        assert out.getpixel((10, 10))[3] == 0
        assert "icc_profile" not in out.info and "exif" not in out.info


def test_output_format_prefers_jpeg_and_refuses_what_it_cannot_write():
    assert output_format(MediaLimits(formats=("PNG", "JPEG"))) == "JPEG"
    assert output_format(MediaLimits(formats=("jpg",))) == "JPEG"
    assert output_format(MediaLimits(formats=("GIF", "PNG"))) == "PNG"
    with pytest.raises(MediaError, match="TIFF"):
        output_format(MediaLimits(formats=("TIFF",)))


# --- limits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "check"),
    [
        (MediaLimits(max_side=500), lambda w, h: max(w, h) == 500),
        (MediaLimits(max_sum=700), lambda w, h: w + h <= 700 and w + h >= 698),
        (MediaLimits(max_ratio=1.0), lambda w, h: w == h == 600),
    ],
)
def test_size_limits_are_respected(tmp_path, limits, check):
    source = tmp_path / "wide.jpg"
    Image.new("RGB", (1200, 600), "grey").save(source)

    result = make_rendition(source, limits, tmp_path / "out.jpg")

    with Image.open(result.path) as out:
        assert out.size == (result.width, result.height)
        assert check(*out.size), out.size


def test_too_long_a_photo_is_cropped_around_its_centre(tmp_path):
    image = Image.new("RGB", (900, 100), "blue")
    ImageDraw.Draw(image).rectangle((300, 0, 599, 99), fill="yellow")
    source = tmp_path / "panorama.jpg"
    image.save(source, quality=95)

    result = make_rendition(source, MediaLimits(max_ratio=3), tmp_path / "out.jpg")

    assert (result.width, result.height) == (300, 100)
    with Image.open(result.path) as out:
        for x in (3, 150, 296):  # only the yellow middle third is left
            assert _near(out.getpixel((x, 50)), (255, 255, 0), tolerance=60)


def test_a_small_photo_is_never_upscaled(tmp_path):
    source = tmp_path / "tiny.jpg"
    Image.new("RGB", (64, 48), "orange").save(source)

    result = make_rendition(source, MediaLimits(max_side=1280, max_sum=14000), tmp_path / "o.jpg")

    assert (result.width, result.height) == (64, 48)


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(tmp_path, monkeypatch):
    source = tmp_path / "big.jpg"
    Image.new("RGB", (2400, 1600), "teal").save(source)
    seen: list[tuple[int, int]] = []
    original = Image.Image.resize

    def spy(self, size, *args, **kwargs):
        seen.append(self.size)
        return original(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", spy)
    result = make_rendition(source, MediaLimits(max_side=500), tmp_path / "out.jpg")

    assert (result.width, result.height) == (500, 333)
    # draft() picked 1/4 scale (600x400): the smallest that is still at least 500 wide.
    assert seen[0] == (600, 400)


def test_byte_limit_is_met_for_a_photo_that_hardly_compresses(tmp_path):
    source = tmp_path / "noise.png"
    _noise((900, 600)).save(source)
    limits = MediaLimits(max_side=900, max_bytes=60_000)

    result = make_rendition(source, limits, tmp_path / "out.jpg")

    assert result.bytes == (tmp_path / "out.jpg").stat().st_size <= 60_000
    assert 0 < result.width < 900  # quality alone was not enough: it got smaller
    with Image.open(result.path) as out:
        out.load()
        assert out.size == (result.width, result.height)


def test_an_impossible_byte_limit_fails_clearly_and_keeps_the_old_file(tmp_path):
    source = tmp_path / "noise.png"
    _noise((300, 300)).save(source)
    dest = tmp_path / "out.jpg"
    dest.write_bytes(b"previous rendition")

    with pytest.raises(MediaError) as caught:
        make_rendition(source, MediaLimits(max_bytes=200), dest)

    message = str(caught.value)
    assert str(source) in message and "200 bytes" in message
    assert "\n" not in message
    assert dest.read_bytes() == b"previous rendition"
    assert _leftovers(tmp_path) == []


# --- unreadable input -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("notes.jpg", b"these are my notes, not a photo", "not an image"),
        ("cut.jpg", None, "cannot be read"),
        ("empty.png", b"", "not an image"),
    ],
)
def test_unreadable_photo_is_a_media_error_naming_the_file(tmp_path, name, content, words):
    source = tmp_path / name
    if content is None:  # a JPEG cut off halfway, as by an interrupted copy
        whole = tmp_path / "whole.jpg"
        _noise((400, 300)).save(whole)
        content = whole.read_bytes()[:3000]
    source.write_bytes(content)
    dest = tmp_path / "out" / "r.jpg"

    with pytest.raises(MediaError) as caught:
        make_rendition(source, MediaLimits(), dest)

    assert str(source) in str(caught.value) and words in str(caught.value)
    assert source.read_bytes() == content  # the original is untouched
    assert not dest.exists()


def test_missing_photo_is_a_media_error(tmp_path):
    with pytest.raises(MediaError, match="missing"):
        make_rendition(tmp_path / "gone.jpg", MediaLimits(), tmp_path / "out.jpg")


def test_unwritable_destination_is_a_media_error(tmp_path):
    source = tmp_path / "ok.jpg"
    Image.new("RGB", (10, 10)).save(source)
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")

    with pytest.raises(MediaError, match="cannot write"):
        make_rendition(source, MediaLimits(), blocker / "out.jpg")
    assert blocker.read_text() == "a file where a folder should be"


# --- cache ----------------------------------------------------------------------


@pytest.fixture
def photo(tmp_path) -> Path:
    source = tmp_path / "photo.jpg"
    Image.new("RGB", (1600, 1200), "navy").save(source)
    return source


@pytest.fixture
def encodes(monkeypatch) -> list[Path]:
    made: list[Path] = []
    original = renditions.make_rendition

    def counting(source, limits, dest):
        made.append(dest)
        return original(source, limits, dest)

    monkeypatch.setattr(renditions, "make_rendition", counting)
    return made


def test_cache_encodes_once_per_photo_and_limits(tmp_path, photo, encodes):
    cache = RenditionCache(tmp_path / "cache")
    limits = MediaLimits(max_side=800)

    first = cache.get(photo, SHA, limits)
    stamp = first.path.stat().st_mtime_ns
    again = cache.get(photo, SHA, MediaLimits(max_side=800))  # equal limits, new object

    assert encodes == [first.path]
    assert again == first
    assert first.path.stat().st_mtime_ns == stamp
    assert first.path.is_relative_to(tmp_path / "cache")
    assert (first.width, first.height, first.format) == (800, 600, "JPEG")


def test_cache_makes_a_new_file_for_other_limits_or_another_photo(tmp_path, photo, encodes):
    cache = RenditionCache(tmp_path / "cache")

    vk = cache.get(photo, SHA, MediaLimits(max_sum=14000))
    telegram = cache.get(photo, SHA, MediaLimits(max_side=640))
    png = cache.get(photo, SHA, MediaLimits(max_side=640, formats=("PNG",)))
    other = cache.get(photo, OTHER_SHA, MediaLimits(max_side=640))

    assert len(encodes) == 4
    assert len({vk.path, telegram.path, png.path, other.path}) == 4
    assert (vk.width, telegram.width) == (1600, 640)
    assert png.path.suffix == ".png" and png.format == "PNG"
    assert _leftovers(tmp_path / "cache") == []


def test_a_damaged_cached_file_is_made_again(tmp_path, photo, encodes):
    cache = RenditionCache(tmp_path / "cache")
    limits = MediaLimits(max_side=300)
    first = cache.get(photo, SHA, limits)
    first.path.write_bytes(b"")  # e.g. a disk that filled up outside Outreach

    second = cache.get(photo, SHA, limits)

    assert len(encodes) == 2
    assert second.bytes == first.path.stat().st_size > 0


def test_cache_rejects_a_hash_that_could_escape_the_folder(tmp_path, photo):
    with pytest.raises(ValueError):
        RenditionCache(tmp_path).get(photo, "../../etc/passwd", MediaLimits())


def test_rendition_is_a_plain_value():
    rendition = Rendition(Path("a.jpg"), 1, 2, 3, "JPEG")
    assert rendition == Rendition(Path("a.jpg"), 1, 2, 3, "JPEG")
    with pytest.raises(AttributeError):
        rendition.width = 5  # type: ignore[misc]


def test_no_temporary_file_is_left_when_writing_fails(tmp_path, photo, monkeypatch):
    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(MediaError, match="No space left"):
        make_rendition(photo, MediaLimits(), tmp_path / "out" / "r.jpg")
    assert list((tmp_path / "out").iterdir()) == []


def test_quality_is_lowered_before_the_size_is(tmp_path):
    source = tmp_path / "noise.png"
    image = _noise((400, 300))
    image.save(source)
    # A limit that quality 65 meets and quality 85 does not.
    at = {}
    for quality in (65, 85):
        image.save(tmp_path / f"q{quality}.jpg", quality=quality)
        at[quality] = (tmp_path / f"q{quality}.jpg").stat().st_size
    assert at[65] < at[85]
    limits = MediaLimits(max_bytes=at[65] + 100, quality=85)

    result = make_rendition(source, limits, tmp_path / "out.jpg")

    assert (result.width, result.height) == (400, 300)
    assert result.bytes <= limits.max_bytes
