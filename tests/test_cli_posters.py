from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner, Result
from PIL import Image
from press_support import write_press_config

from outreach.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "media" / "samples"
SCHOOL = "2026-10-14-miass-school-5"
VALENTINA = "2026-10-01-miass-valentina-story"
PENSION = "Пенсионный фонд, Миасс, ул. Ленина, 5"


@pytest.fixture
def project(workdir: Path, store_url: str) -> Path:
    write_press_config(workdir, store_url, logo="brand/logo.png")
    (workdir / "brand").mkdir()
    shutil.copy(ROOT / "media" / "brand" / "logo.png", workdir / "brand" / "logo.png")
    (workdir / "media").mkdir()
    for name in (SCHOOL, VALENTINA):
        shutil.copytree(SAMPLES / name, workdir / "media" / name)
    (workdir / "campaigns").mkdir()
    (workdir / "campaigns" / "autumn.toml").write_text(
        'name = "Осень"\n[schedule]\ncron = "0 10 * * tue"\n[channels]\nnames = ["press"]\n'
        f'[[placements]]\nname = "{PENSION}"\nmunicipality = "Миасс"\n'
        '[[placements]]\nname = "Центр социальной защиты, Златоуст"\n',
        encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["content", "import"])
    assert result.exit_code == 0, result.output
    return workdir


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["posters", *args])


def story_id(folder: str) -> int:
    result = CliRunner().invoke(cli, ["content", "list", "--format", "json"])
    rows = json.loads(result.output)
    return next(r["id"] for r in rows if "школе" in r["title"]) if folder == SCHOOL else \
        next(r["id"] for r in rows if "Валентина" in r["title"])


def test_render_a_placement_poster_with_its_code_and_qr(project: Path) -> None:
    school = story_id(SCHOOL)
    result = run("render", str(school), "--format", "a4", "--placement", PENSION.lower())
    assert result.exit_code == 0, result.output + result.stderr
    pdf = next(project.glob("output/posters/*_a4_mac-1.pdf"))
    png = pdf.with_suffix(".png")
    assert f"wrote  {pdf}\n" in result.output and f"wrote  {png}\n" in result.output
    assert f"placement  {PENSION} (campaign autumn): code MAC-1" in result.output

    listed = json.loads(run("placements", "--format", "json").output)
    pension = next(row for row in listed if row["placement"] == PENSION)
    assert (pension["campaign"], pension["kind"], pension["short_code"], pension["signups"]) == (
        "autumn", "placement", "MAC-1", 0)
    with Image.open(png) as preview:
        assert [r.text for r in zxingcpp.read_barcodes(preview)] == [pension["link"]]
    # One link for the place, in the QR code and where it is printed as text: with the
    # code a person can type from paper.
    assert pension["link"] == "https://t.me/silver_bot?start=MAC-1"

    again = run("render", str(school), "--format", "social", "--placement", PENSION)
    assert "code MAC-1" in again.output  # the same place keeps its code


def test_placements_lists_every_campaign_place_and_outlet(project: Path) -> None:
    result = run("placements")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["CAMPAIGN", "PLACEMENT", "KIND", "SHORT", "CODE", "SIGN-UPS",
                                "LINK"]
    assert any("Миасский рабочий" in line and "outlet" in line and "MAC-" in line
               for line in lines)
    assert any("Центр социальной защиты, Златоуст" in line and "ATC-1" in line for line in lines)
    assert len(lines) == 4
    assert run("placements").output == result.output  # listing again makes no new codes


def test_one_off_placement_and_no_photos(project: Path) -> None:
    result = run("render", str(story_id(VALENTINA)), "--format", "stand",
                 "--placement", "Библиотека, Миасс")
    assert result.exit_code == 0, result.output
    assert "placement  Библиотека, Миасс: code MAC-" in result.output
    assert next(project.glob("output/posters/*_stand_mac-*.pdf")).stat().st_size > 0


def test_without_signup_url_the_qr_is_left_out_and_the_key_named(project: Path) -> None:
    config = project / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'signup_url = "https://t.me/silver_bot?start={code}"\n', ""), encoding="utf-8")
    result = run("render", str(story_id(SCHOOL)), "--placement", PENSION)
    assert result.exit_code == 0, result.output
    assert "No QR code on the poster: set signup_url in [channels.press]" in result.output
    png = next(project.glob("output/posters/*.png"))
    with Image.open(png) as preview:
        assert zxingcpp.read_barcodes(preview) == []


def test_missing_logo_is_one_clear_error(project: Path) -> None:
    (project / "brand" / "logo.png").unlink()
    result = run("render", str(story_id(SCHOOL)))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: centre.logo in config.toml names ")
    assert "logo.png, which does not exist" in result.stderr


def test_unknown_story_format_and_campaign_placement(project: Path) -> None:
    assert "no story with id 99" in run("render", "99").stderr
    assert "no poster format 'a5'; the formats are a4, a3, stand, billboard, social" in run(
        "render", str(story_id(SCHOOL)), "--format", "a5").stderr
    wrong = run("render", str(story_id(SCHOOL)), "--campaign", "autumn",
                "--placement", "Пенсионный фонд, Миас, ул. Ленина, 5")
    assert wrong.exit_code == 1
    assert f"did you mean '{PENSION}'" in wrong.stderr


def test_without_a_poster_channel(workdir: Path, store_url: str) -> None:
    (workdir / "config.toml").write_text(f'database_url = "{store_url}"\n', encoding="utf-8")
    result = run("render", "1")
    assert result.exit_code == 1
    assert "no channel in config.toml makes posters" in result.stderr
    assert run("placements").output.startswith("No placements yet")


def test_render_speaks_the_readers_language(project: Path) -> None:
    school = story_id(SCHOOL)
    result = CliRunner().invoke(cli, ["posters", "render", str(school), "--placement", PENSION],
                                env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 0, result.output
    pdf = next(project.glob("output/posters/*_a4_mac-1.pdf"))
    assert f"записан  {pdf}\n" in result.output
    assert f"место  {PENSION} (кампания autumn): код MAC-1\n" in result.output
    wrong = CliRunner().invoke(cli, ["posters", "render", str(school), "--channel", "nope"],
                               env={"OUTREACH_LANG": "ru"})
    assert wrong.exit_code == 1
    assert wrong.output.startswith("Ошибка: ")


def test_stand_shows_the_municipality_s_approved_reports_and_events(project: Path) -> None:
    from pypdf import PdfReader

    school, valentina = story_id(SCHOOL), story_id(VALENTINA)
    approved = CliRunner().invoke(cli, ["content", "approve", str(school)])
    assert approved.exit_code == 0, approved.output
    (project / "media" / "events.toml").write_text(
        '[[events]]\ndate = 2099-12-10\ntime = "11:00"\ntitle = "Встреча наставников"\n'
        'place = "Библиотека, ул. Ленина, 5"\nmunicipality = "Миасс"\n', encoding="utf-8")
    result = run("render", str(valentina), "--format", "stand", "--placement", PENSION,
                 "--marks")
    assert result.exit_code == 0, result.output
    pdf = next(project.glob("output/posters/*_stand_mac-1.pdf"))
    page = PdfReader(pdf).pages[0]
    text = " ".join(page.extract_text().split())
    assert "Урок профориентации в школе №5" in text  # the approved report's photo caption
    assert "Встреча наставников" in text and "Библиотека, ул. Ленина, 5" in text
    assert "MAC-1" in text
    assert float(page.mediabox.width) > float(page.bleedbox.width)  # crop marks asked for

    (project / "media" / "events.toml").write_text("[[events]]\ndate = 2099-12-10\n",
                                                   encoding="utf-8")
    broken = run("render", str(valentina), "--format", "stand")
    assert broken.exit_code == 1
    assert "events.toml, event 1: title is missing" in broken.stderr


def test_placements_speak_russian_and_json_keeps_the_identifiers(runner: CliRunner,
                                                                 project: Path) -> None:
    result = runner.invoke(cli, ["posters", "placements"], env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["КАМПАНИЯ", "МЕСТО", "ВИД", "КОРОТКИЙ", "КОД", "ЗАПИСИ",
                                "ССЫЛКА"]
    assert any("Миасский рабочий" in line and "издание" in line for line in lines)
    assert any(PENSION in line and "место" in line for line in lines)
    listed = json.loads(runner.invoke(cli, ["posters", "placements", "--format", "json"],
                                      env={"OUTREACH_LANG": "ru"}).output)
    assert {place["kind"] for place in listed} == {"placement", "outlet"}
