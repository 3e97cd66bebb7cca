"""What a volunteer reads, rendered in Russian and in English: the press kit, the poster's
words, the weekly chart, ``outreach stats``, the sign-up dialog and the channel checks.

Russian has no English word but names and identifiers (``language_support``); English
has no Cyrillic but the content a centre gave (titles, places, people's names).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from language_support import CYRILLIC, english_words
from PIL import Image
from stats_support import seeded_project

from outreach.channels import Post, PostPhoto
from outreach.cli import cli
from outreach.i18n import language
from outreach.signups.texts import DEFAULTS, PHONE_REASONS, Texts, duration_words, phone_reason
from outreach.stats import WeekPoint
from outreach.stats import chart as chart_module
from outreach_local_media import LocalMediaChannel
from outreach_local_media.posters import DEFAULT_LAYOUTS, PosterContent, render_poster
from outreach_testing import make_registry, make_test_config

NBSP = "\u00a0"
# What the centre wrote: shown as written in either language.
CENTRE = {"name": "Серебряные волонтёры", "slogan": "Добро не стареет",
          "contact_person": "Анна Петрова", "phone": "+7 351 200-00-00",
          "email": "info@example.org", "website": "https://silver.example.org"}
CONTENT = ("Сад добра в Миассе", "Волонтёры посадили 40 яблонь.", "Посадка яблонь",
           "Иван Сидоров", "Миасский рабочий", "MIA-3", "Миасс", *CENTRE.values())


def without(text: str, content: tuple[str, ...]) -> str:
    for item in sorted(content, key=len, reverse=True):
        text = text.replace(item, " ")
    return text


# --- the press kit ---


@pytest.fixture
def kit_channel(tmp_path: Path) -> LocalMediaChannel:
    config = make_test_config(tmp_path, {"press": {"plugin": "local-media",
                                                   "outlets": ["Миасский рабочий"]}},
                              centre=CENTRE)
    channel = make_registry(config, [LocalMediaChannel]).get("press")
    assert isinstance(channel, LocalMediaChannel)
    return channel


def kit_texts(channel: LocalMediaChannel, tmp_path: Path, lang: str) -> str:
    """Every text of the kit a person reads: the release, radio text and TV note, for
    anyone and for the outlet, and the Word file's paragraphs."""
    import docx

    photo = tmp_path / f"garden-{lang}.jpg"
    Image.new("RGB", (400, 300), (90, 140, 60)).save(photo, "JPEG")
    post = Post(publication_id=7 if lang == "ru" else 8, idempotency_key=f"kit-{lang}",
                text="Волонтёры посадили 40 яблонь.", title="Сад добра в Миассе",
                photos=[PostPhoto(photo, caption="Посадка яблонь", credit="Иван Сидоров")],
                referral_code="MIASS-7", signup_link="https://t.me/bot?start=MIASS-7",
                municipality="Миасс", extra={"event_date": "2026-10-14", "outlet_codes": {
                    "Миасский рабочий": {"short_code": "MIA-3", "link": None}}})
    with language(lang):
        folder = Path(channel.publish(post).url.removeprefix("file://"))
    texts = [(where / name).read_text(encoding="utf-8")
             for where in (folder, folder / "miasskiy-rabochiy")
             for name in ("release.txt", "radio.txt", "tv.txt")]
    texts += [p.text for p in docx.Document(str(folder / "miasskiy-rabochiy" /
                                                 "release.docx")).paragraphs]
    return "\n".join(texts)


def test_the_press_kit_in_russian_has_russian_headings_and_date(
        kit_channel: LocalMediaChannel, tmp_path: Path) -> None:
    text = kit_texts(kit_channel, tmp_path, "ru")
    for words in ("ПРЕСС-РЕЛИЗ", "ФОТОГРАФИИ", "Фотографии", "КАК СТАТЬ ВОЛОНТЁРОМ",
                  "КОНТАКТ ДЛЯ ПРЕССЫ", "ПОДГОТОВЛЕНО ДЛЯ", "Фото: Иван Сидоров",
                  "позвоните по телефону +7 351 200-00-00 и назовите код MIA-3",
                  "ТЕКСТ ДЛЯ РАДИО", "Хронометраж", "плюс семь, триста пятьдесят один, двести",
                  "ЗАМЕТКА ДЛЯ ТЕЛЕВИДЕНИЯ", "Событие прошло 14 октября 2026"):
        assert words in text
    month = dt.date.today().strftime("%m")
    genitive = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                "сентября", "октября", "ноября", "декабря")[int(month) - 1]
    assert f"{dt.date.today().day} {genitive} {dt.date.today().year}" in text
    assert "MIASS-7" not in text  # the link's long code is never given to say
    assert english_words(without(text, CONTENT)) == [], text


def test_the_press_kit_in_english_has_no_russian_but_the_centres_content(
        kit_channel: LocalMediaChannel, tmp_path: Path) -> None:
    text = kit_texts(kit_channel, tmp_path, "en")
    for words in ("PRESS RELEASE", "PHOTOS", "HOW TO JOIN", "CONTACT FOR THE PRESS",
                  "Photo: Иван Сидоров", "RADIO TEXT", "NOTE FOR TELEVISION",
                  dt.date.today().strftime("%B")):
        assert words in text
    assert not CYRILLIC.search(without(text, CONTENT)), text


# --- the poster ---


@pytest.mark.parametrize("layout", ["a4", "stand", "billboard", "social"])
def test_the_posters_own_words_follow_the_language(tmp_path: Path, layout: str) -> None:
    content = PosterContent(title="Сад добра", phone="+7 351 200-00-00", short_code="MIA-7",
                            link="https://t.me/bot?start=MIA-7")
    shown = {}
    for lang in ("ru", "en"):
        with language(lang):
            from outreach_local_media.channel import default_call

            content = PosterContent(**{**vars(content), "call_to_action": default_call()})
            result = render_poster(content, DEFAULT_LAYOUTS[layout], tmp_path, f"p-{lang}")
        shown[lang] = {t.name: t.text for t in result.texts}
    if layout == "billboard":  # a few words and the phone, nothing to say or scan
        assert shown["ru"]["headline"] == "Станьте серебряным волонтёром!"
        assert not CYRILLIC.search(shown["en"]["headline"])
        assert "code" not in shown["ru"] and "scan" not in shown["ru"]
        return
    assert shown["ru"]["code"] == "Код для записи: MIA-7"
    assert shown["ru"]["phone"] == "Звоните: +7 351 200-00-00"
    assert shown["ru"]["call"] == "Станьте серебряным волонтёром!"
    assert shown["ru"]["scan"] == "Наведите камеру телефона"
    for name in ("code", "phone", "call", "scan"):
        assert english_words(shown["ru"][name], {"MIA"}) == []
        assert not CYRILLIC.search(shown["en"][name]), shown["en"][name]


# --- the chart ---


WEEKS = [WeekPoint((2026, 48), 12345, 3), WeekPoint((2026, 49), 980, 11),
         WeekPoint((2026, 50), 4100, 7)]


def drawn(points: list[WeekPoint], period: str) -> list[str]:
    """Every text the chart shows, as drawn."""
    from outreach.stats.plotting import texts

    return texts(chart_module.weekly_figure(points, period=period))


def test_the_chart_in_russian() -> None:
    with language("ru"):
        shown = drawn(WEEKS, "Период: декабрь")
    assert shown[0] == "Отклики и записи по неделям"
    for words in ("отклики", "записи", "нед. 48\n23 нояб.", "нед. 50\n7 дек.",
                  f"12{NBSP}345", f"12{NBSP}500", "лайки + репосты + комментарии + реакции "
                  "(шкала слева)", "записи добровольцев (шкала справа)"):
        assert words in shown, (words, shown)
    assert english_words(" ".join(shown)) == [], shown


def test_the_chart_in_english() -> None:
    with language("en"):
        shown = drawn(WEEKS, "Period: December") + drawn([], "Period: none")
    assert shown[0] == "Engagement and sign-ups by week"
    for words in ("W48\nNov 23", "W50\nDec 7", "12,345", "12,500", "sign-ups (right axis)",
                  "No publications or sign-ups in this period"):
        assert words in shown, (words, shown)
    assert not CYRILLIC.search(" ".join(shown)), shown


def test_the_russian_legend_stays_on_the_page() -> None:
    """The Russian legend is the longer: it must lie wholly inside the picture."""
    with language("ru"):
        figure = chart_module.weekly_figure(WEEKS, period="")
        figure.canvas.draw()
        legend = figure.axes[0].get_legend()
        box = legend.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= chart_module.WIDTH, box


# --- outreach stats ---


@pytest.fixture
def project(workdir: Path) -> Path:
    return seeded_project(workdir, f"sqlite:///{workdir / 'outreach.db'}")


# The seeded store's own content and identifiers: campaign slugs, channel names, a slot's
# detail written in the seed as the planner of the day wrote it.
STATS_CONTENT = ("Школа №5", "Скандинавская ходьба", "Огород у дома", "Миасс", "Златоуст",
                 "Копейск", "Пенсионный фонд, Миасс, ул. Ленина 5",
                 "no approved story with tag mentoring left")
STATS_NAMES = {"mentoring", "walking", "telegram", "vk", "press"}


def test_outreach_stats_in_russian_and_english(runner: CliRunner, project: Path) -> None:
    october = ["stats", "--since", "2026-10-01", "--until", "2026-10-31"]
    russian = runner.invoke(cli, [*october, "--chart", "ru.png"], env={"OUTREACH_LANG": "ru"})
    assert russian.exit_code == 0, russian.output
    assert russian.output.startswith("Период: с 1 октября 2026 по 31 октября 2026")
    assert f"1{NBSP}000" in russian.output and "6,67" in russian.output  # 1 000, decimal comma
    assert english_words(without(russian.output, STATS_CONTENT), STATS_NAMES) == [], \
        russian.output
    english = runner.invoke(cli, [*october, "--chart", "en.png"], env={"OUTREACH_LANG": "en"})
    assert english.exit_code == 0, english.output
    assert "1,000" in english.output and "6.67" in english.output
    assert not CYRILLIC.search(without(english.output, STATS_CONTENT)), english.output
    for name in ("ru.png", "en.png"):
        with Image.open(project / name) as image:
            assert image.size == (chart_module.WIDTH, chart_module.HEIGHT)


# --- the sign-up dialog ---


def test_the_sign_up_dialog_is_whole_in_both_languages() -> None:
    for key in DEFAULTS:
        with language("ru"):
            russian = Texts()[key]
        with language("en"):
            english = Texts()[key]
        filled = re.sub(r"\{\w+\}", " ", russian)  # {name}, {policy_url}: filled in later
        commands = {"signups", "list", "forget"}  # outreach signups list --duplicates
        assert CYRILLIC.search(russian) and english_words(filled, commands) == [], (key, russian)
        assert not CYRILLIC.search(english), (key, english)
    with language("ru"):
        assert Texts()["button_yes"] == "Согласен(на)"
        assert Texts().typed_phone()["ask_phone"] == Texts()["ask_phone_typed"]
        assert duration_words(dt.timedelta(days=7)) == "7 дней"
        assert duration_words(dt.timedelta(days=1)) == "1 день"
        assert duration_words(dt.timedelta(hours=3)) == "3 часа"
        assert phone_reason("too-few") == "не хватает цифр"
    with language("en"):
        assert duration_words(dt.timedelta(days=7)) == "7 days"
        assert all(not CYRILLIC.search(phone_reason(code)) for code in PHONE_REASONS)


def test_a_centres_own_dialog_text_is_used_as_written_in_any_language() -> None:
    texts = Texts({"done": "Спасибо, {name}!"})
    with language("en"):
        assert texts.format("done", name="Анна") == "Спасибо, Анна!"
        assert texts["cancelled"].startswith("All right")
