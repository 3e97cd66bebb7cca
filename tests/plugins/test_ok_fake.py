"""The fake OK itself: its admin path, faults over HTTP, state kept privately between runs,
and ``outreach channels check`` against it in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from fake_support import mode
from ok_support import environment, make_channel, photo, post, running_fake, section

from outreach.channels import AuthError, TransientError
from outreach.cli import cli
from outreach_ok.fake import FakeOK
from outreach_testing import make_test_config


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeOK]:
    yield from running_fake(tmp_path)


def test_faults_expiry_and_the_clock_over_http(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    answer = requests.post(f"{fake.url}/_sandbox/faults", json={"outage": 1}, timeout=5)
    assert answer.json() == {"outage": 1}
    with pytest.raises(TransientError):
        channel.audience()
    requests.post(f"{fake.url}/_sandbox/expire", json={"token": "admin"}, timeout=5)
    with pytest.raises(AuthError, match="has expired"):
        channel.audience()
    state = requests.get(f"{fake.url}/_sandbox/state", timeout=5).json()
    assert state["expired"] == ["admin"] and state["members"] == 850
    before = state["now"]
    moved = requests.post(f"{fake.url}/_sandbox/clock", json={"advance": 3600}, timeout=5)
    assert moved.json()["now"] >= before + 3600
    assert requests.post(f"{fake.url}/_sandbox/nothing", timeout=5).status_code == 400


def test_topics_and_photos_outlive_a_restart_readable_by_the_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "sandbox"
    with FakeOK(folder) as first:
        channel = make_channel(tmp_path, first)
        published = channel.publish(post(photos=(photo(tmp_path / "a.jpg"),)))
        channel.close()
    with FakeOK(folder) as again:
        [topic] = again.topics()
        assert topic["id"] == published.external_id and len(topic["photos"]) == 1
    assert mode(folder / "ok-sandbox.json") == 0o600
    assert mode(folder / "photos") == 0o700
    assert all(mode(p) == 0o600 for p in (folder / "photos").iterdir())


def test_channels_check_in_russian_names_what_to_ask_ok_for(
        runner: CliRunner, workdir: Path, fake: FakeOK, monkeypatch: pytest.MonkeyPatch) -> None:
    make_test_config(workdir, {"ok-region": section(fake)})
    for name, value in environment(fake, token="no_group_content").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OUTREACH_LANG", "ru")
    result = runner.invoke(cli, ["channels", "check", "ok-region"])
    assert result.exit_code != 0
    assert "у приложения нет прав: GROUP_CONTENT" in result.output
    assert "api-support@ok.ru" in result.output
    assert "Анна Петрова — администратор группы" in result.output
    assert fake.token("no_group_content") not in result.output
    assert fake.store.world.secret_key not in result.output
