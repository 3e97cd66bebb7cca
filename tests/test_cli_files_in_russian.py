"""A broken story and a broken campaign, told in Russian: no English but names and keys."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from outreach.cli import cli
from outreach_testing import make_test_config

# What a Russian message may show in latin letters: the keys a person writes (they are
# names, the same in every language), file names, commands and channel names.
ALLOWED = {
    "title", "kind", "date", "municipality", "tags", "photos", "file", "consent",
    "recorded_by", "recorded_at", "photo-report", "story", "story.md", "config.toml",
    "name", "time_zone", "schedule", "days", "times", "cron", "every", "dates", "content",
    "per_run", "order", "post", "hashtags", "template", "channels", "names", "by_municipality",
    "mon", "sun", "toml", "jpg", "outreach", "content import", "campaigns", "validate",
    "press", "vk", "nastavniki", "kinds", "municipalities", "config", "start", "Word", "Shift",
}


def english_words(text: str) -> list[str]:
    text = re.sub(r"(?:/[\w.\-а-яё ]+)+", " ", text, flags=re.I)  # paths
    found = re.findall(r"[A-Za-z][A-Za-z_.\-]*[A-Za-z]|[A-Za-z]", text)
    return [w for w in found  # a dotted key (schedule.times) is its parts
            if not all(part in ALLOWED for part in w.split(".") if part)]


def test_a_broken_story_is_told_in_russian(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"press": {"plugin": "test"}},
                              top={"language": "ru", "municipalities": ["Миасс"],
                                   "database_url": f"sqlite:///{tmp_path / 'o.db'}"})
    broken = {
        "a": '+++\ntitle = "Урок"\nkind = "story"\nmunicipality = Миасс\n+++\nТекст.\n',
        "b": '+++\ntitle = "Урок"\nkind = "story"\ndate = 14.10.2026\n+++\nТекст.\n',
        "c": '+++\ntitle = “Урок”\nkind = "story"\n+++\nТекст.\n',
        "d": '+++\ntitle = "Урок"\nkind = "photo-report"\nmunicipality = "Миас"\n'
             '[[photos]]\nfile = "01.jpg"\n+++\n',
        "e": '+++\ntitle = "Урок"\nkind = "story"\n+++\n',
        "f": 'title = "Урок"\n',
    }
    for name, text in broken.items():
        (config.media_dir / name).mkdir(parents=True)
        (config.media_dir / name / "story.md").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config.path), "content", "import",
                                      str(config.media_dir)], env={"OUTREACH_LANG": None})
    assert result.exit_code == 1
    out = result.output
    for expected in ('текст пишите в кавычках: municipality = "Миасс"',
                     "дату пишите так, без кавычек: date = 2026-10-14",
                     "кавычки “ ” из Word здесь не подходят",
                     "'Миас' нет в списке муниципалитетов",
                     "файла '01.jpg' в папке нет",
                     "у истории нет текста после закрывающей строки «+++»",
                     "файл должен начинаться строкой «+++»"):
        assert expected in out, out
    assert english_words(out) == [], out


def test_a_broken_campaign_is_told_in_russian(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"press": {"plugin": "test"}, "vk": {"plugin": "test"}},
                              top={"language": "ru", "municipalities": ["Миасс"],
                                   "database_url": f"sqlite:///{tmp_path / 'o.db'}"})
    config.campaigns_dir.mkdir()
    (config.campaigns_dir / "a.toml").write_text(
        'name = "Наставники"\nstart = 07.12.2026\n', encoding="utf-8")
    (config.campaigns_dir / "b.toml").write_text(
        'name = "Наставники"\n[schedule]\ndays = ["пн", "четверк"]\ntimes = ["10.00"]\n'
        '[content]\nmunicipalities = ["Миас"]\n[post]\nhashtags = ["два слова"]\n'
        '[channels]\nnames = ["вк"]\n', encoding="utf-8")
    (config.campaigns_dir / "c.toml").write_text(
        'name = "x"\n[schedule]\ncron = "0 10 * * 8"\n[channels]\nnames = ["press"]\n',
        encoding="utf-8")
    (config.campaigns_dir / "Наставники.toml").write_text(
        'name = "x"\n[schedule]\nevery = "1d"\n[channels]\nnames = ["press"]\n',
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config.path), "campaigns", "validate"],
                                env={"OUTREACH_LANG": None})
    assert result.exit_code == 1
    out = result.output
    for expected in ("дату пишите так, без кавычек: start = 2026-12-07",
                     "'четверк' — не день недели", "'10.00' — не время",
                     "'Миас' нет в списке municipalities", "'два слова' — не хэштег",
                     "нет канала 'вк'", "воскресенье", "переименуйте файл в nastavniki.toml"):
        assert expected in out, out
    assert english_words(out) == [], out
