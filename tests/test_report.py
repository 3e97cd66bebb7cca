"""``outreach report`` over a year of activity: every figure of the workbook against SQL
written here (not the report's own queries), and the PDF's text against the same figures."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook
from report_support import LOCAL, seeded_year

from outreach.cli import cli

pytestmark = pytest.mark.slow

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
BEFORE = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
OFFSET = dt.timedelta(hours=5)  # Asia/Yekaterinburg, no daylight saving time
COUNTED = ("s.status <> 'merged' AND (s.completed_at IS NOT NULL "
           "OR s.status NOT IN ('started', 'forgotten'))")
NO_DATA = "нет данных"


class Sql:
    """Counts straight from the tables, for the days ``first`` to ``last`` on the centre's
    clock (:s and :e are UTC bounds, :d1 and :d2 the days)."""

    def __init__(self, url: str, period: tuple[dt.date, dt.date]) -> None:
        self.engine = sa.create_engine(url)
        self.first, self.last = period
        self.params = {
            "s": dt.datetime.combine(self.first, dt.time()) - OFFSET,
            "e": dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time()) - OFFSET,
            "d1": self.first, "d2": self.last}

    def rows(self, sql: str, **extra: Any) -> list[tuple[Any, ...]]:
        values = {**self.params, **extra}
        types = {"s": sa.DateTime(), "e": sa.DateTime(), "d1": sa.Date(), "d2": sa.Date()}
        text = sa.text(sql).bindparams(*(
            sa.bindparam(name, value, type_=types.get(name))
            for name, value in values.items() if re.search(rf":{name}\b", sql)))
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text)]

    def one(self, sql: str, **extra: Any) -> Any:
        return self.rows(sql, **extra)[0][0]


SIGNUPS = f"FROM signup s WHERE {COUNTED} AND s.created_at >= :s AND s.created_at < :e"
STORIES = "FROM story WHERE event_date >= :d1 AND event_date <= :d2"
PUBLISHED = ("FROM publication p LEFT JOIN engagementlatest l ON l.publication_id = p.id "
             "WHERE p.status = 'published' AND p.published_at >= :s AND p.published_at < :e")


def summary_expected(q: Sql) -> dict[str, Any]:
    local = ", ".join(f"'{c}'" for c in LOCAL)
    places = q.rows(f"SELECT municipality {STORIES} AND municipality IS NOT NULL "
                    f"UNION SELECT s.municipality {SIGNUPS} AND s.municipality IS NOT NULL")
    channel_places = {LOCAL[c] for (c,) in q.rows(
        f"SELECT DISTINCT p.channel {PUBLISHED} AND p.channel IN ({local})")}
    expected = {
        "Новые волонтёры (завершённые записи)": q.one(f"SELECT count(*) {SIGNUPS}"),
        "Освещено мероприятий (истории)": q.one(f"SELECT count(*) {STORIES}"),
        "из них фоторепортажей": q.one(f"SELECT count(*) {STORIES} AND kind = 'photo-report'"),
        "из них историй": q.one(f"SELECT count(*) {STORIES} AND kind = 'story'"),
        "Охвачено муниципалитетов": len({p for (p,) in places} | channel_places),
        "по мероприятиям": q.one(f"SELECT count(DISTINCT municipality) {STORIES}"),
        "по месту жительства новых волонтёров": q.one(
            f"SELECT count(DISTINCT s.municipality) {SIGNUPS}"),
        "по местным каналам": len(channel_places),
        "Участники (по историям)": q.one(f"SELECT sum(participants) {STORIES}"),
        "Благополучатели (по историям)": q.one(f"SELECT sum(beneficiaries) {STORIES}"),
        "Публикации": q.one(f"SELECT count(*) {PUBLISHED}"),
    }
    for label, column in (("Просмотры", "views"), ("Лайки", "likes"), ("Репосты", "shares"),
                          ("Комментарии", "comments"), ("Реакции", "reactions")):
        expected[label] = q.one(f"SELECT sum(l.{column}) {PUBLISHED}")
    for label, indicator in (("Проведено семинаров и обучений", "seminars"),
                             ("Соглашения с муниципалитетами", "agreements"),
                             ("Благополучатели (сверх историй)", "beneficiaries")):
        expected[f"{label} (введено вручную)"] = q.one(
            "SELECT sum(value) FROM result WHERE starts_on >= :d1 AND ends_on <= :d2 "
            "AND indicator = :i", i=indicator)
    return expected


def shown(value: Any) -> Any:
    """A figure as the workbook holds it: unknown is the text "нет данных", never 0."""
    return NO_DATA if value is None else int(value)


def body(sheet: Any) -> list[tuple[Any, ...]]:
    """The table's rows under the header, up to the blank row before the footnotes."""
    rows = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    after = (month + dt.timedelta(days=32)).replace(day=1)
    return (dt.datetime.combine(month, dt.time()) - OFFSET,
            dt.datetime.combine(after, dt.time()) - OFFSET)


@pytest.fixture
def project(workdir: Path, store_url: str) -> Path:
    return seeded_year(workdir, store_url)


def test_every_figure_of_the_annual_report_is_what_the_store_holds(
        runner: CliRunner, project: Path, store_url: str) -> None:
    result = runner.invoke(cli, ["report", "--period", "2026", "--out", "year"],
                           env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 0, result.output
    assert "Отчёт за 2026 год" in result.output
    book = load_workbook(project / "year.xlsx")
    sheets = {sheet.title: sheet for sheet in book.worksheets}
    assert list(sheets) == [
        "Сводка", "Волонтёры по месту жительства", "Волонтёры по источникам", "Мероприятия",
        "Муниципалитеты", "Люди и результаты", "Публикации", "Охват и отклики", "Аудитория",
        "Лучшие по волонтёрам", "Лучшие по просмотрам"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)  # no formulas
    q, before = Sql(store_url, YEAR), Sql(store_url, BEFORE)

    # The summary, against the year before.
    summary = sheets["Сводка"]
    assert [c.value for c in summary[1]] == ["Показатель", "2026 год", "2025 год", "Изменение",
                                             "Как посчитано"]
    rows = {r[0]: r for r in body(summary)}
    now, then = summary_expected(q), summary_expected(before)
    assert set(now) == set(rows)
    for label, value in now.items():
        row = rows[label]
        assert row[1] == shown(value), (label, row)
        assert row[2] == shown(then[label]), (label, row)
        if value is not None and then[label]:
            assert row[3] == pytest.approx((value - then[label]) / then[label]), label
        assert row[4], label  # how it was counted
    assert rows["Просмотры"][1] > 0 and rows["Соглашения с муниципалитетами (введено вручную)"][
        2] == NO_DATA

    # Volunteers by where they live.
    home = body(sheets["Волонтёры по месту жительства"])
    expected = {m or "(не указан)": n for m, n in q.rows(
        f"SELECT s.municipality, count(*) {SIGNUPS} GROUP BY s.municipality")}
    earlier = {m or "(не указан)": n for m, n in before.rows(
        f"SELECT s.municipality, count(*) {SIGNUPS} GROUP BY s.municipality")}
    assert {r[0]: (r[1], r[2]) for r in home[:-1]} == {
        m: (expected.get(m, 0), earlier.get(m, 0)) for m in expected.keys() | earlier.keys()}
    assert home[-1][:3] == ("Итого", sum(expected.values()), sum(earlier.values()))

    # Volunteers by source: per kind, and per post.
    sources = body(sheets["Волонтёры по источникам"])
    kinds = {"publication": "Пост", "placement": "Плакат или стенд", "outlet": "Местные СМИ",
             "offline": "Офлайн, без кода", "bot": "Бот, без кода"}
    by_kind = dict(q.rows(
        "SELECT CASE WHEN r.id IS NOT NULL THEN r.kind WHEN s.source = 'offline' "
        "THEN 'offline' ELSE 'bot' END AS k, count(*) FROM signup s LEFT JOIN referralcode r "
        f"ON r.id = s.referral_code_id WHERE {COUNTED} AND s.created_at >= :s "
        "AND s.created_at < :e GROUP BY 1"))
    assert set(by_kind) == set(kinds)  # the seed has sign-ups from every source
    found: Counter[str] = Counter()
    for row in sources[:-1]:
        found[row[0]] += row[4]
    assert found == {kinds[k]: n for k, n in by_kind.items()}
    per_post = sorted(n for (n,) in q.rows(
        "SELECT count(*) FROM signup s JOIN referralcode r ON r.id = s.referral_code_id "
        f"WHERE r.kind = 'publication' AND {COUNTED} AND s.created_at >= :s "
        "AND s.created_at < :e GROUP BY r.publication_id"))
    assert sorted(r[4] for r in sources if r[0] == "Пост") == per_post
    assert sources[-1][4] == now["Новые волонтёры (завершённые записи)"]

    # Events covered, with the counts their front matter gives.
    events = body(sheets["Мероприятия"])
    listed = q.rows(f"SELECT event_date, title, participants, beneficiaries {STORIES} "
                    "ORDER BY event_date, id")
    assert [(r[0].date().isoformat(), r[2], r[4], r[5]) for r in events] == [
        (str(d)[:10], t, shown(p), shown(b))
        for d, t, p, b in listed]
    assert isinstance(events[0][0], dt.datetime)  # a date cell, not text

    # Municipalities reached.
    places = {r[0]: r[1:] for r in body(sheets["Муниципалитеты"])[:-1]}
    story_places = dict(q.rows(f"SELECT municipality, count(*) {STORIES} "
                               "AND municipality IS NOT NULL GROUP BY municipality"))
    home_places = {m: n for m, n in expected.items() if m != "(не указан)"}
    local = Counter({LOCAL[c]: n for c, n in q.rows(
        f"SELECT p.channel, count(*) {PUBLISHED} AND p.channel IN "
        f"({', '.join(repr(c) for c in LOCAL)}) GROUP BY p.channel")})
    assert places == {m: (story_places.get(m, 0), home_places.get(m, 0), local.get(m, 0))
                      for m in story_places.keys() | home_places.keys() | local.keys()}
    assert len(places) == now["Охвачено муниципалитетов"]

    # People and the figures entered by hand.
    people = body(sheets["Люди и результаты"])
    assert people[0][2] == shown(now["Участники (по историям)"])
    assert people[1][2] == shown(now["Благополучатели (по историям)"])
    entered = q.rows("SELECT period, value, note FROM result WHERE starts_on >= :d1 "
                     "AND ends_on <= :d2 ORDER BY starts_on, ends_on, id")
    assert sorted((r[1], r[2], r[3] or None) for r in people[2:]) == sorted(entered)

    # Publications per campaign and channel; reach and engagement per channel.
    publications = {(r[0], r[1]): r[2] for r in body(sheets["Публикации"])[:-1]}
    assert publications == {(c or "(без кампании)", ch): n for c, ch, n in q.rows(
        "SELECT c.slug, p.channel, count(*) FROM publication p LEFT JOIN campaign c "
        "ON c.id = p.campaign_id WHERE p.status = 'published' AND p.published_at >= :s "
        "AND p.published_at < :e GROUP BY c.slug, p.channel")}
    reach = {r[0]: r[1:] for r in body(sheets["Охват и отклики"])}
    for channel, count, *sums in q.rows(
            "SELECT p.channel, count(p.id), sum(l.views), sum(l.likes), sum(l.shares), "
            f"sum(l.comments), sum(l.reactions) {PUBLISHED} GROUP BY p.channel"):
        assert reach[channel] == (count, *(shown(v) for v in sums)), channel
    assert reach["press"][1:] == (NO_DATA,) * 5  # the press reports nothing: never 0
    assert reach["telegram"][1] == NO_DATA  # Telegram has no views
    assert reach["Итого"][0] == now["Публикации"]

    # Audience: each community's last count of each month, and the month's joins.
    audience = body(sheets["Аудитория"])
    assert audience
    for channel, day, members, _change, joins, credited in audience:
        month = day.date().replace(day=1)
        start, end = month_bounds(month)
        last = q.rows("SELECT members FROM audiencesnapshot WHERE channel = :c "
                      "AND taken_at >= :a AND taken_at < :b AND members IS NOT NULL "
                      "ORDER BY taken_at DESC, id DESC LIMIT 1", c=channel, a=start, b=end)
        assert members == last[0][0], (channel, month)
        assert (joins, credited) == q.rows(
            "SELECT count(*), count(publication_id) FROM audiencejoin WHERE channel = :c "
            "AND joined_at >= :a AND joined_at < :b", c=channel, a=start, b=end)[0]
    months = q.rows("SELECT count(*) FROM (SELECT DISTINCT channel FROM audiencesnapshot) x")
    assert len({r[0] for r in audience}) == months[0][0]

    # The stories that brought most volunteers, and those with most views.
    top = body(sheets["Лучшие по волонтёрам"])
    brought = [n for (n,) in q.rows(
        "SELECT count(*) FROM signup s JOIN referralcode r ON r.id = s.referral_code_id "
        f"JOIN publication p ON p.id = r.publication_id WHERE {COUNTED} "
        "AND s.created_at >= :s AND s.created_at < :e GROUP BY p.story_id "
        "ORDER BY count(*) DESC LIMIT 10")]
    assert [r[2] for r in top] == brought
    viewed = [n for (n,) in q.rows(
        f"SELECT sum(l.views) {PUBLISHED} GROUP BY p.story_id HAVING count(l.views) > 0 "
        "ORDER BY sum(l.views) DESC LIMIT 10")]
    assert [r[4] for r in body(sheets["Лучшие по просмотрам"])] == viewed

    # The PDF: the same headings and figures, in Russian.
    text = pdf_text(project / "year.pdf")
    for heading in ("Центр серебряного волонтёрства", "Итоги работы: 2026 год", "Сводка",
                    "Волонтёры по месту жительства", "Волонтёры по источникам", "Мероприятия",
                    "Муниципалитеты", "Люди и результаты", "Охват и отклики", "Аудитория",
                    "Истории, которые привели больше всего волонтёров",
                    "Новые волонтёры по месяцам", "страница 1 из"):
        assert heading in text, heading
    for label, value in now.items():
        assert f"{label}" in text, label
        assert number(value) in text, (label, value)
    for municipality, count in expected.items():
        assert f"{municipality} {count} {earlier.get(municipality, 0)}" in text, municipality
    for channel, (count, *sums) in reach.items():
        assert " ".join([channel, number(count), *(number(v) for v in sums)]) in text, channel


def number(value: Any) -> str:
    if value is None or value == NO_DATA:
        return NO_DATA
    return f"{int(value):,}".replace(",", " ")


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(path).pages]
    return re.sub(r"\s+", " ", " ".join(pages).replace("\xa0", " "))


def test_a_quarter_compared_with_a_year_before(runner: CliRunner, project: Path,
                                               store_url: str) -> None:
    result = runner.invoke(cli, ["report", "--period", "2026-Q4", "--compare", "year",
                                 "--format", "xlsx", "--out", "q4.xlsx"])
    assert result.exit_code == 0, result.output
    assert not (project / "q4.pdf").exists()
    sheet = load_workbook(project / "q4.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]][1:3] == ["quarter 4 of 2026", "quarter 4 of 2025"]
    rows = {r[0]: r for r in body(sheet)}
    q = Sql(store_url, (dt.date(2026, 10, 1), dt.date(2026, 12, 31)))
    before = Sql(store_url, (dt.date(2025, 10, 1), dt.date(2025, 12, 31)))
    signups = f"SELECT count(*) {SIGNUPS}"
    assert rows["New volunteers (completed sign-ups)"][1:3] == (q.one(signups),
                                                                before.one(signups))
    assert rows["Seminars and trainings held (entered by hand)"][1:3] == (6, 3)


@pytest.mark.parametrize(("period", "says"), [
    ("2026-13", "месяца 13 нет; месяцы — от 01 до 12"),
    ("2026-Q5", "это не период. Напишите год (2026), квартал (2026-Q4)"),
    ("2026-02-30..2026-03-31", "2026-02-30 — такой даты в календаре нет"),
    ("2026-12-31..2026-01-01", "период кончается раньше, чем начинается"),
])
def test_a_period_the_report_cannot_read_is_explained(runner: CliRunner, workdir: Path,
                                                      period: str, says: str) -> None:
    result = runner.invoke(cli, ["report", "--period", period], env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Traceback" not in result.output


def test_a_first_report_shows_the_one_day_of_member_counts_without_warnings() -> None:
    """The demo's first report has one day of counts: it used to draw nothing on an axis
    of four years and print matplotlib's English warning on the terminal."""
    import io
    import warnings

    from PIL import Image

    from outreach.report.charts import audience
    from outreach.report.model import Charts
    from outreach.stats.audience import AudienceDay
    from outreach.stats.plotting import SERIES

    days = [AudienceDay("vk-sandbox", dt.date(2026, 12, 2), 1200, None, 0, 0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # matplotlib warns with UserWarning
        _title, png = audience(Charts(audience=days))
    colour = tuple(int(SERIES[0][i:i + 2], 16) for i in (1, 3, 5))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    painted = sum(count for count, pixel in image.getcolors(1 << 24) or []
                  if sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) < 30)
    # The legend's sample line alone paints about 190 pixels; the day's dot as many again.
    assert painted > 300


def test_a_long_centre_name_never_runs_under_the_page_number(runner: CliRunner,
                                                             project: Path) -> None:
    from pypdf import PdfReader
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from outreach.report.pdf import FONT, _register_fonts

    config = project / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Центр серебряного волонтёрства"',
        'name = "Ресурсный центр серебряного волонтёрства Челябинской области"'),
        encoding="utf-8")
    result = runner.invoke(cli, ["report", "--period", "2026-Q4", "--format", "pdf",
                                 "--out", "q4.pdf"], env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 0, result.output
    _register_fonts()
    bottom: list[tuple[float, float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() and tm[5] < 40:  # the footer's band, under 14 mm
            bottom.append((tm[4], tm[5], text))

    PdfReader(project / "q4.pdf").pages[0].extract_text(visitor_text=visit)
    texts = " ".join(t for _x, _y, t in sorted(bottom, key=lambda b: (-b[1], b[0])))
    assert "Ресурсный центр серебряного волонтёрства Челябинской области" in texts
    assert "страница 1 из" in texts
    number = next(b for b in bottom if b[2].startswith("страница"))
    for x, y, text in bottom:
        if text is not number[2] and abs(y - number[1]) < 1:
            assert x + stringWidth(text, FONT, 7.5) < number[0], text


def test_no_word_of_a_pdf_table_is_cut_in_two(runner: CliRunner, project: Path) -> None:
    """Narrow columns broke «Муниципалитет» into «Муницип алитет» and a channel's name
    «vk-sandbox» into «vk-sandbo x»; each column is now at least as wide as its longest
    word."""
    result = runner.invoke(cli, ["report", "--period", "2026-Q4", "--format", "pdf",
                                 "--out", "q4.pdf"], env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 0, result.output
    text = pdf_text(project / "q4.pdf")
    for word in ("Муниципалитет", "Мероприятия", "Подписчиков", "Благополучатели"):
        assert word in text, word
