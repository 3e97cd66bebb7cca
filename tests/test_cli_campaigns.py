from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image
from sqlmodel import func, select

from outreach.cli import App, cli
from outreach.config import Config
from outreach.db import open_store
from outreach.db.models import Campaign, Photo, Publication, Story, utcnow
from outreach_testing import RecordingChannel, make_registry, make_test_config

SAMPLES = Path(__file__).resolve().parent.parent / "media" / "samples"
SCHOOL = "2026-10-14-miass-school-5"


class LinkChannel(RecordingChannel):
    """A recording channel with a sign-up deep link, as Telegram has."""

    plugin_name = "linked"

    def signup_link(self, code: str) -> str | None:
        return f"https://t.me/centre_bot?start={code}"


CAMPAIGN = """\
name = "Наставничество"
time_zone = "Asia/Yekaterinburg"

[schedule]
every = "1d"
first = 2026-01-01T10:00:00

[content]
tags = ["mentoring"]

[post]
template = \"\"\"
{title}
{date}, {municipality}

{body}

{call_to_action}
{signup_link}

{hashtags}\"\"\"
hashtags = ["серебряныеволонтёры"]
call_to_action = "Хотите с нами? Запишитесь:"

[channels]
names = ["tg", "narrow"]
by_municipality = true
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    config = make_test_config(
        tmp_path,
        {
            "tg": {"plugin": "linked", "tags": ["social"]},
            "narrow": {"plugin": "test", "max_caption": 120, "max_photos": 1},
            "vk-miass": {"plugin": "test", "municipality": "Миасс"},
        },
        top={"database_url": f"sqlite:///{tmp_path / 'outreach.db'}",
             "municipalities": ["Миасс", "Златоуст"]},
    )
    config.campaigns_dir.mkdir()
    (config.campaigns_dir / "mentoring.toml").write_text(CAMPAIGN, encoding="utf-8")
    # The test plugins are registered explicitly; entry points stay unread.
    monkeypatch.setattr(App, "registry", property(
        lambda app: make_registry(app.config, (RecordingChannel, LinkChannel))))
    return config


def run(runner: CliRunner, config: Config, *args: str) -> Any:
    return runner.invoke(cli, ["--config", str(config.path), "campaigns", *args])


def add_story(config: Config, title: str, body: str, photos: int, municipality: str) -> int:
    folder = config.media_dir / title
    folder.mkdir(parents=True)
    store = open_store(config.database_url)
    now = utcnow()
    with store.session() as session:
        story = Story(kind="photo-report", title=title, body=body, status="approved",
                      tags=["mentoring"], consent_by="Петрова", consent_at=now,
                      municipality=municipality, event_date=dt.date(2026, 10, 14),
                      source_folder=str(folder), content_hash="0" * 64,
                      created_at=now, updated_at=now)
        session.add(story)
        session.flush()
        for n in range(photos):
            path = folder / f"{n}.jpg"
            Image.new("RGB", (2000 + n, 1500), (40 * n, 90, 160)).save(path, "JPEG")
            session.add(Photo(story_id=story.id, file=path.name, width=2000 + n, height=1500,
                              sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                              position=n))
        story_id = story.id
    store.dispose()
    assert story_id is not None
    return story_id


def counts(config: Config) -> tuple[int, int]:
    store = open_store(config.database_url)
    with store.session() as session:
        found = (session.exec(select(func.count()).select_from(Publication)).one(),
                 session.exec(select(func.count()).select_from(Campaign)).one())
    store.dispose()
    return found


def test_list_shows_schedule_next_slot_and_channels(runner: CliRunner, config: Config) -> None:
    result = run(runner, config, "list", "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["slug"] == "mentoring" and row["active"] == "yes"
    assert row["schedule"] == "every day (Yekaterinburg)"
    assert row["next"].split()[1] == "10:00"
    assert row["channels"] == ["tg", "narrow", "by municipality (vk-miass)"]


def test_list_warns_about_slots_that_found_no_story(runner: CliRunner, config: Config) -> None:
    from outreach.campaigns.schedule import next_slots
    from outreach.campaigns.spec import load_campaign
    from outreach.engine.planner import plan_due, sync_campaigns

    spec = load_campaign(config, "mentoring")
    store = open_store(config.database_url)
    ids = sync_campaigns(store, [spec])
    week_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    for slot in next_slots(spec, week_ago, 3):  # three daily slots, no approved story at all
        plan_due(store, config, spec, ids["mentoring"], slot + dt.timedelta(minutes=1))
    store.dispose()

    [row] = json.loads(run(runner, config, "list", "--format", "json").output)
    assert row["empty_slots"] == 3
    result = run(runner, config, "list")
    assert result.exit_code == 0, result.output
    assert ("Warning: mentoring had 3 slots with no approved story left in the last 30 days"
            in result.output)


def test_list_leaves_out_broken_files_and_says_so(runner: CliRunner, config: Config) -> None:
    (config.campaigns_dir / "broken.toml").write_text('name = "x"\n', encoding="utf-8")
    result = run(runner, config, "list")
    assert result.exit_code == 0, result.output
    assert "mentoring" in result.output and "broken" not in result.output.split("\n")[1]
    assert "1 campaign file with problems left out" in result.output


def test_validate_reports_every_file_and_exits_1(runner: CliRunner, config: Config) -> None:
    assert run(runner, config, "validate").output == "1 campaign file valid.\n"
    broken = config.campaigns_dir / "broken.toml"
    broken.write_text('name = "x"\n[schedule]\ncron = "0 10 * *"\n[channels]\nnames = ["tgg"]\n',
                      encoding="utf-8")
    zone = config.campaigns_dir / "zone.toml"
    zone.write_text(CAMPAIGN.replace("Asia/Yekaterinburg", "Mars/Olympus"), encoding="utf-8")
    result = run(runner, config, "validate")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Error: 3 problems in 2 campaign files:"
    assert lines[1].startswith(f"{broken}:3: schedule.cron: '0 10 * *' is not a valid cron")
    assert lines[2] == (f"{broken}:5: channels.names: no channel 'tgg' in {config.path} "
                        "(did you mean 'tg'?)")
    assert lines[3].startswith(f"{zone}:2: time_zone: unknown time zone 'Mars/Olympus'")
    assert "Traceback" not in result.output
    result = run(runner, config, "validate", "mentorin")
    assert result.exit_code == 1
    assert "no campaign 'mentorin'" in result.output and "did you mean 'mentoring'" in result.output


def test_preview_writes_exact_texts_and_renditions_and_publishes_nothing(
        runner: CliRunner, config: Config) -> None:
    story_id = add_story(config, "Мастер-класс", "Волонтёры провели мастер-класс.", 2, "Миасс")
    out = config.path.parent / "preview"  # type: ignore[union-attr]
    result = run(runner, config, "preview", "mentoring", "--slots", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    # One story: the first slot takes it, the second has none left (never re-picked).
    assert [f.name.split("_", 2)[2] for f in folders] == ["narrow", "tg", "vk-miass"]
    assert "no story to publish" in result.output
    tg = next(f for f in folders if f.name.endswith("_tg"))
    assert (tg / "post.txt").read_text(encoding="utf-8") == (
        "Мастер-класс\n14 октября 2026, Миасс\n\nВолонтёры провели мастер-класс.\n\n"
        "Хотите с нами? Запишитесь:\nhttps://t.me/centre_bot?start=PREVIEW\n\n"
        "#серебряныеволонтёры"
    )
    meta = json.loads((tg / "post.json").read_text(encoding="utf-8"))
    assert meta["story"]["id"] == story_id and meta["text_limit"] == 1024
    assert meta["trimmed"] is False and meta["slot_local"].endswith("10:00:00+05:00")
    assert [p["file"] for p in meta["photos"]] == ["photo-01.jpg", "photo-02.jpg"]
    with Image.open(tg / "photo-01.jpg") as image:
        assert max(image.size) <= RecordingChannel.media_limits.max_side
        assert image.size == (meta["photos"][0]["width"], meta["photos"][0]["height"])
    # No sign-up link on a plugin without one: its line is gone.
    assert "https://" not in (folders[2] / "post.txt").read_text(encoding="utf-8")
    assert counts(config) == (0, 0)


def test_preview_trims_to_the_channel_limit_and_leaves_extra_photos_out(
        runner: CliRunner, config: Config) -> None:
    body = " ".join(["Волонтёры рассказали школьникам о профессиях."] * 10)
    add_story(config, "Длинный", body, 2, "Златоуст")
    result = run(runner, config, "preview", "mentoring", "--slots", "1", "--channel", "narrow")
    assert result.output.startswith("Schedule: every day (Yekaterinburg)\n"), result.output
    assert result.exit_code == 0, result.output
    out = config.output_dir / "preview" / "mentoring"
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    text = (folder / "post.txt").read_text(encoding="utf-8")
    meta = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    assert len(text) <= 120 and meta["text_length"] == len(text) and meta["trimmed"]
    assert "…" in text and text.endswith("Хотите с нами? Запишитесь:\n\n#серебряныеволонтёры")
    assert [p.name for p in folder.glob("photo-*")] == ["photo-01.jpg"]
    assert meta["photos_left_out"] == 1
    row = next(line for line in result.output.splitlines() if "narrow" in line)
    assert "/120" in row and "1 (+1 left out)" in row and row.rstrip().endswith("yes")
    assert "1 photo left out" in result.output
    assert counts(config) == (0, 0)


def test_preview_replaces_its_own_folders_but_never_a_strangers(
        runner: CliRunner, config: Config) -> None:
    add_story(config, "Один", "Текст.", 0, "Миасс")
    out = config.output_dir / "preview" / "mentoring"
    assert run(runner, config, "preview", "mentoring", "--slots", "1").exit_code == 0
    first = {p.name for p in out.iterdir()}
    (out / "notes.txt").write_text("мои заметки", encoding="utf-8")
    assert run(runner, config, "preview", "mentoring", "--slots", "1").exit_code == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "мои заметки"
    assert first <= {p.name for p in out.iterdir()}

    stranger = config.path.parent / "documents"  # type: ignore[union-attr]
    stranger.mkdir()
    (stranger / "letter.txt").write_text("важно", encoding="utf-8")
    result = run(runner, config, "preview", "mentoring", "--out", str(stranger))
    assert result.exit_code == 1
    assert f"Error: {stranger} is not empty and holds no earlier preview" in result.output
    assert [p.name for p in stranger.iterdir()] == ["letter.txt"]


def test_preview_of_a_channel_the_campaign_does_not_use(runner: CliRunner,
                                                        config: Config) -> None:
    result = run(runner, config, "preview", "mentoring", "--channel", "tgg")
    assert result.exit_code == 1
    assert "does not publish to 'tgg' (did you mean 'tg'?)" in result.output


def store_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store at ``url``, in a stable order."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    store = open_store(url)
    with store.session() as session:
        found = {table.name: sorted(session.execute(sa.select(table)).all(), key=repr)
                 for table in SQLModel.metadata.sorted_tables}
    store.dispose()
    return found


def test_preview_of_a_poster_channel_stores_no_placement_code(
        workdir: Path, store_url: str) -> None:
    """A campaign's places get their codes when a kit is printed, never from a preview:
    the preview shows the code a place has, or would get, and leaves the store as it was."""
    from press_support import write_press_config

    write_press_config(workdir, store_url)
    shutil.copytree(SAMPLES / SCHOOL, workdir / "media" / SCHOOL)
    (workdir / "campaigns").mkdir()
    (workdir / "campaigns" / "autumn.toml").write_text(
        'name = "Осень"\n[schedule]\ncron = "0 10 * * tue"\n[channels]\nnames = ["press"]\n'
        '[[placements]]\nname = "Пенсионный фонд, Миасс, ул. Ленина, 5"\n'
        'municipality = "Миасс"\n'
        '[[placements]]\nname = "Библиотека, Миасс"\n', encoding="utf-8")
    runner = CliRunner()
    for args in (["content", "import"], ["content", "approve", "1"],
                 ["posters", "render", "1", "--placement", "Библиотека, Миасс"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    before = store_rows(store_url)
    assert [row.short_code for row in before["referralcode"]
            if row.kind == "placement"] == ["MAC-1"]

    result = runner.invoke(cli, ["campaigns", "preview", "autumn", "--slots", "1",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert store_rows(store_url) == before
    [item] = json.loads(result.output)
    meta = json.loads((Path(item["folder"]) / "post.json").read_text(encoding="utf-8"))
    # The library's code is kept; the pension fund's is the one it would get, unstored.
    assert [(p["name"], p["short_code"], p["link"], p["stored"]) for p in meta["placements"]] == [
        ("Пенсионный фонд, Миасс, ул. Ленина, 5", "MAC-2",
         "https://t.me/silver_bot?start=MAC-2", False),
        ("Библиотека, Миасс", "MAC-1", "https://t.me/silver_bot?start=MAC-1", True)]
