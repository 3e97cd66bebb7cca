from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from outreach.errors import MediaError
from outreach.media.probe import PhotoInfo, probe_photo


def image_bytes(size: tuple[int, int] = (64, 48), fmt: str = "JPEG", orientation: int = 0) -> bytes:
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"exif": exif} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def plain_png(size: tuple[int, int]) -> bytes:
    """One colour: tiny and quick to write however many pixels it has."""
    buffer = io.BytesIO()
    Image.new("L", size, 200).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_good_jpeg_reports_hash_size_and_format(tmp_path: Path) -> None:
    data = image_bytes((320, 200))
    info = probe_photo(write(tmp_path / "a.jpg", data))
    assert info == PhotoInfo(hashlib.sha256(data).hexdigest(), 320, 200, "JPEG")


def test_png_is_accepted(tmp_path: Path) -> None:
    info = probe_photo(write(tmp_path / "a.png", image_bytes((30, 40), "PNG")))
    assert (info.width, info.height, info.format) == (30, 40, "PNG")


@pytest.mark.parametrize(("orientation", "shown"), [(1, (300, 200)), (3, (300, 200)),
                                                     (6, (200, 300)), (8, (200, 300))])
def test_size_is_as_shown_after_exif_orientation(
    tmp_path: Path, orientation: int, shown: tuple[int, int]
) -> None:
    info = probe_photo(write(tmp_path / "a.jpg", image_bytes((300, 200), orientation=orientation)))
    assert (info.width, info.height) == shown


def test_a_text_file_is_not_an_image(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.jpg", "Список участников".encode())
    with pytest.raises(MediaError) as caught:
        probe_photo(path)
    assert str(caught.value) == f"{path}: not an image (Pillow cannot read it)"


def test_a_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    data = image_bytes((400, 300))
    path = write(tmp_path / "cut.jpg", data[: len(data) * 2 // 3])
    with pytest.raises(MediaError) as caught:
        probe_photo(path)
    assert str(caught.value).startswith(f"{path}: truncated or damaged (image file is truncated")


def test_a_damaged_png_is_refused(tmp_path: Path) -> None:
    data = bytearray(image_bytes((100, 100), "PNG"))
    data[-40:-20] = b"\0" * 20  # breaks the compressed data and its checksum
    path = write(tmp_path / "bad.png", bytes(data))
    with pytest.raises(MediaError, match=r"truncated or damaged"):
        probe_photo(path)


def test_over_the_pixel_limit_is_refused_even_where_pillow_only_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    warned = write(tmp_path / "warn.png", plain_png((1200, 1000)))  # 1.2x the limit
    refused = write(tmp_path / "big.png", plain_png((3000, 2000)))  # 6x: Pillow errors
    with pytest.raises(MediaError) as caught:
        probe_photo(warned)
    assert str(caught.value) == (
        f"{warned}: too large: 1.2 megapixels, the limit is 1.0 megapixels "
        "(make it smaller before importing)"
    )
    with pytest.raises(MediaError) as caught:
        probe_photo(refused)
    assert str(caught.value) == (
        f"{refused}: too large: 6.0 megapixels, the limit is 1.0 megapixels "
        "(make it smaller before importing)"
    )


def test_the_default_limit_is_named_in_megapixels(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 20_000_000)
    # A 5000x5000 PNG of one colour is tiny on disk but 25 megapixels.
    path = write(tmp_path / "huge.png", plain_png((5000, 5000)))
    with pytest.raises(MediaError, match=r"too large: 25 megapixels, the limit is 20 "):
        probe_photo(path)


def test_an_unsupported_format_names_it(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.ppm", image_bytes((10, 10), "PPM"))
    with pytest.raises(MediaError) as caught:
        probe_photo(path)
    assert str(caught.value) == f"{path}: PPM images are not supported; save it as JPEG or PNG"


def test_a_missing_file_and_a_folder_are_named(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"gone\.jpg: no such file$"):
        probe_photo(tmp_path / "gone.jpg")
    (tmp_path / "dir.jpg").mkdir()
    with pytest.raises(MediaError, match=r"dir\.jpg: cannot read: it is a folder, not a photo$"):
        probe_photo(tmp_path / "dir.jpg")
