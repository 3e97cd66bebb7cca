"""``outreach stats``: what each campaign and channel earned, as a table, CSV, JSON or chart."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import FORMATS, MISSING, moment, number, render
from outreach.cli.output import HEADERS as SHARED_HEADERS
from outreach.cli.when import WHEN, When
from outreach.db.states import METRICS, SlotOutcome, label
from outreach.i18n import (
    N_,
    _,
    _l,
    format_date,
    format_number,
    ngettext,
    pgettext,
)
from outreach.stats import GROUPINGS, KEY_COLUMNS
from outreach.stats.homes import ACROSS

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.stats import StatsReport
    from outreach.stats.figures import Figures

FIGURE_COLUMNS = ("publications", *METRICS, "signups")
# What a row without a campaign, story or municipality holds, in words.
NO_KEY = {"campaign": _l("(no campaign)"), "channel": _l("(no channel)"),
          "municipality": _l("(not given)"), "week": _l("(no date)"),
          "story": _l("(posters and placements)")}
# What the planner records as a slot's detail (outreach/engine/planner.py), kept in
# English in the store and shown in the reader's language.
SLOT_DETAILS = (N_("no approved story left for this slot"),)
# Headers of the columns only stats shows (output.HEADERS has the shared ones).
HEADERS = {**SHARED_HEADERS, "first": _l("First"), "last": _l("Last"), "change": _l("Change"),
           "starts": _l("Started with a code"), "signed_up": _l("Signed up"),
           "per_1000_views": _l("Per 1,000 views"), "joins": _l("Joins")}


def _chart_path(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() != ".png":
        raise click.BadParameter(_("{path} must end in .png (the chart is a PNG picture)")
                                 .format(path=value))
    return value


@click.group(invoke_without_command=True)
@click.option("--since", type=WHEN,
              help=N_("From this date (2026-10-01) or this far back (7d, 30d, 12h). "
                      "Default: from the beginning."))
@click.option("--until", type=WHEN,
              help=N_("Up to and including this date, or up to this far back. Default: now."))
@click.option("--campaign", help=N_("Only this campaign (its slug)."))
@click.option("--channel", help=N_("Only this channel."))
@click.option("--by", "by", type=click.Choice((*GROUPINGS[1:], "home", *ACROSS[:1])),
              multiple=True,
              help=N_("One row per campaign, channel, municipality of the story, ISO week or "
                      "story (default: per campaign and channel); `home`: where the people "
                      "who signed up live, by source; with a second --by campaign or --by "
                      "channel, by that instead."))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True, help=N_("Output format (CSV holds the main table only)."))
@click.option("--chart", type=click.Path(path_type=Path, dir_okay=False), callback=_chart_path,
              metavar=N_("FILE"),
              help=N_("Also draw engagement and sign-ups by week into this PNG file."))
@click.pass_obj
def stats(app: App, since: When | None, until: When | None, campaign: str | None,
          channel: str | None, by: tuple[str, ...], fmt: str, chart: Path | None) -> None:
    """What each campaign and channel earned in a period.

    \b
    For the publications published in the period: how many, and the latest
    views, likes, shares, comments and reactions collected for them; the
    sign-ups in the period attributed to them (or to a poster or placement of
    the campaign) through referral codes; each channel's audience change (last
    member count in the period minus the first); the top stories (by sign-ups,
    then views and likes); and slots that published nothing (no approved story
    left, or missed while the service was down).

    \b
    "—" means no publication in the row reported that figure (Telegram does
    not report views). "120+" means 120 is the sum of the publications that
    reported it and some did not: the real total is higher. In CSV and JSON,
    <figure>_unreported counts those publications, and an unknown figure is
    empty (CSV) or null (JSON), never 0.

    --by municipality puts publications under their story's municipality and
    sign-ups from posters under the municipality the person gave. Weeks are ISO
    weeks (Monday to Sunday) in the time zone of config.toml.

    \b
    --by home counts every sign-up of the period, with a code or without,
    under the municipality the person lives in, one column per kind of
    source (posts, posters and stands, press, no code); `--by home --by
    campaign` (or `--by channel`) has a column per campaign (or channel).
    CSV and JSON give one row per municipality and source: `home`, `source`
    (or `campaign`, `channel`), `signups`.

    \b
    outreach stats audience: each community's members day by day.
    """
    from outreach.stats import compute_stats

    if click.get_current_context().invoked_subcommand is not None:
        return  # outreach stats audience ...

    zone = zoneinfo.ZoneInfo(app.config.time_zone)
    now = dt.datetime.now(dt.UTC)
    start = since.at(zone, now=now) if since else None
    end = until.at(zone, now=now, end_of_day=True) if until else None
    if start is not None and end is not None and start >= end:
        raise click.BadParameter(_("--since {since} is not before --until {until}").format(
            since=since, until=until), param_hint="'--since'")
    if "home" in by or "source" in by:
        _homes(app, zone, start, end, campaign, channel, by, fmt, chart)
        return
    if len(by) > 1:
        raise click.UsageError(_("give --by once, or twice as --by home --by campaign (or "
                                 "channel)"))
    grouping = by[0] if by else "campaign-channel"
    report = compute_stats(app.readable, zone=zone, since=start, until=end, campaign=campaign,
                           channel=channel, by=grouping, rows_only=fmt == "csv")
    if fmt == "json":
        click.echo(json.dumps(_as_json(report), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(render([_machine_row(report, r.key, r.figures) for r in report.rows],
                          _machine_columns(report), "csv"))
    else:
        _print_table(report, channel)
    if chart is not None:
        _write_chart(app, report, chart, zone, start, end, campaign, channel, fmt)


def _homes(app: App, zone: zoneinfo.ZoneInfo, start: dt.datetime | None,
           end: dt.datetime | None, campaign: str | None, channel: str | None,
           by: tuple[str, ...], fmt: str, chart: Path | None) -> None:
    """--by home (and a second --by for the columns): where new volunteers live."""
    from outreach.cli.stats_homes import echo_homes
    from outreach.stats.homes import compute_homes

    others = [b for b in by if b != "home"]
    if "home" not in by:
        raise click.UsageError(_("--by {choice} goes with --by home: outreach stats --by home "
                                 "--by {choice}").format(choice=others[0]))
    if len(by) > 2 or (others and others[0] not in ACROSS):
        raise click.UsageError(_("--by home takes at most one more --by: source, campaign or "
                                 "channel (e.g. --by home --by campaign)"))
    if chart is not None:
        raise click.UsageError(_("--chart draws weeks: give it without --by home"))
    table = compute_homes(app.store, zone=zone, since=start, until=end, campaign=campaign,
                          channel=channel, across=others[0] if others else "source",
                          municipalities=app.config.municipalities)
    echo_homes(table, fmt, lambda: _period_words(zone, start, end))


def _period(report: StatsReport) -> str:
    return _period_words(report.zone, report.since, report.until)


def _period_words(zone: zoneinfo.ZoneInfo, since: dt.datetime | None,
                  until: dt.datetime | None) -> str:
    def day(instant: dt.datetime, closing: bool = False) -> str:
        local = instant.astimezone(zone)
        if local.time() != dt.time():
            return moment(local)
        return format_date(local.date() - dt.timedelta(days=1 if closing else 0))

    start = day(since) if since else pgettext("period", "the beginning")
    end = day(until, closing=True) if until else pgettext("period", "now")
    return _("{start} to {end} ({zone})").format(start=start, end=end, zone=zone.key)


def _week(week: tuple[int, int]) -> str:
    """An ISO week as a person reads it: "2026, week 42 (12.10–18.10)"."""
    monday = dt.date.fromisocalendar(week[0], week[1], 1)
    sunday = monday + dt.timedelta(days=6)
    return _("{year}, week {number} ({monday}–{sunday})").format(
        year=week[0], number=week[1], monday=f"{monday:%d.%m}", sunday=f"{sunday:%d.%m}")


def _key_values(report: StatsReport, key: tuple[Any, ...], machine: bool = False
                ) -> dict[str, Any]:
    from outreach.stats.figures import week_label

    values = {}
    for column, value in zip(KEY_COLUMNS[report.by], key, strict=True):
        if value is None:
            value = str(NO_KEY[column])
        elif column == "week":
            value = week_label(value) if machine else _week(value)
        elif column == "story":
            info = report.stories.get(value)
            value = f"{value}: {info.title}" if info else str(value)
        values[column] = value
    return values


def _shown(figures: Figures, metric: str) -> str:
    total = figures.sums[metric]
    if total is None:
        return MISSING
    shown = format_number(total)
    return f"{shown}+" if figures.unreported[metric] else shown


def _table_row(report: StatsReport, key_values: dict[str, Any], figures: Figures
               ) -> dict[str, Any]:
    row = dict(key_values)
    row["publications"] = number(figures.publications)
    row.update({metric: _shown(figures, metric) for metric in METRICS})
    row["signups"] = number(figures.signups)
    return row


def _machine_columns(report: StatsReport) -> tuple[str, ...]:
    return (*KEY_COLUMNS[report.by], *FIGURE_COLUMNS, *(f"{m}_unreported" for m in METRICS))


def _figures_dict(figures: Figures) -> dict[str, Any]:
    """Figures for CSV and JSON: an unknown one is null, and *_unreported says how many."""
    return {"publications": figures.publications, **figures.sums, "signups": figures.signups,
            **{f"{m}_unreported": figures.unreported[m] for m in METRICS}}


def _machine_row(report: StatsReport, key: tuple[Any, ...], figures: Figures) -> dict[str, Any]:
    return {**_key_values(report, key, machine=True), **_figures_dict(figures)}


def _as_json(report: StatsReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat() if report.since else None,
        "until": report.until.isoformat() if report.until else None,
        "time_zone": report.zone.key,
        "by": report.by,
        "rows": [_machine_row(report, r.key, r.figures) for r in report.rows],
        "total": _figures_dict(report.total),
        "audience": [{"channel": a.channel, "first_at": a.first_at.isoformat(),
                      "first": a.first, "last_at": a.last_at.isoformat(), "last": a.last,
                      "change": a.change} for a in report.audience],
        "top_stories": [{"story_id": s.id, "title": s.title, "municipality": s.municipality,
                         **_figures_dict(f)} for s, f in report.top_stories],
        "empty_or_skipped_slots": [{"campaign": w.campaign, "slot": w.slot.isoformat(),
                                    "outcome": w.outcome, "detail": w.detail}
                                   for w in report.warnings],
        "unattributed_signups": report.unattributed_signups,
        "funnel": [{"campaign": f.campaign, "channel": f.channel, "placement": f.placement,
                    "views": f.views, "starts": f.starts, "completed": f.completed,
                    "per_1000_views": f.per_thousand_views, "joins": f.joins}
                   for f in report.funnel],
    }


def _print_table(report: StatsReport, channel: str | None) -> None:
    click.echo(_("Period: {period}").format(period=_period(report)))
    click.echo("")
    keys = KEY_COLUMNS[report.by]
    if not report.rows:
        click.echo(_("No publications or sign-ups in this period."))
    else:
        rows = [_table_row(report, _key_values(report, r.key), r.figures) for r in report.rows]
        if len(rows) > 1:
            blank = dict.fromkeys(keys, "")
            rows.append(_table_row(report, {**blank, keys[0]: _("total")}, report.total))
        click.echo(render(rows, (*keys, *FIGURE_COLUMNS), "table", HEADERS))
        if any(report.total.unreported[m] and report.total.sums[m] is not None
               for m in METRICS):
            click.echo("  " + _("N+ : the sum of the publications that reported it; some did "
                                "not (e.g. Telegram has no views). {missing} : none reported "
                                "it.").format(missing=MISSING))
    if report.unattributed_signups:
        click.echo("  " + _("Sign-ups in the period without a referral code (not attributed): "
                            "{count}").format(count=number(report.unattributed_signups)))
    _print_funnel(report)
    click.echo("")
    if report.audience:
        click.echo(_("Audience (members):"))
        rows = [{"channel": a.channel,
                 "first": _audience_count(a.first, a.first_at, report),
                 "last": _audience_count(a.last, a.last_at, report),
                 "change": None if a.change is None else _signed(a.change)}
                for a in report.audience]
        click.echo(_indent(render(rows, ("channel", "first", "last", "change"), "table",
                                  HEADERS)))
    elif channel:
        click.echo(_("Audience: no member counts collected for channel {channel} in this "
                     "period.").format(channel=channel))
    else:
        click.echo(_("Audience: no member counts collected for any channel in this period."))
    click.echo("")
    if report.top_stories:
        click.echo(_("Top stories (by sign-ups, then views and likes):"))
        rows = [{"story": f"{s.id}: {_cut(s.title, 50)}", "municipality": s.municipality,
                 "publications": number(f.publications), "views": _shown(f, "views"),
                 "likes": _shown(f, "likes"), "signups": number(f.signups)}
                for s, f in report.top_stories]
        click.echo(_indent(render(rows, ("story", "municipality", "publications", "views",
                                         "likes", "signups"), "table", HEADERS)))
    if report.warnings:
        click.echo("")
        count = len(report.warnings)
        click.secho(ngettext("Warning: {count} slot in this period published nothing:",
                             "Warning: {count} slots in this period published nothing:",
                             count).format(count=format_number(count)), fg="yellow")
        rows = [{"campaign": w.campaign,
                 "slot": moment(w.slot, report.zone),
                 "outcome": label(w.outcome, SlotOutcome),
                 "detail": _(w.detail) if w.detail else (
                     _("no approved story left") if w.outcome == "empty"
                     else _("missed while the service was not running"))}
                for w in report.warnings]
        click.echo(_indent(render(rows, ("campaign", "slot", "outcome", "detail"), "table",
                                  HEADERS)))


def _audience_count(count: int | None, at: dt.datetime, report: StatsReport) -> str:
    return _("{count} on {date}").format(
        count=MISSING if count is None else format_number(count),
        date=format_date(at.astimezone(report.zone).date()))


def _signed(change: int) -> str:
    return ("+" if change >= 0 else "−") + format_number(abs(change))


def _print_funnel(report: StatsReport) -> None:
    """Reach → deep-link starts → completed sign-ups → per 1,000 views; joins beside."""
    if not any(f.starts or f.completed or f.joins for f in report.funnel):
        return
    click.echo("")
    click.echo(_("Sign-up funnel (views → started with a code → signed up; joins are counted "
                 "apart, as weaker evidence):"))
    rows = [{"campaign": f.campaign or str(NO_KEY["campaign"]),
             "channel": f.channel or str(NO_KEY["channel"]),
             "placement": f.placement or "",
             "views": number(f.views), "starts": number(f.starts),
             "signed_up": number(f.completed),
             "per_1000_views": (None if f.per_thousand_views is None
                                else format_number(f.per_thousand_views)),
             "joins": number(f.joins)}
            for f in report.funnel]
    click.echo(_indent(render(rows, ("campaign", "channel", "placement", "views", "starts",
                                     "signed_up", "per_1000_views", "joins"), "table",
                              HEADERS)))


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _write_chart(app: App, report: StatsReport, path: Path, zone: zoneinfo.ZoneInfo,
                 start: dt.datetime | None, end: dt.datetime | None, campaign: str | None,
                 channel: str | None, fmt: str) -> None:
    from outreach.stats import compute_stats, weekly_points
    from outreach.stats.chart import draw_weekly_chart

    weekly = report if report.by == "week" else compute_stats(
        app.readable, zone=zone, since=start, until=end, campaign=campaign, channel=channel,
        by="week")
    scope = " · ".join(x for x in (
        campaign and _("campaign {campaign}").format(campaign=campaign),
        channel and _("channel {channel}").format(channel=channel)) if x)
    period = _("Period: {period}").format(period=_period(report)) + (
        f" · {scope}" if scope else "")
    points = weekly_points(weekly)
    draw_weekly_chart(points, path, title=_("Engagement and sign-ups by week"), period=period)
    # With CSV or JSON on stdout, the note goes to stderr so the data stays clean.
    if points:
        click.echo(_("Chart written to {path}.").format(path=path), err=fmt != "table")
    else:
        click.echo(_("Chart written to {path} (nothing to show in this period).").format(
            path=path), err=fmt != "table")


AUDIENCE_COLUMNS = ("channel", "date", "members", "change", "joins", "credited")


@stats.command("audience")
@click.option("--channel", help=N_("Only this channel."))
@click.option("--since", type=WHEN, default="30d", show_default=True,
              help=N_("From this date (2026-10-01) or this far back (7d, 30d, 12h)."))
@click.option("--until", type=WHEN,
              help=N_("Up to and including this date, or up to this far back. Default: now."))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True, help=N_("Output format."))
@click.option("--chart", type=click.Path(path_type=Path, dir_okay=False), callback=_chart_path,
              metavar=N_("FILE"), help=N_("Also draw the members over time into this PNG file."))
@click.pass_obj
def audience(app: App, channel: str | None, since: When, until: When | None, fmt: str,
             chart: Path | None) -> None:
    """Each community's members day by day, and the change.

    \b
    A day's figure is its last count (the service counts every channel's
    members once a day); the change is against the day before with a count.
    Beside it: people who joined that day, and those of them credited to a
    post (joined soon after a publication on that channel). Joins are weaker
    evidence than sign-ups and are never added to them.
    """
    from outreach.stats.audience import audience_days

    zone = zoneinfo.ZoneInfo(app.config.time_zone)
    now = dt.datetime.now(dt.UTC)
    start = since.at(zone, now=now)
    end = until.at(zone, now=now, end_of_day=True) if until else None
    with app.store.reading() as connection:
        days = audience_days(connection, zone, start, end,
                             [channel] if channel else None)
    if fmt == "table":
        rows = [{"channel": d.channel, "date": format_date(d.day),
                 "members": number(d.members),
                 "change": None if d.change is None else _signed(d.change),
                 "joins": number(d.joins), "credited": number(d.credited)} for d in days]
        if rows:
            click.echo(render(rows, AUDIENCE_COLUMNS, "table", {
                **HEADERS, "date": _l("Day"), "members": _l("Members that day"),
                "credited": _l("Credited to posts")}))
        else:
            click.echo(_("No member counts or joins in this period."))
    else:
        machine = [{"channel": d.channel, "date": d.day.isoformat(), "members": d.members,
                    "change": d.change, "joins": d.joins, "credited": d.credited} for d in days]
        click.echo(json.dumps(machine, ensure_ascii=False, indent=2) if fmt == "json"
                   else render(machine, AUDIENCE_COLUMNS, "csv"))
    if chart is not None:
        from outreach.stats.audience_chart import audience_figure
        from outreach.stats.plotting import save_png

        period = _("{start} to {end} ({zone})").format(
            start=format_date(start.astimezone(zone).date()),
            end=format_date(((end or now) - dt.timedelta(microseconds=1)).astimezone(zone)
                            .date()), zone=zone.key)
        save_png(audience_figure(days, width=16, height=9, period=period), chart)
        click.echo(_("Chart written to {path}.").format(path=chart), err=fmt != "table")
