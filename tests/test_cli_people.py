"""``outreach people``: invitations, lists, revoking and the audit log, as used."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from signup_support import signup_config
from sqlmodel import select

from outreach.cli import cli
from outreach.db import open_store
from outreach.db.models import Invitation, utcnow
from outreach.people import roster


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> Path:
    config = signup_config(tmp_path, top={"database_url": store_url})
    assert config.path is not None
    return config.path


def run(runner: CliRunner, project: Path, *args: str) -> object:
    return runner.invoke(cli, ["--config", str(project), *args])


def test_invite_list_show_revoke_and_log(runner: CliRunner, project: Path,
                                         store_url: str) -> None:
    no_place = run(runner, project, "people", "invite", "--role", "reporter")
    assert no_place.exit_code == 2 and "--municipality" in no_place.output
    typo = run(runner, project, "people", "invite", "--role", "reporter",
               "--municipality", "Миас")
    assert typo.exit_code == 1 and "Миасс" in typo.output and "Traceback" not in typo.output

    made = run(runner, project, "people", "invite", "--role", "reporter",
               "--municipality", "миасс", "--name", "Анна Смирнова")
    assert made.exit_code == 0, made.output
    # The test plugin has no bot: the person is told what to send the bot instead.
    code = re.search(r"/start (inv_[A-Za-z0-9_-]+)", made.output)
    assert code is not None, made.output
    assert "works once" in made.output

    store = open_store(store_url)
    try:
        with store.session() as session:
            stored = session.exec(select(Invitation)).one()
            # Only the hash is kept: the database cannot enrol anyone.
            assert code.group(1) not in stored.token_hash
            assert stored.token_hash == roster.code_hash(code.group(1))
            outcome, person = roster.enrol(session, code.group(1), "tg:42", "tg", utcnow())
            assert outcome == roster.Enrolment.enrolled and person is not None
            again, _ = roster.enrol(session, code.group(1), "tg:43", "tg", utcnow())
            assert again == roster.Enrolment.used  # single use
    finally:
        store.dispose()

    listed = run(runner, project, "people", "list", "--format", "json")
    rows = json.loads(listed.output)
    assert rows == [{"id": 1, "role": "reporter", "status": "active", "name": "Анна Смирнова",
                     "municipality": "Миасс", "accounts": ["tg:42"],
                     "created": rows[0]["created"]}]
    shown = run(runner, project, "people", "show", "1")
    assert "tg:42" in shown.output and "Миасс" in shown.output

    revoked = run(runner, project, "people", "revoke", "1")
    assert revoked.exit_code == 0 and "no longer" in revoked.output
    assert json.loads(run(runner, project, "people", "list", "--format", "json").output) == []

    log = json.loads(run(runner, project, "people", "log", "--format", "json").output)
    assert [e["action"] for e in log] == ["revoked", "invitation-refused", "enrolled",
                                          "invited"]
    assert log[-1]["actor"].startswith("cli")
    assert log[1]["detail"] == {"reason": "used"}
    csv_out = run(runner, project, "people", "log", "--format", "csv").output
    assert csv_out.splitlines()[0] == "at,actor,action,person,story,detail"
    # The table reads in words: who acted and the details, no "person:1" or "role=...".
    table = runner.invoke(cli, ["--config", str(project), "people", "log"],
                          env={"OUTREACH_LANG": "ru"}).output
    invited = next(line for line in table.splitlines() if "приглашение создано" in line)
    assert "роль: автор отчётов; действует до: " in invited, table
    assert "expires_at" not in table and "role=" not in table
    assert "команда (" in invited  # the system account that typed `outreach people invite`


def test_an_expired_invitation_enrols_nobody(store_url: str) -> None:
    store = open_store(store_url)
    try:
        t0 = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
        invited = roster.invite(store, roster.PersonRole.coordinator, actor="cli:test",
                                valid_for=dt.timedelta(days=1), now=t0)
        with store.session() as session:
            late, _ = roster.enrol(session, invited.code, "tg:1", "tg",
                                   t0 + dt.timedelta(days=2))
            assert late == roster.Enrolment.expired
            assert roster.account_of(session, "tg:1") is None
    finally:
        store.dispose()
