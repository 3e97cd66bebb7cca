"""``outreach content new FOLDER``: story.md beside the photos, from answers."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from outreach.cli import cli
from outreach.config import Config
from outreach.library.frontmatter import read_story
from outreach_testing import make_test_config


def jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (seed * 50 % 256, 90, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_test_config(
        tmp_path, {"press": {"plugin": "test"}},
        top={"database_url": f"sqlite:///{tmp_path / 'outreach.db'}",
             "municipalities": ["Миасс", "Златоуст"], "time_zone": "Asia/Yekaterinburg"},
        centre={"contact_person": "Анна Петровна"})


@pytest.fixture
def folder(config: Config) -> Path:
    folder = config.media_dir / "2026-10-14 Миасс, школа"
    folder.mkdir(parents=True)
    for number in (1, 2):
        (folder / f"0{number}.jpg").write_bytes(jpeg(number))
    return folder


def answer(config: Config, folder: Path, *lines: str, lang: str = "en") -> Any:
    return CliRunner().invoke(cli, ["--config", str(config.path), "content", "new", str(folder)],
                              input="".join(f"{line}\n" for line in lines),
                              env={"OUTREACH_LANG": lang})


ANSWERS = [
    "Урок в школе №5",        # title
    "",                       # kind: a photo report, as there are photos
    "31.02.2026",             # date: there is no 31 February
    "14.10.2026",
    "Миас",                   # municipality: misspelt
    "1",
    "школа, наставничество",  # tags
    "Дети слушают",           # caption of 01.jpg
    "",                       # 02.jpg: none
    "y",                      # consent given
    "",                       # recorded by: the centre's contact person
    "13.10.2026",             # recorded at
    "Ученики школы №5 встретились с наставниками.",  # text
    "",                       # write it? yes
]


def test_a_story_in_russian_step_by_step(config: Config, folder: Path) -> None:
    result = answer(config, folder, *ANSWERS, lang="ru")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "История для папки" in out and "(в папке 2 фотографии)" in out
    assert "'31.02.2026' — не дата: пишите так: 14.10.2026 или 2026-10-14" in out
    assert "'Миас' нет среди муниципалитетов из config.toml" in out
    assert "Кто записал согласие (имя, должность) [Анна Петровна]:" in out
    assert f"Записано: {folder / 'story.md'}. Загрузить в библиотеку: outreach content " \
           f"import {folder}" in out
    story = read_story(folder, config.municipalities, time_zone=config.time_zone)
    assert story.title == "Урок в школе №5" and story.kind == "photo-report"
    assert story.date == dt.date(2026, 10, 14) and story.municipality == "Миасс"
    assert story.tags == ["школа", "наставничество"]
    assert [(p.file, p.caption) for p in story.photos] == [("01.jpg", "Дети слушают"),
                                                          ("02.jpg", None)]
    assert story.consent_by == "Анна Петровна"
    assert story.consent_at == dt.datetime(2026, 10, 12, 19, 0, tzinfo=dt.UTC)
    assert story.body == "Ученики школы №5 встретились с наставниками."
    assert "title = \"Урок в школе №5\"  # заголовок" in (folder / "story.md").read_text(
        encoding="utf-8")
    imported = CliRunner().invoke(cli, ["--config", str(config.path), "content", "import",
                                        str(folder)])
    assert imported.exit_code == 0, imported.output


def test_running_it_again_offers_the_file_and_keeps_its_text(config: Config,
                                                             folder: Path) -> None:
    assert answer(config, folder, *ANSWERS).exit_code == 0
    path = folder / "story.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Ученики школы №5 встретились с наставниками.",
        "Ученики школы №5 встретились с наставниками.\n\nВторой абзац."), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    (folder / "02.jpg").unlink()
    (folder / "03.jpg").write_bytes(jpeg(3))
    result = answer(config, folder, "", "", "", "", "", "", "Новое фото", "", "", "", "", "")
    assert result.exit_code == 0, result.output
    assert "Title [Урок в школе №5]:" in result.output
    assert "Date of the event (for example 14.10.2026; empty: none) [14.10.2026]:" in \
        result.output
    assert "'02.jpg' is no longer in the folder: it leaves story.md." in result.output
    assert "The story's text begins: Ученики школы №5 встретились с наставниками.…" in \
        result.output
    story = read_story(folder, config.municipalities, time_zone=config.time_zone)
    assert [(p.file, p.caption) for p in story.photos] == [("01.jpg", "Дети слушают"),
                                                          ("03.jpg", "Новое фото")]
    assert story.body.endswith("Второй абзац.")
    assert path.read_text(encoding="utf-8") == before.replace(
        '[[photos]]\nfile = "02.jpg"\n', '[[photos]]\nfile = "03.jpg"\ncaption = "Новое фото"\n')


def test_a_story_without_photos_needs_its_text(config: Config) -> None:
    folder = config.media_dir / "valentina"
    folder.mkdir(parents=True)
    result = answer(config, folder, "История Валентины", "1", "", "", "2", "", "",
                    "Она помогает.", "")
    assert result.exit_code == 0, result.output
    assert "Kind [2]:" in result.output and "This one needs an answer." in result.output
    assert "the folder has no photos, and a photo report needs them" in result.output
    story = read_story(folder, config.municipalities)
    assert story.kind == "story" and story.photos == [] and story.body == "Она помогает."


def test_no_consent_is_written_as_none_and_said(config: Config, folder: Path) -> None:
    answers = [*ANSWERS[:9], "n", ANSWERS[12], ""]
    result = answer(config, folder, *answers)
    assert result.exit_code == 0, result.output
    assert "the story cannot be approved until the consent is recorded" in result.output
    assert read_story(folder, config.municipalities).consent_by is None


def test_a_story_md_that_cannot_be_read_is_left_alone(config: Config, folder: Path) -> None:
    (folder / "story.md").write_text('+++\ntitle = “Урок”\n+++\n', encoding="utf-8")
    result = answer(config, folder)
    assert result.exit_code == 1
    assert "2: not valid TOML: quotes “ ” from Word do not work here" in result.output
    assert (folder / "story.md").read_text(encoding="utf-8") == '+++\ntitle = “Урок”\n+++\n'


def test_a_folder_that_is_not_there_is_refused(config: Config, tmp_path: Path) -> None:
    result = answer(config, tmp_path / "nowhere", lang="ru")
    assert result.exit_code == 2 and "не существует" in result.output, result.output
