"""Gathering a report: the figures of the period (and of the compared one) into sections."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from outreach.db.models import METRICS
from outreach.i18n import _, format_date, ngettext, pgettext
from outreach.report import queries
from outreach.report.model import Charts, Column, Report, Section
from outreach.report.results import listed

if TYPE_CHECKING:
    import sqlalchemy as sa

    from outreach.config import Centre
    from outreach.db import Store
    from outreach.report.period import Period
    from outreach.stats.audience import AudienceDay

TOP = 10


def _metric_headers() -> dict[str, str]:
    return {"views": _("Views"), "likes": _("Likes"), "shares": _("Reposts"),
            "comments": _("Comments"), "reactions": _("Reactions")}


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _share(value: int | None, before: int | None) -> float | None:
    if value is None or not before:
        return None
    return (value - before) / before


class _Figures:
    """The figures of one period that the summary compares."""

    def __init__(self, connection: sa.Connection, period: Period, zone: zoneinfo.ZoneInfo,
                 places: Mapping[str, str | None], store: Store) -> None:
        bounds = period.bounds(zone)
        self.volunteers = queries.new_volunteers(connection, bounds)
        self.home = queries.volunteers_by_home(connection, bounds)
        self.events = queries.events(connection, period.first, period.last)
        self.published = queries.publications(connection, bounds)
        self.results = listed(store, period)
        self.by_channel: Counter[str] = Counter()
        for row in self.published:
            self.by_channel[row.channel] += row.publications
        self.places = {places[c] for c in self.by_channel if places.get(c)}

    def values(self) -> dict[str, int | None]:
        kinds = Counter(e.kind for e in self.events)
        participants = [e.participants for e in self.events if e.participants is not None]
        helped = [e.beneficiaries for e in self.events if e.beneficiaries is not None]
        event_places = {e.municipality for e in self.events if e.municipality}
        home_places = {m for m in self.home if m}
        totals: dict[str, int | None] = dict.fromkeys(METRICS)
        for row in self.published:
            for metric in METRICS:
                totals[metric] = _add(totals[metric], row.sums[metric])
        values: dict[str, int | None] = {
            "new_volunteers": self.volunteers,
            "events": len(self.events),
            "photo_reports": kinds["photo-report"],
            "stories": kinds["story"],
            "municipalities": len(event_places | home_places | self.places),
            "municipalities_events": len(event_places),
            "municipalities_home": len(home_places),
            "municipalities_channels": len(self.places),
            "participants": sum(participants) if participants else None,
            "beneficiaries": sum(helped) if helped else None,
            "publications": sum(self.by_channel.values()),
            **totals,
        }
        for entry in self.results:
            key = f"entered:{entry.indicator}"
            values[key] = (values.get(key) or 0) + entry.value
        return values


def build_report(store: Store, period: Period, compare: str | None, *, zone: str,
                 centre: Centre, places: Mapping[str, str | None]) -> Report:
    """The report of ``period`` (compared with the ``compare`` one, if any).

    ``places`` is each configured channel's municipality (a local community's, or None).
    """
    from outreach.stats.audience import audience_days

    tz = zoneinfo.ZoneInfo(zone)
    compared = period.compared(compare) if compare else None
    bounds = period.bounds(tz)
    with store.session() as session:
        connection = session.connection()
        now = _Figures(connection, period, tz, places, store)
        before = _Figures(connection, compared, tz, places, store) if compared else None
        sources = queries.volunteers_by_source(connection, bounds)
        times = queries.volunteer_times(connection, bounds)
        by_volunteers, by_reach = queries.top_stories(connection, bounds, TOP)
        audience = audience_days(connection, tz, *bounds)
    unknown = _("no data")
    sections = [
        _summary(now, before, period, compared),
        _by_home(now, before),
        _by_source(sources),
        _events(now),
        _municipalities(now, places),
        _people(now, period),
        _publications(now),
        _reach(now),
        _audience(audience),
        _top("top_volunteers", _("Stories that brought most volunteers"),
             _("Top stories by volunteers"), by_volunteers, _(
            "Completed sign-ups in the period through the referral codes of the story's "
            "publications, whenever those were published; ties by views.")),
        _top("top_reach", _("Stories with most views"), _("Top stories by views"), by_reach, _(
            "Views of the story's publications published in the period (the latest count "
            "collected); Telegram does not report views.")),
    ]
    charts = Charts(
        volunteers_by_month=_months(times, tz, period),
        volunteers_by_home=sorted(((m or _("(not given)"), n) for m, n in now.home.items()),
                                  key=lambda item: -item[1]),
        publications_by_channel=sorted(now.by_channel.items(), key=lambda item: -item[1]),
        audience=audience)
    return Report(period=period, compared=compared, centre=centre,
                  created=dt.datetime.now(dt.UTC), time_zone=zone, sections=sections,
                  charts=charts, unknown=unknown)


def _months(times: list[dt.datetime], zone: zoneinfo.ZoneInfo,
            period: Period) -> list[tuple[dt.date, int]]:
    counts = Counter(t.astimezone(zone).date().replace(day=1) for t in times)
    months, day = [], period.first.replace(day=1)
    while day <= period.last:
        months.append((day, counts.get(day, 0)))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _summary(now: _Figures, before: _Figures | None, period: Period,
             compared: Period | None) -> Section:
    from outreach.report.results import INDICATORS, indicator_label

    metric = _metric_headers()
    lines: list[tuple[str, str, str]] = [
        ("new_volunteers", _("New volunteers (completed sign-ups)"),
         _("Sign-ups dated in the period that were finished in a bot or added by a "
           "coordinator; a merged duplicate counts once, an erased one still counts.")),
        ("events", _("Events covered (stories)"),
         _("Stories in the library whose event date is in the period, whatever their "
           "status.")),
        ("photo_reports", _("of them photo reports"), _("Stories of kind photo-report.")),
        ("stories", _("of them stories"), _("Stories of kind story.")),
        ("municipalities", _("Municipalities reached"),
         _("Municipalities of events, of new volunteers' homes and of local channels that "
           "published, each counted once.")),
        ("municipalities_events", _("by events"),
         _("Different municipalities named in the stories of the period.")),
        ("municipalities_home", _("by where new volunteers live"),
         _("Different municipalities new volunteers gave as their home.")),
        ("municipalities_channels", _("by local channels"),
         _("Channels with a municipality in config.toml that published in the period.")),
        ("participants", _("Participants (from stories)"),
         _("The sum of participants written in the stories of the period; stories that "
           "do not say are left out.")),
        ("beneficiaries", _("People helped (from stories)"),
         _("The sum of beneficiaries written in the stories of the period; stories that "
           "do not say are left out.")),
        ("publications", _("Publications"),
         _("Posts and press kits published in the period, on every channel.")),
    ]
    for key in METRICS:
        lines.append((key, metric[key], _(
            "The latest count collected for the publications of the period; a sum of those "
            "that report it (Telegram has no views).")))
    entered = sorted({k for f in (now, before) if f for k in f.values() if
                      k.startswith("entered:")},
                     key=lambda k: list(INDICATORS).index(k[8:]) if k[8:] in INDICATORS else 99)
    for key in entered:
        lines.append((key, indicator_label(key[8:]) + " " + _("(entered by hand)"),
                      _("Figures entered with outreach results add for periods inside "
                        "this one.")))
    values = now.values()
    old = before.values() if before else {}
    columns = [Column("indicator", _("Indicator"), "text"),
               Column("value", period.title(), "number")]
    if compared is not None:
        columns += [Column("compared", compared.title(), "number"),
                    Column("change", _("Change"), "share")]
    columns.append(Column("how", _("How it was counted"), "text"))
    rows = []
    for key, label, how in lines:
        row: list[Any] = [label, values.get(key)]
        if compared is not None:
            row += [old.get(key), _share(values.get(key), old.get(key))]
        rows.append([*row, how])
    notes = [_("Period: {span}.").format(span=period.span())]
    if compared is not None:
        notes.append(_("Compared with: {span}. Change: against the compared period; empty "
                       "when that had none.").format(span=compared.span()))
    keys = [key for key, _label, _how in lines]
    parts = {"photo_reports", "stories", "municipalities_events", "municipalities_home",
             "municipalities_channels"}
    return Section("summary", _("Summary of the period"), columns, rows, notes, row_keys=keys,
                   indented=frozenset(i for i, key in enumerate(keys) if key in parts))


def _by_home(now: _Figures, before: _Figures | None) -> Section:
    total = sum(now.home.values())
    columns = [Column("municipality", _("Municipality where they live"), "text"),
               Column("volunteers", _("New volunteers"))]
    if before is not None:
        columns.append(Column("compared", _("In the compared period")))
    columns.append(Column("share", _("Share"), "share"))
    names = sorted(set(now.home) | (set(before.home) if before else set()),
                   key=lambda m: (-now.home.get(m, 0), m is None, m or ""))
    rows = []
    for name in names:
        row: list[Any] = [name or _("(not given)"), now.home.get(name, 0)]
        if before is not None:
            row.append(before.home.get(name, 0))
        rows.append([*row, now.home.get(name, 0) / total if total else None])
    last: list[Any] = [pgettext("last row", "Total"), total]
    if before is not None:
        last.append(sum(before.home.values()))
    return Section("volunteers_home", _("Volunteers by home"), columns, rows, [
        _("New volunteers (completed sign-ups in the period) by the municipality they gave "
          "as their home, not the one of the post or poster that brought them.")],
        total=[*last, 1.0 if total else None])


def _by_source(sources: list[queries.SourceRow]) -> Section:
    kinds = {"publication": _("Post"), "placement": _("Poster or stand"),
             "outlet": _("Local media"), "offline": _("Offline, without a code"),
             "bot": _("Bot, without a code")}
    order = list(kinds)
    rows = []
    for row in sorted(sources, key=lambda r: (-r.count, order.index(r.kind)
                                               if r.kind in order else 9,
                                               r.campaign or "", r.channel or "")):
        if row.kind == "publication":
            what = row.story or ""
            if row.published is not None:
                what = f"{what} ({format_date(row.published.date())})"
        else:
            what = row.placement or ""
        rows.append([kinds.get(row.kind, row.kind), row.campaign or "", row.channel or "",
                     what, row.count])
    columns = [Column("source", _("Source"), "text"), Column("campaign", _("Campaign"), "text"),
               Column("channel", _("Channel"), "text"),
               Column("what", _("Post, poster or outlet"), "text"),
               Column("volunteers", _("New volunteers"))]
    return Section("volunteers_source", _("Volunteers by source"), columns, rows, [
        _("Completed sign-ups in the period by the referral code they came with: a post's "
          "code (campaign, channel, story and publication date), a poster or stand, a local "
          "media outlet. Without a code: added offline, or came to a bot directly.")],
        total=[pgettext("last row", "Total"), "", "", "", sum(r.count for r in sources)])


def _events(now: _Figures) -> Section:
    kinds = {"photo-report": _("photo report"), "story": _("story")}
    rows = [[e.day, kinds.get(e.kind, e.kind), e.title, e.municipality or "",
             e.participants, e.beneficiaries] for e in now.events]
    columns = [Column("date", _("Date"), "date"), Column("kind", _("Kind"), "text"),
               Column("title", _("Title"), "text"),
               Column("municipality", _("Municipality"), "text"),
               Column("participants", _("Participants")),
               Column("beneficiaries", _("People helped"))]
    return Section("events", _("Events"), columns, rows, [
        _("Stories in the library whose event date is in the period. Participants and "
          "people helped are as written in each story's front matter; empty where it "
          "does not say.")])


def _municipalities(now: _Figures, places: Mapping[str, str | None]) -> Section:
    events = Counter(e.municipality for e in now.events if e.municipality)
    local: Counter[str] = Counter()
    for channel, count in now.by_channel.items():
        if places.get(channel):
            local[str(places[channel])] += count
    names = sorted(set(events) | {m for m in now.home if m} | set(local))
    rows = [[m, events.get(m, 0), now.home.get(m, 0), local.get(m, 0)] for m in names]
    columns = [Column("municipality", _("Municipality"), "text"),
               Column("events", _("Events")),
               Column("volunteers", _("New volunteers living there")),
               Column("publications", _("Publications on its local channels"))]
    return Section("municipalities", _("Municipalities"), columns, rows, [
        _("Every municipality the centre reached in the period: where its events took place, "
          "where its new volunteers live, and where its local channels (a channel with a "
          "municipality in config.toml) published.")],
        total=[_("Total: {count}").format(count=len(names)), sum(events.values()),
               sum(v for m, v in now.home.items() if m), sum(local.values())])


def _people(now: _Figures, period: Period) -> Section:
    from outreach.report.results import indicator_label

    said = [e for e in now.events if e.participants is not None]
    helped = [e for e in now.events if e.beneficiaries is not None]
    count = len(now.events)
    rows: list[list[Any]] = [
        [_("Participants (from stories)"), period.text, sum(e.participants or 0 for e in said)
         if said else None, ngettext("{known} of {count} story says", "{known} of {count} "
                                     "stories say", count).format(known=len(said), count=count)],
        [_("People helped (from stories)"), period.text,
         sum(e.beneficiaries or 0 for e in helped) if helped else None,
         ngettext("{known} of {count} story says", "{known} of {count} stories say",
                  count).format(known=len(helped), count=count)],
    ]
    rows += [[indicator_label(e.indicator), e.period, e.value, e.note or ""]
             for e in now.results]
    columns = [Column("indicator", _("Indicator"), "text"), Column("period", _("Period"), "text"),
               Column("value", _("Value")), Column("note", _("Note"), "text")]
    return Section("people", _("People and results"), columns, rows, [
        _("Participants and people helped: the sums of the counts written in the stories of "
          "the period. The other lines were entered by hand (outreach results add) for "
          "periods inside this one.")])


def _publications(now: _Figures) -> Section:
    rows = [[r.campaign or _("(no campaign)"), r.channel, r.publications]
            for r in sorted(now.published, key=lambda r: (r.campaign is None, r.campaign or "",
                                                          r.channel))]
    columns = [Column("campaign", _("Campaign"), "text"), Column("channel", _("Channel"), "text"),
               Column("publications", _("Publications"))]
    return Section("publications", _("Publications"), columns, rows, [
        _("Publications published in the period, per campaign and channel (a press kit for "
          "local media counts as one).")],
        total=[pgettext("last row", "Total"), "", sum(r.publications for r in now.published)])


def _reach(now: _Figures) -> Section:
    metric = _metric_headers()
    rows = []
    totals: dict[str, int | None] = dict.fromkeys(METRICS)
    for channel, count in sorted(now.by_channel.items()):
        sums: dict[str, int | None] = dict.fromkeys(METRICS)
        for row in now.published:
            if row.channel == channel:
                for m in METRICS:
                    sums[m] = _add(sums[m], row.sums[m])
        for m in METRICS:
            totals[m] = _add(totals[m], sums[m])
        rows.append([channel, count, *(sums[m] for m in METRICS)])
    columns = [Column("channel", _("Channel"), "text"), Column("publications", _("Publications")),
               *(Column(m, metric[m]) for m in METRICS)]
    return Section("reach", _("Reach and engagement"), columns, rows, [
        _("For the publications published in the period: the latest views, likes, reposts, "
          "comments and reactions collected. \"No data\": the platform does not report it "
          "(Telegram has no views, local media none of these), never a zero.")],
        total=[pgettext("last row", "Total"), sum(now.by_channel.values()),
               *(totals[m] for m in METRICS)])


def _audience(days: list[AudienceDay]) -> Section:
    months: dict[tuple[str, dt.date], list[Any]] = {}
    for day in days:
        key = (day.channel, day.day.replace(day=1))
        # The last day with a count, its members, the month's joins, those credited.
        entry = months.setdefault(key, [None, None, 0, 0])
        if day.members is not None:
            entry[0], entry[1] = day.day, day.members
        entry[2] += day.joins
        entry[3] += day.credited
    rows: list[list[Any]] = []
    previous: dict[str, int] = {}
    first: dict[str, int] = {}
    for (channel, month), (last_day, members, joins, credited) in sorted(months.items()):
        change = None
        if members is not None:
            if channel in previous:
                change = members - previous[channel]
            previous[channel] = members
            first.setdefault(channel, members)
        rows.append([channel, last_day or month, members, change, joins, credited])
    columns = [Column("channel", _("Channel"), "text"), Column("date", _("Date"), "date"),
               Column("members", _("Members (last count of the month)")),
               Column("change", _("Change")),
               Column("joins", _("Joins")), Column("credited", _("Joins credited to posts"))]
    return Section("audience", _("Audience"), columns, rows, [
        _("Each community's members on the last day of each month with a count (the "
          "collector counts them daily); change: against the month before. Joins: people "
          "who joined that month; credited to posts: within the join window after a "
          "publication on that channel. Joins are weaker evidence than sign-ups and are "
          "not added to them.")])


def _top(key: str, title: str, sheet: str, ranks: list[queries.StoryRank],
         how: str) -> Section:
    rows = [[r.title, r.municipality or "", r.volunteers, r.publications, r.views]
            for r in ranks]
    columns = [Column("story", _("Story"), "text"),
               Column("municipality", _("Municipality"), "text"),
               Column("volunteers", _("New volunteers")),
               Column("publications", _("Publications")), Column("views", _("Views"))]
    return Section(key, title, columns, rows, [how], sheet=sheet)
