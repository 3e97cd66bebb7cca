"""The plugin API gives a plugin all it needs, so it never imports the core's insides."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from outreach.channels import (
    DEEP_LINK_CODE,
    Centre,
    Channel,
    ChannelContext,
    Field,
    Post,
    Published,
)
from outreach.config import Centre as ConfigCentre
from outreach.signups.referrals import new_code


class Minimal(Channel):
    plugin_name = "minimal"
    settings_schema: ClassVar = {
        "group_id": Field(int, required=True),
        "api_url": Field(str, default="https://api.example.org"),
        "outlets": Field(list, items=str, default=[]),
        "title": Field(str, default=None),
    }

    def publish(self, post: Post) -> Published:
        return Published(external_id="1")


def test_a_setting_left_out_has_its_schemas_default(tmp_path: Path) -> None:
    # A plugin's own tests make channels without the registry; the schema's default
    # is the one place a default is written, never again in the plugin's code.
    context = ChannelContext(name="m", output_dir=tmp_path, data_dir=tmp_path)
    first = Minimal(context, {"group_id": 7})
    assert first.settings == {"group_id": 7, "api_url": "https://api.example.org",
                              "outlets": [], "title": None}
    first.settings["outlets"].append("Газета")
    assert Minimal(context, {"group_id": 7}).settings["outlets"] == []  # not shared
    given = Minimal(context, {"group_id": 7, "api_url": "http://127.0.0.1:8701"})
    assert given.settings["api_url"] == "http://127.0.0.1:8701"


def test_deep_link_codes_and_the_centre_come_from_the_api() -> None:
    assert all(DEEP_LINK_CODE.match(new_code()) for _ in range(100))
    for payload in ("", "a" * 65, "код", "ab cd", "ab+cd"):
        assert not DEEP_LINK_CODE.match(payload)
    assert DEEP_LINK_CODE.match("Ab3_dE-7")
    assert Centre is ConfigCentre  # what ChannelContext.centre holds
