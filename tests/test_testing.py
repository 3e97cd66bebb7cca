from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from outreach.channels import (
    AuthError,
    Engagement,
    PermanentError,
    Post,
    PostPhoto,
    Published,
    RateLimitedError,
    TransientError,
)
from outreach_testing import RecordingChannel, make_registry, make_test_config, read_log

_WHEN = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def _key(publication_id: int, key: str) -> Post:
    """The post as the engine renders it again to reconcile: only its identity matters here."""
    return Post(publication_id=publication_id, idempotency_key=key, text="t", title="T")



def post(publication_id: int = 1, text: str = "Hello") -> Post:
    return Post(publication_id=publication_id, idempotency_key=f"key-{publication_id}",
                text=text, title="Title",
                photos=(PostPhoto(path=Path("/renditions/a.jpg")),
                        PostPhoto(path=Path("/renditions/b.jpg"))))


def channel(tmp_path: Path, **settings: object) -> RecordingChannel:
    config = make_test_config(tmp_path, {"rec": {"plugin": "test", **settings}})
    made = make_registry(config).get("rec")
    assert isinstance(made, RecordingChannel)
    return made


def test_every_publish_is_in_the_log_and_in_memory(tmp_path: Path) -> None:
    rec = channel(tmp_path, log="calls.jsonl")
    published = rec.publish(post(3, "Привет, «волонтёры»"))

    assert published == Published("rec-3", "https://test.invalid/rec/3")
    assert rec.log_path == tmp_path / ".outreach" / "rec" / "calls.jsonl"
    [line] = read_log(rec.log_path)
    assert line["publication_id"] == 3
    assert line["idempotency_key"] == "key-3"
    assert line["text"] == "Привет, «волонтёры»"
    assert line["photos"] == ["a.jpg", "b.jpg"]
    assert line["pid"] == os.getpid()
    assert line["outcome"] == "published"
    assert line["time"].endswith("+00:00")
    assert [p.publication_id for p in rec.published] == [3]


@pytest.mark.parametrize(("mode", "error"), [
    ("transient", TransientError),
    ("rate-limited", RateLimitedError),
    ("auth", AuthError),
    ("permanent", PermanentError),
])
def test_fail_modes_raise_the_matching_error(tmp_path: Path, mode: str, error: type) -> None:
    rec = channel(tmp_path, log="calls.jsonl", fail=mode, retry_after=12.5)
    with pytest.raises(error) as raised:
        rec.publish(post())
    assert type(raised.value) is error
    if mode == "rate-limited":
        assert raised.value.retry_after == 12.5
    assert rec.published == []
    assert [line["outcome"] for line in read_log(rec.log_path)] == [mode]
    assert rec.reconcile(_key(1, "key-1"), _WHEN).exists is False


def test_fail_times_fails_only_the_first_calls(tmp_path: Path) -> None:
    rec = channel(tmp_path, log="calls.jsonl", fail="transient", fail_times=2)
    for _ in range(2):
        with pytest.raises(TransientError):
            rec.publish(post())
    assert rec.publish(post()).external_id == "rec-1"
    assert [line["outcome"] for line in read_log(rec.log_path)] == [
        "transient", "transient", "published"]


def test_hang_records_the_post_then_stops_answering(tmp_path: Path) -> None:
    rec = channel(tmp_path, log="calls.jsonl", fail="hang", hang_seconds=0.05)
    started = time.monotonic()
    with pytest.raises(TransientError):
        rec.publish(post())
    assert time.monotonic() - started >= 0.05
    assert rec.reconcile(_key(1, "key-1"), _WHEN).exists is True

    quiet = channel(tmp_path / "other", log="calls.jsonl", fail="hang", hang_seconds=0,
                    hang_published=False)
    with pytest.raises(TransientError):
        quiet.publish(post())
    assert quiet.reconcile(_key(1, "key-1"), _WHEN).exists is False


def test_reconcile_reads_the_log_of_an_earlier_process(tmp_path: Path) -> None:
    channel(tmp_path, log="calls.jsonl").publish(post(5))
    fresh = channel(tmp_path, log="calls.jsonl")  # a new instance knows only the log

    found = fresh.reconcile(_key(5, "key-5"), _WHEN)
    assert found.exists is True
    assert found.published == Published("rec-5", "https://test.invalid/rec/5")
    assert fresh.reconcile(_key(6, "key-6"), _WHEN).exists is False

    blind = channel(tmp_path, log="calls.jsonl", can_reconcile=False)
    assert blind.reconcile(_key(5, "key-5"), _WHEN).exists is None
    assert blind.capabilities.reconcile is False


def test_a_killed_process_leaves_proof_of_what_it_published(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    script = textwrap.dedent(f"""
        from pathlib import Path
        from outreach.channels import Post
        from outreach_testing import make_registry, make_test_config
        config = make_test_config(Path({str(tmp_path)!r}), {{"rec": {{
            "plugin": "test", "log": {str(log)!r}, "fail": "hang"}}}})
        make_registry(config).get("rec").publish(
            Post(publication_id=9, idempotency_key="key-9", text="t", title="T"))
    """)
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 20
        while not read_log(log) and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    [line] = read_log(log)
    assert (line["publication_id"], line["pid"]) == (9, process.pid)
    assert channel(tmp_path, log=str(log)).reconcile(_key(9, "key-9"), _WHEN).exists is True


def test_engagement_is_known_only_for_its_own_posts(tmp_path: Path) -> None:
    rec = channel(tmp_path)
    rec.publish(post(4))
    assert rec.engagement(["rec-4", "rec-99", "other-4"]) == [
        Engagement("rec-4", views=40, likes=4, shares=2, comments=1, reactions=None)]
    assert rec.audience() == 100


def test_limits_can_be_narrowed_per_channel(tmp_path: Path) -> None:
    rec = channel(tmp_path, max_text=500, max_photos=2)
    assert (rec.text_limits.max_text, rec.text_limits.max_caption) == (500, 1024)
    assert rec.media_limits.max_photos == 2
    assert rec.media_limits.max_side == RecordingChannel.media_limits.max_side
    assert RecordingChannel.text_limits.max_text == 4096  # the class is untouched


def test_make_test_config_writes_a_real_file(tmp_path: Path) -> None:
    config = make_test_config(
        tmp_path, {"кanal \"1\"": {"plugin": "test", "tags": ["a", "b"], "latency": 0.5}},
        centre={"name": "Серебряные волонтёры", "phone": "+7 900"},
        top={"time_zone": "Europe/Moscow"})
    [(name, section)] = config.channels.items()
    assert name == "кanal \"1\""
    assert section.tags == ("a", "b")
    assert section.settings == {"latency": 0.5}
    assert config.centre.name == "Серебряные волонтёры"
    assert config.time_zone == "Europe/Moscow"
    assert config.path == tmp_path / "config.toml"


def test_make_test_config_writes_any_section(tmp_path: Path) -> None:
    config = make_test_config(
        tmp_path, {"team": {"plugin": "test"}}, top={"municipalities": ["Миасс"]},
        sections={"paths": {"output": "out"},
                  "signups": {"policy_url": "https://example.org/policy",
                              "policy_version": "2026-1", "join_window": "24h",
                              "coordinators": {"channel": "team", "chat": "@coordinators"}}})
    assert config.output_dir == tmp_path / "out"
    assert config.signups.enabled and config.signups.policy_version == "2026-1"
    assert config.signups.join_window == dt.timedelta(hours=24)
    assert (config.signups.coordinators_channel, config.signups.coordinators_chat) == (
        "team", "@coordinators")
    assert "[signups]" in (tmp_path / "config.toml").read_text(encoding="utf-8")
