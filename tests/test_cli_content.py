from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from outreach.cli import cli
from outreach.cli import content as content_cli

SAMPLES = Path(__file__).resolve().parent.parent / "media" / "samples"
SCHOOL = "2026-10-14-miass-school-5"
WALKING = "2026-11-07-zlatoust-nordic-walking"


@pytest.fixture
def project(workdir: Path, store_url: str) -> Path:
    """A user's project folder: config.toml, and the sample stories under media/."""
    (workdir / "config.toml").write_text(
        f'database_url = "{store_url}"\n'
        'municipalities = ["Челябинск", "Миасс", "Златоуст", "Копейск"]\n',
        encoding="utf-8",
    )
    shutil.copytree(SAMPLES, workdir / "media")
    return workdir


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["content", *args])


def ids(runner: CliRunner) -> dict[str, int]:
    """Folder name -> story id, read back through the CLI."""
    result = run(runner, "list", "--format", "json")
    assert result.exit_code == 0, result.output
    shown = {}
    for row in json.loads(result.output):
        show = run(runner, "show", str(row["id"]))
        folder = next(line for line in show.output.splitlines() if line.startswith("Folder:"))
        shown[Path(folder.split(maxsplit=1)[1]).name] = row["id"]
    return shown


def test_import_reports_each_story_and_is_idempotent(runner: CliRunner, project: Path) -> None:
    result = run(runner, "import")  # no PATH: the media folder of config.toml
    assert result.exit_code == 0, result.output
    assert f"imported   #3  media/{SCHOOL}\n" in result.output
    assert result.output.endswith("Import: 5 imported, 0 updated, 0 unchanged, 0 failed.\n")

    result = run(runner, "import", "media")
    assert result.exit_code == 0, result.output
    assert result.output == "Import: 0 imported, 0 updated, 5 unchanged, 0 failed.\n"


def test_a_failed_story_gives_a_non_zero_exit_and_the_others_are_stored(
    runner: CliRunner, project: Path
) -> None:
    story = project / "media" / WALKING / "story.md"
    story.write_text(story.read_text().replace('municipality = "Златоуст"',
                                               'municipality = "Златоус"'))
    result = run(runner, "import", "media")
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"failed     media/{WALKING}:\n"
        f"    {story}:6: municipality: 'Златоус' is not one of the municipalities in "
        "config.toml (did you mean 'Златоуст'?)\n"
        "Error: 1 story could not be imported (see above); fix it and run the import "
        "again — the others are stored\n"
    )
    assert "Import: 4 imported, 0 updated, 0 unchanged, 1 failed." in result.stdout
    listed = run(runner, "list", "--format", "json")
    assert len(json.loads(listed.output)) == 4


def test_a_wrong_path_stores_nothing(runner: CliRunner, project: Path) -> None:
    result = run(runner, "import", "media", "medai")
    assert result.exit_code == 1
    assert result.output == "Error: medai: no such file or folder\n"
    assert run(runner, "list").output == "No stories match.\n"


def test_progress_bar_only_for_a_tree_on_a_terminal(
    runner: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(content_cli, "_stderr_is_terminal", lambda: True)
    one = run(runner, "import", f"media/{SCHOOL}")
    assert one.exit_code == 0, one.output
    assert "Importing" not in one.stderr
    tree = run(runner, "import", "media")
    assert tree.exit_code == 0, tree.output
    assert "Importing" in tree.stderr and "Importing" not in tree.stdout
    monkeypatch.setattr(content_cli, "_stderr_is_terminal", lambda: False)
    assert "Importing" not in run(runner, "import", "media").stderr


def test_list_formats_and_filters(runner: CliRunner, project: Path) -> None:
    assert run(runner, "import").exit_code == 0
    table = run(runner, "list", "--municipality", "Миасс")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == ["ID", "STATUS", "KIND", "DATE", "MUNICIPALITY", "TITLE",
                                "PHOTOS", "CONSENT", "TAGS"]
    assert len(lines) == 3 and "not needed" in lines[1] and "recorded" in lines[2]

    rows = list(csv.DictReader(io.StringIO(run(runner, "list", "--format", "csv",
                                               "--tag", "mentoring").output)))
    assert [(r["municipality"], r["photos"], r["tags"]) for r in rows] == [
        ("Миасс", "3", "sample, mentoring, school"), ("Копейск", "2", "sample, digital, mentoring")]

    data = json.loads(run(runner, "list", "--format", "json", "--kind", "story").output)
    assert [(d["kind"], d["photos"], d["consent"], d["date"]) for d in data] == [
        ("story", 0, "not needed", "2026-10-01")]

    assert run(runner, "list", "--status", "approved").output == "No stories match.\n"
    assert run(runner, "list", "--municipality", "Миас").output == (
        "No stories match. No story is from 'Миас' (did you mean 'Миасс'?)\n")
    assert run(runner, "list", "--tag", "mentorship").output == (
        "No stories match. No story has the tag 'mentorship' (did you mean 'mentoring'?)\n")
    bad = run(runner, "list", "--status", "aproved")
    assert bad.exit_code == 2 and "'aproved' is not one of" in bad.output


def test_show_lists_fields_photos_and_text(runner: CliRunner, project: Path) -> None:
    assert run(runner, "import").exit_code == 0
    story_id = ids(runner)[SCHOOL]
    result = run(runner, "show", str(story_id))
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Story:        #{story_id}  ОБРАЗЕЦ: Серебряные волонтёры в школе №5\n" in out
    assert "Consent:      recorded by Ирина Петрова on October 14, 2026\n" in out
    assert "Photos (3):\n  1. 01.jpg  1600×1200\n" in out
    assert "  2. 02.jpg  1200×1600\n     caption: Наставники и ученики после урока\n" in out
    assert out.rstrip().endswith("Присоединяйтесь к наставникам!")

    (project / "media" / SCHOOL / "03.jpg").unlink()
    assert "  3. 03.jpg  1600×1200  [file missing]\n" in run(runner, "show", str(story_id)).output
    missing = run(runner, "show", "999")
    assert missing.exit_code == 1
    assert missing.output == "Error: no story with id 999 (see 'outreach content list')\n"


def test_approve_and_archive(runner: CliRunner, project: Path) -> None:
    story = project / "media" / WALKING / "story.md"
    text = story.read_text()
    story.write_text(text[: text.index("[consent]")] + text[text.index("[[photos]]"):])
    assert run(runner, "import").exit_code == 0
    walking, school = ids(runner)[WALKING], ids(runner)[SCHOOL]

    refused = run(runner, "approve", str(walking))
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: story {walking} cannot be approved: no consent is recorded for the people in "
        f"its photos. When they have agreed (a signed form), record it with: outreach content "
        f'consent {walking} --form "form no. 12 of 1 December"\n'
    )
    assert "MISSING" in run(runner, "show", str(walking)).output

    approved = run(runner, "approve", str(school))
    assert approved.exit_code == 0, approved.output
    assert approved.output == f"Approved story {school}: ОБРАЗЕЦ: Серебряные волонтёры в школе №5\n"
    again = run(runner, "approve", str(school))
    assert again.exit_code == 0 and again.output.startswith(f"Story {school} was already approved")
    statuses = {r["id"]: r["status"] for r in json.loads(run(runner, "list", "--format",
                                                             "json").output)}
    assert statuses[school] == "approved" and statuses[walking] == "draft"

    archived = run(runner, "archive", str(school))
    assert archived.exit_code == 0, archived.output
    assert archived.output.startswith(f"Archived story {school}: ")
    twice = run(runner, "archive", str(school))
    assert twice.exit_code == 0 and twice.output.startswith(f"Story {school} was already archived")
    back = run(runner, "approve", str(school))
    assert back.exit_code == 1
    assert f"run: outreach content approve {school} --unarchive" in back.output
    assert run(runner, "approve", str(school), "--unarchive").exit_code == 0
    assert json.loads(run(runner, "list", "--format", "json", "--status", "approved")
                      .output)[0]["id"] == school


def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["content", "--help"])
    assert result.exit_code == 0, result.output
    for command in ("import", "list", "show", "approve", "archive"):
        assert f"  {command}" in result.output


def without_consent(project: Path, folder: str) -> Path:
    """Take the [consent] table out of a sample's story.md, as a reporter's «no» leaves it."""
    story = project / "media" / folder / "story.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(text[: text.index("[consent]")] + text[text.index("[[photos]]"):],
                     encoding="utf-8")
    return story


def test_consent_recorded_later_lets_the_story_be_approved_and_shown(
        runner: CliRunner, project: Path, store_url: str) -> None:
    from outreach.db import open_store
    from outreach.library.frontmatter import read_story
    from outreach.library.posts import recent_stories

    story_md = without_consent(project, WALKING)
    assert run(runner, "import").exit_code == 0
    walking = ids(runner)[WALKING]
    shown = run(runner, "show", str(walking)).output
    assert (f'record it with: outreach content consent {walking} --form "form no. 12 of '
            '1 December"') in shown
    assert run(runner, "approve", str(walking)).exit_code == 1

    result = run(runner, "consent", str(walking), "--form", "бланк №12 от 01.12",
                 "--by", "Н. П. Иванова")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Consent recorded for story {walking} “ОБРАЗЕЦ: Мастер-класс по скандинавской "
        "ходьбе”: Н. П. Иванова, ")
    assert "form: бланк №12 от 01.12.\n" in result.output
    assert f"To publish it, approve it: outreach content approve {walking}\n" in result.output

    # story.md reads back through the story parser with who, when and the form.
    told = read_story(story_md.parent, time_zone="Asia/Yekaterinburg")
    assert (told.consent_by, told.consent_form) == ("Н. П. Иванова", "бланк №12 от 01.12")
    assert told.consent_at is not None
    row = next(r for r in json.loads(run(runner, "list", "--format", "json").output)
               if r["id"] == walking)
    assert row["consent"] == "recorded"
    assert "Н. П. Иванова" in run(runner, "show", str(walking)).output
    assert "form: бланк №12 от 01.12" in run(runner, "show", str(walking)).output
    # Importing again finds the store as story.md says: nothing to update.
    assert run(runner, "import").output.endswith("0 updated, 5 unchanged, 0 failed.\n")

    approved = run(runner, "approve", str(walking))
    assert approved.exit_code == 0, approved.output
    store = open_store(store_url)
    try:
        with store.session() as session:
            assert walking in [s.id for s in recent_stories(session, "Златоуст", 4)]
    finally:
        store.dispose()
    log = runner.invoke(cli, ["people", "log", "--format", "json"])
    assert log.exit_code == 0, log.output
    entry = next(e for e in json.loads(log.output) if e["action"] == "consent-recorded")
    assert entry["story"] == walking and entry["actor"].startswith("cli")


def test_consent_for_an_unknown_story_says_so_in_russian(runner: CliRunner,
                                                         project: Path) -> None:
    assert run(runner, "import").exit_code == 0
    result = runner.invoke(cli, ["content", "consent", "999", "--form", "бланк №1"],
                           env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 1
    assert result.output == "Ошибка: нет истории с номером 999 (список: outreach content list)\n"


def test_consent_needs_the_form_and_leaves_a_broken_story_md_alone(
        runner: CliRunner, project: Path) -> None:
    story_md = without_consent(project, WALKING)
    assert run(runner, "import").exit_code == 0
    walking = ids(runner)[WALKING]
    blank = run(runner, "consent", str(walking), "--form", "  ")
    assert blank.exit_code == 1
    assert blank.output.startswith("Error: say what shows the consent")
    assert "--form" in run(runner, "consent", str(walking)).output  # the option is required

    broken = story_md.read_text(encoding="utf-8").replace('kind = "photo-report"',
                                                          'kind = "photoreport"')
    story_md.write_text(broken, encoding="utf-8")
    refused = run(runner, "consent", str(walking), "--form", "бланк №3")
    assert refused.exit_code == 1
    assert "kind" in refused.output
    assert story_md.read_text(encoding="utf-8") == broken
