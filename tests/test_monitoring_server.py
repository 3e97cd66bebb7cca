"""``[metrics]``: what ``outreach run`` serves to Prometheus, scraped over HTTP while it runs."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from outbox_support import T0, seed
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from outreach.config import Metrics, load_config
from outreach.db import open_store
from outreach.db.models import Publication, ReferralCode, SignUp, utcnow
from outreach.errors import ConfigError


def _config(folder: Path, metrics: str) -> Path:
    path = folder / "config.toml"
    path.write_text('database_url = "sqlite:///outreach.db"\n' + metrics, encoding="utf-8")
    return path


def test_no_metrics_unless_asked_for(tmp_path: Path) -> None:
    assert load_config(_config(tmp_path, "")).metrics is None


@pytest.mark.parametrize(("listen", "expected"), [("127.0.0.1:9464", ("127.0.0.1", 9464)),
                                                  ("[::1]:9464", ("::1", 9464)),
                                                  ("localhost:9100", ("localhost", 9100))])
def test_this_machines_own_address_is_taken(tmp_path: Path, listen: str,
                                            expected: tuple[str, int]) -> None:
    config = load_config(_config(tmp_path, f'[metrics]\nlisten = "{listen}"\n'))
    assert config.metrics == Metrics(*expected)


def test_an_address_other_machines_reach_needs_saying_so(tmp_path: Path) -> None:
    path = _config(tmp_path, '[metrics]\nlisten = "0.0.0.0:9464"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "metrics.listen: 0.0.0.0 can be reached from other machines" in str(caught.value)
    assert "add allow_remote = true to [metrics]" in str(caught.value)
    path = _config(tmp_path, '[metrics]\nlisten = "0.0.0.0:9464"\nallow_remote = true\n')
    assert load_config(path).metrics == Metrics("0.0.0.0", 9464)


def test_a_malformed_address_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_config(tmp_path, '[metrics]\nlisten = "9464"\n'))
    assert "metrics.listen: '9464' is not an address and port" in str(caught.value)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _scrape(url: str, worker: subprocess.Popen[bytes], log: Path) -> tuple[str, str]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert worker.poll() is None, log.read_text(encoding="utf-8")
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                body = answer.read().decode("utf-8")
                if "outreach_workers_running 1" in body:  # the first beat is in
                    return answer.headers["Content-Type"], body
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.3)
    raise AssertionError(log.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_outreach_run_serves_the_stores_figures_to_a_scrape(tmp_path: Path) -> None:
    port = _free_port()
    # No channels: the seeded outbox stays as it is while the service runs.
    _config(tmp_path, f'[metrics]\nlisten = "127.0.0.1:{port}"\n')
    store = open_store(f"sqlite:///{tmp_path / 'outreach.db'}")
    ids = seed(store)
    with store.session() as s:
        # Still being sent by another worker: a lease run out would be settled meanwhile.
        sending = s.get(Publication, ids["sending"])
        assert sending is not None
        sending.lease_until = utcnow() + dt.timedelta(days=1)
        code = s.exec(select(ReferralCode).where(ReferralCode.code == "tg-42")).one()
        s.add(SignUp(created_at=utcnow(), completed_at=utcnow(), name="Анна", source="telegram",
                     referral_code_id=code.id, status="completed"))
        s.add(SignUp(created_at=utcnow(), name="Пётр", source="offline", status="completed"))
        s.add(SignUp(created_at=utcnow(), name="Начал и бросил", source="vk",
                     channel="vk", status="started"))
    store.dispose()
    env = {k: v for k, v in os.environ.items() if k != "OUTREACH_CONFIG"}
    log = tmp_path / "run.log"
    with log.open("w", encoding="utf-8") as err:
        worker = subprocess.Popen([sys.executable, "-m", "outreach", "run", "--worker", "w1"],
                                  cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=err)
        try:
            kind, text = _scrape(f"http://127.0.0.1:{port}/metrics", worker, log)
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/other", timeout=10)
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(60)
    assert worker.returncode == 0, log.read_text(encoding="utf-8")
    assert kind == "text/plain; version=0.0.4; charset=utf-8"
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert all(f.documentation and f.type == "gauge" for f in families.values())

    def values(name: str, label: str | None = None) -> dict[str | None, float]:
        return {(s.labels[label] if label else None): s.value for s in families[name].samples}

    assert values("outreach_up") == {None: 1} and values("outreach_database_up") == {None: 1}
    assert values("outreach_workers_running") == {None: 1}
    assert set(values("outreach_heartbeat_timestamp_seconds", "worker")) == {"w1"}
    by_status = {(s.labels["channel"], s.labels["status"]): s.value
                 for s in families["outreach_publications"].samples}
    assert by_status == {("vk", "planned"): 1, ("vk", "uncertain"): 1, ("vk", "sending"): 1,
                         ("telegram", "failed"): 1, ("telegram", "published"): 1,
                         ("press", "cancelled"): 1}
    assert values("outreach_queue_length") == {None: 2}
    published = (T0.timestamp() - 86400)
    assert values("outreach_last_published_timestamp_seconds", "channel") == {
        "telegram": published}
    # The dialog begun and left is no sign-up; the one without a code is nobody's channel's.
    assert values("outreach_signups", "channel") == {"telegram": 1, "none": 1}
    assert "Metrics for Prometheus at http://127.0.0.1:" in log.read_text(encoding="utf-8")


def test_a_port_in_use_is_said_and_the_service_goes_on(tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    from outreach.monitoring.server import MetricsServer

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = MetricsServer(None, Metrics("127.0.0.1", port))  # type: ignore[arg-type]
        assert server.start() is False
    assert f"The metrics cannot be served at 127.0.0.1:{port}" in caplog.text
    assert "the service runs without them" in caplog.text
