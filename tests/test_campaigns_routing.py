from __future__ import annotations

from pathlib import Path

from outreach.campaigns.routing import channels_for, possible_channels
from outreach.campaigns.spec import CampaignSpec, load_campaign
from outreach.config import Config
from outreach_testing import make_test_config


def setup(tmp_path: Path, channels: str) -> tuple[Config, CampaignSpec]:
    config = make_test_config(
        tmp_path,
        {
            "press": {"plugin": "test", "tags": ["press"]},
            "vk-region": {"plugin": "test", "tags": ["social"]},
            "tg-main": {"plugin": "test", "tags": ["social"]},
            "vk-miass": {"plugin": "test", "tags": ["municipal"], "municipality": "Миасс"},
            "vk-zlat": {"plugin": "test", "tags": ["municipal"], "municipality": "Златоуст"},
            "tg-miass": {"plugin": "test", "municipality": "Миасс"},
            "old-miass": {"plugin": "test", "municipality": "Миасс", "enabled": False},
        },
        top={"municipalities": ["Миасс", "Златоуст"]},
    )
    config.campaigns_dir.mkdir()
    (config.campaigns_dir / "c.toml").write_text(
        f'name = "C"\n[schedule]\nevery = "1d"\n[channels]\n{channels}\n', encoding="utf-8")
    return config, load_campaign(config, "c")


def test_names_then_tags_then_the_storys_municipality_without_repeats(tmp_path: Path) -> None:
    config, spec = setup(tmp_path, 'names = ["tg-main", "press"]\ntags = ["social"]\n'
                                   "by_municipality = true")
    assert channels_for(spec, "Миасс", config) == [
        "tg-main", "press", "vk-region", "vk-miass", "tg-miass"]
    # Case and spaces in the story's municipality do not matter.
    assert channels_for(spec, " миасс", config)[-2:] == ["vk-miass", "tg-miass"]
    assert channels_for(spec, None, config) == ["tg-main", "press", "vk-region"]


def test_municipal_routing_is_off_unless_asked(tmp_path: Path) -> None:
    config, spec = setup(tmp_path, 'tags = ["social"]')
    assert channels_for(spec, "Миасс", config) == ["vk-region", "tg-main"]


def test_a_tag_reaches_every_channel_carrying_it(tmp_path: Path) -> None:
    config, spec = setup(tmp_path, 'tags = ["municipal"]')
    assert channels_for(spec, "Миасс", config) == ["vk-miass", "vk-zlat"]


def test_disabled_channels_are_skipped_even_when_named(tmp_path: Path) -> None:
    config, spec = setup(tmp_path, 'names = ["old-miass"]\nby_municipality = true')
    assert channels_for(spec, "Миасс", config) == ["vk-miass", "tg-miass"]
    assert possible_channels(spec, config) == ["vk-miass", "vk-zlat", "tg-miass"]
