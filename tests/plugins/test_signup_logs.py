"""No name or phone of a person signing up reaches the log, at any level.

Every sign-up dialog the fakes can play (complete, abandon, refuse, a photo
instead of the phone, someone else's contact, a typed phone, ...) runs
through the service as ``outreach --debug run --sandbox`` runs it: the
sandbox's fakes, the real client libraries, the service's sign-up bots and
desk and a real store, with the command's logging set-up. On top of
``--debug``, every logger is turned down to DEBUG, whatever the libraries or
our own set-up chose, so that the log filter alone has to hold the line. The
people's names and phones are the ones the fakes made up for them.
"""

from __future__ import annotations

import io
import logging
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_support import wait_until
from sqlmodel import select

from outreach.cli.logs import configure_logging
from outreach.db import open_store
from outreach.db.models import SignUp
from outreach.engine.service import Service
from outreach.platforms.registry import Registry
from outreach.platforms.sandbox import start_sandbox
from outreach.signups.phones import normalize_phone
from outreach_telegram.fake import BEHAVIOURS as TELEGRAM_BEHAVIOURS
from outreach_testing import make_test_config
from outreach_vk.fake.people import BEHAVIOURS as VK_BEHAVIOURS

SPEED = 1000.0  # the fakes' clocks: a person thinks for milliseconds
UNSETTLED = ("waiting", "talking", "consented")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def debug_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """What ``outreach --debug`` writes, with every logger at DEBUG."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    configure_logging(debug=True)  # its filter goes on every handler, this one too
    monkeypatch.setattr(logging.Logger, "getEffectiveLevel", lambda self: logging.DEBUG)
    logging.Logger.manager._clear_cache()
    try:
        yield written
    finally:
        root.removeHandler(handler)
        monkeypatch.undo()
        logging.Logger.manager._clear_cache()


def test_no_name_or_phone_of_any_sign_up_dialog_reaches_the_debug_log(
        tmp_path: Path, debug_log: io.StringIO) -> None:
    config = make_test_config(tmp_path, {
        "vk-sandbox": {"plugin": "vk", "group_id": 229000001,
                       "user_token_env": "VK_USER_TOKEN",
                       "community_token_env": "VK_COMMUNITY_TOKEN",
                       "api_url": f"http://127.0.0.1:{free_port()}"},
        "telegram-sandbox": {"plugin": "telegram", "token_env": "TELEGRAM_BOT_TOKEN",
                             "chat_id": "@sandbox_channel",
                             "bot_username": "outreach_sandbox_bot", "poll_timeout": 1,
                             "api_url": f"http://127.0.0.1:{free_port()}"},
    }, top={"database_url": f"sqlite:///{tmp_path / 'outreach.db'}",
            "municipalities": ["Миасс", "Златоуст", "Копейск"],
            "signups": {"policy_url": "https://example.org/privacy", "policy_version": "1",
                        "coordinators": {"channel": "telegram-sandbox",
                                         "chat": "@sandbox_coordinators"}}})
    env: dict[str, str] = {}
    registry = Registry.from_config(config, env=env)
    sandbox = start_sandbox(config, registry, speed=SPEED)
    env.update(sandbox.environment)
    telegram, vk = sandbox.fakes["telegram"], sandbox.fakes["vk"]
    store = open_store(config.database_url)
    service = Service(config, store, registry)
    try:
        service.start()
        people = [telegram.simulate_person("demo", behaviour)
                  for behaviour in TELEGRAM_BEHAVIOURS]
        ids = [vk.simulate_person("demo", behaviour) for behaviour in VK_BEHAVIOURS]
        assert telegram.wait_for(
            lambda: all(p.status not in UNSETTLED for p in people), timeout=60)
        assert wait_until(lambda: all(vk.person(i).finished for i in ids), timeout=60)

        def completed() -> int:
            with store.session() as session:
                return len(session.exec(select(SignUp).where(
                    SignUp.status == "completed")).all())

        assert wait_until(lambda: completed() >= 5 and len(
            telegram.messages("@sandbox_coordinators")) == completed(), timeout=60)
    finally:
        service.stop()
        registry.close()
        sandbox.stop()
        store.dispose()

    named = [(p.name, p.phone) for p in people] + [
        (vk.person(i).name, vk.person(i).phone) for i in ids]
    told = "\n".join(m.get("text", "") for m in telegram.messages("@sandbox_coordinators"))
    assert any(name in told for name, _ in named)  # the people's data was about
    log = debug_log.getvalue()
    assert "sign-up bot of vk-sandbox is listening" in log and "\nDEBUG " in log
    for name, phone in named:
        for word in name.split():
            assert word not in log, f"{word!r} of {name!r} is in the log"
        digits = re.sub(r"\D", "", phone)
        for shown in (phone, normalize_phone(phone), digits, digits[1:]):
            assert shown not in log, f"the phone {phone!r} is in the log as {shown!r}"
