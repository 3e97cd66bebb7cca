"""``outreach status``: is the service running, and is it well — for a person and for monitoring."""

from __future__ import annotations

import datetime as dt
import json
import sys
import zoneinfo
from typing import TYPE_CHECKING, Any

import click

from outreach.i18n import N_, _, format_datetime, format_number, ngettext

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.engine.health import Health
    from outreach.engine.heartbeat import Beat


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help=N_("Output format."))
@click.pass_obj
def status(app: App, fmt: str) -> None:
    """Whether the service is running, what it published, what waits and what failed.

    Exit code: 0 healthy, 1 degraded (publications failed or wait for a
    person, or the database waits for an upgrade while an older service still
    runs), 2 down (no running service has written to the database lately),
    3 the database is newer than this Outreach. The database is only read,
    never upgraded.
    """
    from outreach.db import open_store
    from outreach.db.models import utcnow
    from outreach.engine.health import check

    # Read as it is: a status check must not upgrade the database under a running service.
    store = app.keep_store(open_store(app.config.database_url, migrate=False))
    schema = store.status()
    if schema.pending:
        click.get_current_context().exit(_schema_behind(store, schema.current, schema.head,
                                                        fmt))
    health = check(app.config, store, utcnow())
    if fmt == "json":
        click.echo(json.dumps(_as_json(health), ensure_ascii=False, indent=2))
    else:
        zone = zoneinfo.ZoneInfo(app.config.time_zone)
        for line in _as_text(health, lambda when: format_datetime(when.astimezone(zone))):
            click.echo(line)
    sys.stdout.flush()
    click.get_current_context().exit(int(health.level))


def _schema_behind(store: Any, current: str | None, head: str, fmt: str) -> int:
    """Say that the database waits for an upgrade; 1 if an older service still runs on it,
    2 if none does."""
    import sqlalchemy as sa

    from outreach.db.models import utcnow
    from outreach.engine import heartbeat

    with store.engine.connect() as connection:
        beats = sa.inspect(connection).has_table(heartbeat.HEARTBEAT.name)
    now = utcnow()
    running = [b for b in heartbeat.beats(store) if b.alive(now)] if beats else []
    code = 1 if running else 2
    if fmt == "json":
        click.echo(json.dumps({"state": "schema_behind", "exit_code": code,
                               "checked_at": _iso(now),
                               "schema": {"current": current, "expected": head},
                               "service": {"running": bool(running),
                                           "workers": _workers(running)}},
                              ensure_ascii=False, indent=2))
        return code
    if current is None:
        click.echo(_("The database is empty: outreach init creates it."))
    else:
        click.echo(_("The database is at revision {current}; this version of Outreach needs "
                     "{head}. Starting the service upgrades it (after a backup), or run: "
                     "outreach db upgrade").format(current=current, head=head))
    click.echo(_("An older version of the service still runs ({workers}).").format(
        workers=", ".join(b.worker for b in running)) if running
        else _("The service is not running."))
    return code


def _workers(running: list[Beat]) -> list[dict[str, Any]]:
    return [{"worker": b.worker, "started_at": _iso(b.started_at), "beat_at": _iso(b.beat_at)}
            for b in running]


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _as_json(health: Health) -> dict[str, Any]:
    beat = health.last_beat
    return {
        "state": health.level.name,
        "exit_code": int(health.level),
        "checked_at": _iso(health.now),
        "service": {
            "running": bool(health.running),
            "workers": _workers(health.running),
            "last_beat_at": _iso(beat.beat_at if beat else None),
            "stopped_at": _iso(beat.stopped_at if beat else None),
        },
        "last_published_at": _iso(health.last_published),
        "publications": {"queued": health.queued, "failed": health.failed,
                         "uncertain": health.uncertain},
        "channels": [{"name": c.name, "state": c.state,
                      "last_published_at": _iso(c.last_published), "queued": c.queued,
                      "failed": c.failed, "uncertain": c.uncertain} for c in health.channels],
        "next_slots": [{"campaign": slug, "slot": _iso(slot)}
                       for slug, slot in health.next_slots],
    }


def _as_text(health: Health, when: Any) -> list[str]:
    lines = [_service_line(health, when)]
    lines.append(_("Last published: {when}.").format(when=when(health.last_published))
                 if health.last_published else _("Nothing has been published yet."))
    lines.append(_("Publications: {queued} waiting, {failed} failed, {uncertain} uncertain.")
                 .format(queued=format_number(health.queued),
                         failed=format_number(health.failed),
                         uncertain=format_number(health.uncertain)))
    if health.failed or health.uncertain:
        lines.append("  " + _("See them with: outreach publications list --status failed "
                              "(or uncertain)"))
    if health.channels:
        lines.append(_("Channels:"))
    for channel in health.channels:
        said = {"ok": _("working"), "failing": _("publications failed"),
                "uncertain": _("publications wait for a person"),
                "disabled": _("turned off")}[channel.state]
        last = (_("last published {when}").format(when=when(channel.last_published))
                if channel.last_published else _("nothing published yet"))
        lines.append(f"  {channel.name}: {said}; {last}")
    if health.next_slots:
        lines.append(_("Next slots:"))
    lines += [f"  {when(slot)}  {slug}" for slug, slot in health.next_slots]
    lines.append({0: _("All is well."),
                  1: _("The service runs, but something needs a person (see above)."),
                  2: _("The service is not running.")}[int(health.level)])
    return lines


def _service_line(health: Health, when: Any) -> str:
    if health.running:
        workers = ", ".join(b.worker for b in health.running)
        return ngettext("The service is running ({workers}); last sign of life {when}.",
                        "The service is running in {count} processes ({workers}); last sign "
                        "of life {when}.", len(health.running)).format(
            count=format_number(len(health.running)), workers=workers,
            when=when(health.running[0].beat_at))
    beat = health.last_beat
    if beat is None:
        return _("The service has never run with this database.")
    if beat.stopped_at is not None:
        return _("The service is stopped: it stopped {when}.").format(when=when(beat.stopped_at))
    return _("The service is not running: its last sign of life was {when}, and it did not "
             "stop cleanly (look at its log: journalctl -u outreach).").format(
        when=when(beat.beat_at))
