"""``outreach signups``: new volunteers — add, import, list, show, export and forget."""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import echo_rows, format_option, render
from outreach.cli.publications import check_when

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.signups.records import Listed

LIST_COLUMNS = ("id", "created", "status", "name", "phone", "municipality", "source",
                "campaign", "channel", "placement", "code")
EXPORT_COLUMNS = ("id", "created", "status", "name", "phone", "contact", "municipality",
                  "interests", "source", "campaign", "channel", "placement", "publication",
                  "code", "consent_at", "policy_version", "completed_at")
STATUSES = ("started", "completed", "forgotten")


@click.group()
def signups() -> None:
    """New volunteers: add, import, list, export and forget sign-ups."""


def _row(item: Listed, zone: zoneinfo.ZoneInfo, masked: bool) -> dict[str, Any]:
    from outreach.signups.phones import mask_phone, pretty_phone

    row, where = item.signup, item.origin
    phone = row.phone and (mask_phone(row.phone) if masked else pretty_phone(row.phone))
    created = row.created_at.astimezone(zone) if row.created_at else None
    return {
        "id": row.id,
        "created": created.strftime("%Y-%m-%d %H:%M") if masked and created else created,
        "status": row.status, "name": row.name, "phone": phone, "contact": row.contact,
        "municipality": row.municipality, "interests": row.interests, "source": row.source,
        "campaign": where.campaign if where else None,
        "channel": (where.channel if where and where.channel else row.channel),
        "placement": where.placement if where else None,
        "publication": where.publication_id if where else None,
        "code": (where.short_code if where else None) or
                (f"unknown: {row.code_given}" if row.code_given else
                 ("none" if where is None else None)),
        "consent_at": row.consent_at, "policy_version": row.policy_version,
        "completed_at": row.completed_at,
    }


@signups.command("list")
@click.option("--since", callback=check_when,
              help="Only from this date (2026-10-01) or this far back (12h, 7d, 30d).")
@click.option("--campaign", help="Only sign-ups brought by this campaign (its slug).")
@click.option("--channel", help="Only sign-ups that came through this channel.")
@click.option("--status", type=click.Choice(STATUSES), help="Only this status.")
@click.option("--unattributed", is_flag=True, help="Only sign-ups without a known code.")
@format_option()
@click.pass_obj
def list_(app: App, since: str | None, campaign: str | None, channel: str | None,
          status: str | None, unattributed: bool, fmt: str) -> None:
    """List sign-ups, newest first. Phones are masked; `export` gives them in full."""
    from outreach.publications import parse_when
    from outreach.signups.records import list_signups

    zone = zoneinfo.ZoneInfo(app.config.time_zone)
    with app.store.session() as session:
        found = list_signups(session, since=parse_when(since, zone) if since else None,
                             campaign=campaign, channel=channel, status=status,
                             unattributed=unattributed)
    echo_rows([_row(item, zone, masked=True) for item in found], LIST_COLUMNS, fmt,
              empty="No sign-ups yet.")


@signups.command("show")
@click.argument("signup_id", type=int)
@click.pass_obj
def show(app: App, signup_id: int) -> None:
    """Everything about one sign-up, phone in full."""
    from outreach.signups.records import Listed, get_signup, origin

    zone = zoneinfo.ZoneInfo(app.config.time_zone)
    with app.store.session() as session:
        row = get_signup(session, signup_id)
        item = Listed(row, origin(session, row.referral_code_id))
    shown = _row(item, zone, masked=False)
    if item.origin is not None:
        shown["came from"] = item.origin.describe()
    width = max(len(key) for key in shown)
    for key, value in shown.items():
        if value is not None:
            click.echo(f"{key.ljust(width)}  {value}")


@signups.command("add")
@click.option("--name", required=True, help="First and last name.")
@click.option("--phone", required=True, help="Phone number: +7 912 345-67-89, 8 912 ...")
@click.option("--municipality", help="Town or district, from the config's list.")
@click.option("--code", help="The code from the poster or said on the phone (MIA-7).")
@click.option("--interests", help="What they would like to help with.")
@click.option("--unattributed", is_flag=True,
              help="Keep the sign-up even when the code is unknown.")
@click.pass_obj
def add(app: App, name: str, phone: str, municipality: str | None, code: str | None,
        interests: str | None, unattributed: bool) -> None:
    """Add a sign-up taken on the phone or in person (they agreed to data processing)."""
    from outreach.signups.offline import Entry, add_signup

    added = add_signup(app.store, app.config,
                       Entry(name=name, phone=phone, municipality=municipality, code=code,
                             interests=interests), unattributed=unattributed)
    what = "Updated" if added.updated else "Added"
    where = "" if added.attributed else " (without a code)"
    click.echo(f"{what} sign-up {added.signup_id}{where}.")


@signups.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--consent-on-paper", is_flag=True,
              help="Confirm every form in the file was signed (consent to data processing).")
@click.option("--unattributed", is_flag=True,
              help="Keep rows whose code is unknown, without a code.")
@click.pass_obj
def import_(app: App, file: Path, consent_on_paper: bool, unattributed: bool) -> None:
    """Import paper forms typed into a CSV: name, phone, municipality, code, interests,
    consent_date. Valid rows are stored; the others are listed with their line."""
    from outreach.errors import OutreachError
    from outreach.signups.offline import import_csv

    if not consent_on_paper:
        raise OutreachError("a sign-up needs the person's consent: add --consent-on-paper "
                            "to confirm every form in the file was signed")
    report = import_csv(app.store, app.config, file, unattributed=unattributed)
    click.echo(f"{file}: {report.stored} added, {report.updated} updated, "
               f"{len(report.rejected)} rejected.")
    for line, reason in report.rejected:
        click.echo(f"  line {line}: {reason}")
    if report.rejected:
        raise click.exceptions.Exit(1)


@signups.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option("--i-know-this-contains-personal-data", "acknowledged", is_flag=True,
              help="Required: the file holds names and phone numbers. Keep it safe.")
@click.pass_obj
def export(app: App, file: Path, fmt: str, acknowledged: bool) -> None:
    """Write every sign-up not forgotten, with phones in full, to FILE."""
    import os

    from outreach.errors import OutreachError
    from outreach.signups.records import list_signups

    if not acknowledged:
        raise OutreachError("the export holds names and phone numbers: add "
                            "--i-know-this-contains-personal-data to write it, and keep "
                            "the file where only coordinators can read it")
    zone = zoneinfo.ZoneInfo(app.config.time_zone)
    with app.store.session() as session:
        found = [item for item in list_signups(session)
                 if item.signup.status != "forgotten"]
    text = render([_row(item, zone, masked=False) for item in found], EXPORT_COLUMNS, fmt)
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    except OSError as exc:
        raise OutreachError(f"cannot write {file}: {exc.strerror}") from None
    click.echo(f"Wrote {len(found)} sign-up(s) to {file} (readable by you only).")


@signups.command("forget")
@click.argument("signup_id", type=int)
@click.pass_obj
def forget(app: App, signup_id: int) -> None:
    """Erase a person's data on their request; the anonymous count of where they came from
    (and their municipality) stays."""
    from outreach.signups.records import forget as erase

    with app.store.session() as session:
        erased = erase(session, signup_id)
    app.store.purge_erased()  # after the commit: the old bytes leave the database's files
    names = ", ".join(erased) if erased else "nothing (already erased)"
    click.echo(f"Sign-up {signup_id} forgotten. Erased: {names}. Kept: when, source, "
               "municipality and the code that brought them, for the counts.")
