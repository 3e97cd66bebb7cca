"""A campaign file with one schedule, loaded: shared by the schedule and trigger tests."""

from __future__ import annotations

from pathlib import Path

from outreach.campaigns.spec import CampaignSpec, load_campaign
from outreach_testing import make_test_config


def campaign(tmp_path: Path, schedule: str, extra: str = "",
             zone: str = "Asia/Yekaterinburg") -> CampaignSpec:
    """Campaign ``c`` publishing to channel ``main`` on ``schedule`` (TOML lines)."""
    config = make_test_config(tmp_path, {"main": {"plugin": "test"}})
    config.campaigns_dir.mkdir(exist_ok=True)
    (config.campaigns_dir / "c.toml").write_text(
        f'name = "C"\ntime_zone = "{zone}"\n{extra}\n[schedule]\n{schedule}\n'
        '[channels]\nnames = ["main"]\n', encoding="utf-8")
    return load_campaign(config, "c")
