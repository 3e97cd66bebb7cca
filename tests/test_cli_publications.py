"""``outreach publications`` as a volunteer uses it: messages, exit codes, formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from outbox_support import seed

from outreach.cli import cli
from outreach.db import Store


@pytest.fixture
def project(workdir: Path, store_url: str, store: Store) -> dict[str, int]:
    (workdir / "config.toml").write_text(
        f'database_url = "{store_url}"\ntime_zone = "Asia/Yekaterinburg"\n'
        '[channels.vk]\nplugin = "vk"\ngroup_id = 218375169\n', encoding="utf-8")
    return seed(store)


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["publications", *args])


def test_list_shows_local_slots_and_short_errors(runner: CliRunner,
                                                project: dict[str, int]) -> None:
    result = run(runner, "list", "--status", "failed", "--status", "published")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "STATUS", "CAMPAIGN", "CHANNEL", "STORY", "SLOT",
                                "ATTEMPTS", "LINK", "OR", "ERROR"]
    assert len(lines) == 3
    failed = lines[1]
    assert failed.startswith(f"{project['failed']}")
    assert "October 14, 2026 10:00\u202fAM" in failed  # 05:00 UTC on the Yekaterinburg clock
    assert "1: Серебряные волонтёры в школе №5" in failed
    assert failed.rstrip().endswith("the bot was removed from the channel")
    assert lines[2].rstrip().endswith("https://t.me/silver_ekb/42")


def test_list_json_and_filters(runner: CliRunner, project: dict[str, int]) -> None:
    result = run(runner, "list", "--channel", "vk", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == [project["planned"], project["sending"],
                                       project["uncertain"]]
    assert rows[0]["slot"] == "2026-10-16T10:00:00+05:00"


def test_list_explains_an_empty_result(runner: CliRunner, project: dict[str, int]) -> None:
    result = run(runner, "list", "--channel", "vkk")
    assert result.exit_code == 0, result.output
    assert result.output == ("No publications match. No publication was ever made for channel "
                             "'vkk' (did you mean 'vk'?).\n")
    result = run(runner, "list", "--campaign", "mentorin")
    assert result.exit_code == 1
    assert "Error: no campaign 'mentorin' in the store (did you mean 'mentoring'?)" in \
        result.output
    result = run(runner, "list", "--since", "last week")
    assert result.exit_code == 2
    assert "'last week' is neither a date (2026-10-01) nor a span back from now" in result.output


def test_show_tells_the_whole_story(runner: CliRunner, project: dict[str, int]) -> None:
    result = run(runner, "show", str(project["failed"]))
    assert result.exit_code == 0, result.output
    assert "Status:        failed" in result.output
    assert "Story:         1: Серебряные волонтёры в школе №5 (Миасс)" in result.output
    assert "Slot:          October 14, 2026 10:00\u202fAM (Asia/Yekaterinburg)" in result.output
    assert "Last error:    the bot was removed from the channel" in result.output
    attempts = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert attempts[0].split() == ["ATTEMPT", "STARTED", "FINISHED", "OUTCOME", "WORKER",
                                   "ERROR"]
    assert attempts[1].split()[0] == "1"
    assert attempts[1].rstrip().endswith("transient  worker-1  VK answered 500")
    assert "  auth       worker-1  " in attempts[3]
    assert "Engagement: no figures collected yet." in result.output

    result = run(runner, "show", str(project["published"]))
    assert "Referral code: tg-42 (said on the phone: MIA-7)" in result.output
    assert ("Engagement at October 14, 2026 3:00\u202fPM: views —, likes 9, shares —, comments —, "
            "reactions 4") in result.output
    assert "(— means telegram does not report that figure)" in result.output

    result = run(runner, "show", "999")
    assert result.exit_code == 1
    assert result.output == ("Error: no publication with id 999 "
                             "(see 'outreach publications list')\n")


def test_retry_messages(runner: CliRunner, project: dict[str, int], store_url: str) -> None:
    uncertain = project["uncertain"]
    result = run(runner, "retry", str(uncertain))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: publication {uncertain} may already be on vk: check, then use "
        f"'outreach publications resolve {uncertain} --posted URL' or "
        f"'outreach publications retry {uncertain} --force'\n")
    result = run(runner, "retry", str(uncertain), "--force")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Publication {uncertain} (uncertain) is planned again and "
                                    "will be sent to vk at the next dispatch")
    result = run(runner, "retry", str(project["planned"]))
    assert result.exit_code == 0, result.output
    assert "is already planned" in result.output and "Nothing changed." in result.output
    result = run(runner, "retry", str(project["sending"]))
    assert result.exit_code == 1
    assert "is being published right now; try again in a minute" in result.output


def test_cancel_messages(runner: CliRunner, project: dict[str, int]) -> None:
    result = run(runner, "cancel", str(project["failed"]))
    assert result.exit_code == 0, result.output
    assert result.output == (f"Publication {project['failed']} (failed) is cancelled; it will "
                             "not be sent to telegram.\n")
    result = run(runner, "cancel", str(project["published"]))
    assert result.exit_code == 1
    assert result.output == (f"Error: publication {project['published']} is already published "
                             "at https://t.me/silver_ekb/42; delete it on the platform if "
                             "needed\n")


def test_resolve_messages(runner: CliRunner, project: dict[str, int], store_url: str) -> None:
    uncertain = project["uncertain"]
    result = run(runner, "resolve", str(uncertain))
    assert result.exit_code == 2
    assert "say what you found: --posted URL (it is there) or --not-posted" in result.output
    result = run(runner, "resolve", str(uncertain), "--posted", "not a link")
    assert result.exit_code == 1
    assert "'not a link' is not a link to a post" in result.output
    result = run(runner, "resolve", str(uncertain), "--posted",
                 "https://vk.com/wall-218375169_1234")
    assert result.exit_code == 0, result.output
    assert result.output == (f"Publication {uncertain} (uncertain) is recorded as published on "
                             "vk at https://vk.com/wall-218375169_1234.\n")
    show = run(runner, "show", str(uncertain))
    assert "Post id:       -218375169_1234" in show.output  # as VK's plugin reads the link
    assert "resolved by a person: posted at https://vk.com/wall-218375169_1234" in show.output
    result = run(runner, "resolve", str(uncertain), "--not-posted")
    assert result.exit_code == 1
    assert "is already published at https://vk.com/wall-218375169_1234" in result.output
    store = Store(store_url)
    try:
        from outreach.db.models import Publication

        with store.session() as s:
            assert s.get(Publication, uncertain).status == "published"
    finally:
        store.dispose()


def test_a_stored_error_never_shows_a_token(runner: CliRunner, project: dict[str, int],
                                            store_url: str) -> None:
    from sqlmodel import select

    from outreach.db import open_store
    from outreach.db.models import Publication, PublicationAttempt

    token = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    error = f"unexpected error in the plugin: ConnectError: https://api.telegram.org/bot{token}/x"
    store = open_store(store_url)
    try:
        with store.session() as s:  # as an older version stored it
            row = s.get(Publication, project["failed"])
            row.last_error = error
            s.add(row)
            for attempt in s.exec(select(PublicationAttempt).where(
                    PublicationAttempt.publication_id == project["failed"])):
                attempt.error = error
                s.add(attempt)
    finally:
        store.dispose()

    shown = run(runner, "show", str(project["failed"])).output
    listed = run(runner, "list", "--format", "json").output
    assert token not in shown + listed
    assert "Last error:    unexpected error in the plugin: ConnectError: " \
           "https://api.telegram.org/bot***/x" in shown
