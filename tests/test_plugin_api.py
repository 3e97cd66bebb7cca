"""The plugin API gives plugins what they need (fonts, the catalogue, the centre, reading
a post's link), and the distribution a user installs carries it, without the test plugin."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import outreach.channels as api
from outreach.channels import Channel, Post, Published
from outreach_ok import OKChannel
from outreach_telegram import TelegramChannel
from outreach_vk import VKChannel

ROOT = Path(__file__).resolve().parent.parent


def test_the_api_exports_the_catalogue_and_the_centre() -> None:
    from outreach import i18n
    from outreach.config import Centre

    for name in ("_", "N_", "ngettext", "lazy_gettext", "pgettext", "format_number",
                 "format_date", "format_datetime", "format_time"):
        assert name in api.__all__
        assert getattr(api, name) is getattr(i18n, name)
    assert api.Centre is Centre


def test_fonts_come_from_the_package(tmp_path: Path) -> None:
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        path = api.font_file(name)
        assert path.is_file() and path.parent.name == "fonts"
        assert ImageFont.truetype(str(path), 30).getmask("Ё").getbbox() is not None
    with pytest.raises(FileNotFoundError,
                       match="no font 'Arial.ttf' in outreach; fonts: DejaVuSans.ttf, "
                             "DejaVuSans-Bold.ttf"):
        api.font_file("Arial.ttf")


class Quiet(Channel):
    def publish(self, post: Post) -> Published:
        return Published(external_id="1")


@pytest.mark.parametrize(("plugin", "url", "external_id"), [
    (VKChannel, "https://vk.com/wall-218375169_1234", "-218375169_1234"),
    (VKChannel, "https://vk.com/silver_ekb?w=wall-218375169_77", "-218375169_77"),
    (VKChannel, "https://t.me/silver_ekb/42", None),
    (TelegramChannel, "https://t.me/silver_ekb/42", "42"),
    (TelegramChannel, "https://t.me/c/1987654321/305", "305"),
    (TelegramChannel, "https://t.me/s/silver_ekb/43", "43"),
    (TelegramChannel, "https://vk.com/wall-218375169_1234", None),
    (OKChannel, "https://ok.ru/group/70000001/topic/154235", "154235"),
    (OKChannel, "https://m.ok.ru/group/70000001/topic/154235?utm=1", "154235"),
    (OKChannel, "https://vk.com/wall-218375169_1234", None),
    (Quiet, "https://ok.ru/group/123/topic/456", None),
])
def test_each_plugin_reads_its_own_post_links(plugin: type[Channel], url: str,
                                              external_id: str | None) -> None:
    assert plugin.external_id_from_url(url) == external_id


def test_the_vk_id_read_from_a_link_is_the_one_publish_records() -> None:
    # What VKChannel.publish returns for post 1234 of community 218375169.
    assert VKChannel.external_id_from_url("https://vk.com/wall-218375169_1234") == \
        "-218375169_1234"


def test_users_get_no_test_plugin() -> None:
    names = {e.name for e in importlib.metadata.distribution("outreach").entry_points
             if e.group == "outreach.channels"}
    assert "test" not in names and {"local-media", "telegram", "vk"} <= names
    # The tests install it for themselves (tests/installed).
    assert {e.name for e in importlib.metadata.entry_points(group="outreach.channels")} == \
        names | {"test"}


@pytest.mark.slow
def test_the_wheel_carries_the_fonts_and_the_commands_but_not_the_test_plugin(
        tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", str(ROOT), "-w", str(tmp_path),
                    "--no-deps"], check=True, capture_output=True)
    wheel = next(tmp_path.glob("outreach-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names
                            if n.endswith(".dist-info/entry_points.txt"))
    assert {"outreach/assets/fonts/DejaVuSans.ttf", "outreach/assets/fonts/DejaVuSans-Bold.ttf",
            "outreach/assets/fonts/LICENSE-DejaVu.txt", "outreach/commands.py",
            "outreach_local_media/commands.py"} <= names
    assert not [n for n in names if "testing" in n]
    assert "posters = outreach_local_media.commands:posters" in entry_points
    assert "test =" not in entry_points


def test_the_api_gives_the_core_s_sha256_of_a_file(tmp_path: Path) -> None:
    import hashlib

    from outreach.media import probe

    path = tmp_path / "big.bin"
    path.write_bytes(b"\x00\x01" * (1 << 20) + b"end")  # more than one block of reading
    assert api.sha256_of is probe.sha256_of
    assert api.sha256_of(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert probe.file_sha256(path) == api.sha256_of(path)
