"""The centre's logo on social renditions (outreach.media.renditions.Watermark)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from outreach.channels import MediaLimits
from outreach.errors import ConfigError
from outreach.media.renditions import RenditionCache, Watermark
from outreach_testing import make_test_config

SHA = "ab" * 32


def photo(path: Path) -> Path:
    Image.new("RGB", (1200, 800), (40, 160, 40)).save(path, "JPEG", quality=95)
    return path


def logo(path: Path, colour: tuple[int, int, int, int] = (200, 0, 0, 255)) -> Path:
    Image.new("RGBA", (100, 50), colour).save(path)
    return path


def red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 150 and pixel[1] < 100


@pytest.mark.parametrize("corner", ["bottom-right", "bottom-left", "top-right", "top-left"])
def test_logo_goes_in_its_corner_never_the_middle(tmp_path: Path, corner: str) -> None:
    limits = MediaLimits(max_side=600)
    mark = Watermark(logo(tmp_path / "logo.png"), corner=corner, size=0.2, opacity=1.0)
    made = RenditionCache(tmp_path / "cache").get(photo(tmp_path / "p.jpg"), SHA, limits, mark)
    with Image.open(made.path) as image:
        assert image.size == (600, 400) and not image.getexif()
        x = 30 if corner.endswith("left") else 570
        y = 25 if corner.startswith("top") else 375
        assert red(image.getpixel((x, y)))
        assert not red(image.getpixel((300, 200)))  # the middle, where faces are
        reds = [(px, py) for px in range(0, 600, 10) for py in range(0, 400, 10)
                if red(image.getpixel((px, py)))]
        assert max(abs(px - 300) for px, _ in reds) > 150  # all of it near the edge
        assert len(reds) < 0.06 * 60 * 40  # 20 % of the width: a small mark


def test_cache_key_holds_the_logo_and_its_options(tmp_path: Path) -> None:
    cache = RenditionCache(tmp_path / "cache")
    limits = MediaLimits(max_side=600)
    first = logo(tmp_path / "a.png")
    plain = cache.path_for(SHA, limits)
    marked = cache.path_for(SHA, limits, Watermark(first))
    assert len({plain, marked, cache.path_for(SHA, limits, Watermark(first, opacity=0.5)),
                cache.path_for(SHA, limits, Watermark(first, corner="top-left"))}) == 4
    logo(first, (0, 0, 200, 255))  # a new logo in the same file: a new rendition
    assert cache.path_for(SHA, limits, Watermark(first)) != marked


def test_watermark_config_is_checked(tmp_path: Path) -> None:
    logo(tmp_path / "logo.png")
    config = make_test_config(tmp_path, {"vk": {"plugin": "test", "watermark": {
        "corner": "top-left", "size": 0.1}}}, centre={"logo": "logo.png"})
    assert config.channels["vk"].watermark == {
        "logo": tmp_path / "logo.png", "corner": "top-left", "size": 0.1, "opacity": 0.85}
    with pytest.raises(ConfigError) as raised:
        make_test_config(tmp_path, {"vk": {"plugin": "test", "watermark": {
            "corner": "middle", "size": 0.5, "logo": "missing.png"}}})
    text = str(raised.value)
    assert "channels.vk.watermark.corner: 'middle' is not one of" in text
    assert "channels.vk.watermark.size: must be between 0.03 and 0.25" in text
    assert "channels.vk.watermark.logo: the logo file" in text and "missing.png" in text
