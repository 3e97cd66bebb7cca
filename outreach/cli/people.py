"""``outreach people``: coordinators and reporters — invite, list, show, revoke, log."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import HEADERS as SHARED_HEADERS
from outreach.cli.output import aligned, echo_rows, format_option, moment
from outreach.db.states import PersonRole, label
from outreach.i18n import N_, _, _l, ngettext

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.db.models import AuditEntry, Person

LIST_COLUMNS = ("id", "role", "status", "name", "municipality", "accounts", "created")
LOG_COLUMNS = ("at", "actor", "action", "person", "story", "detail")
ROLES = tuple(role.value for role in PersonRole)
HEADERS = {**SHARED_HEADERS, "role": _l("Role"), "accounts": _l("Accounts"),
           "at": _l("When"), "actor": _l("Who"), "action": _l("Action"),
           "person": _l("Person")}
# What each audit action reads as in a table; JSON and CSV keep the identifiers.
ACTIONS = {
    "invited": _l("invitation made"), "enrolled": _l("enrolled by the link"),
    "invitation-refused": _l("invitation refused"), "revoked": _l("rights revoked"),
    "report-submitted": _l("report sent"), "consent-recorded": _l("consent recorded"),
    "approved": _l("approved"), "rejected": _l("rejected"),
    "press-refused": _l("button press refused"),
    "publication-resolved": _l("publication resolved"),
    "publication-retried": _l("publication retried"),
}

# A detail's keys as a table names them; values that are ids, reasons or buttons stay.
DETAILS = {
    "photos": _l("photos"), "role": _l("role"), "expires_at": _l("valid until"),
    "account": _l("account"), "button": _l("button"), "report": _l("report"),
    "publication": _l("publication"), "reason": _l("reason"), "form": _l("form"),
}


def _actor_words(actor: str) -> str:
    """Who acted, for a table: a person by number, the service, a command typed here."""
    kind, _sep, rest = actor.partition(":")
    if kind == "person" and rest:
        return _("person {id}").format(id=rest)
    if kind == "service":
        return _("the service")
    if kind == "cli":
        return _("command by {user}").format(user=rest) if rest else _("a command")
    return actor


def _detail_words(detail: dict[str, Any], zone: zoneinfo.ZoneInfo | None) -> str:
    import datetime as dt

    shown = []
    for key, value in detail.items():
        if key == "role" and value in ROLES:
            value = label(value, PersonRole)
        elif key == "expires_at" and isinstance(value, str):
            try:
                value = moment(dt.datetime.fromisoformat(value), zone)
            except ValueError:
                pass  # an entry written by hand or by an older version: shown as it is
        shown.append(f"{DETAILS.get(key, key)}: {value}")
    return "; ".join(shown)


@click.group()
def people() -> None:
    """Coordinators and reporters: invite by link, list, revoke, see who did what."""


def _zone(app: App) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(app.config.time_zone)


@people.command()
@click.option("--role", type=click.Choice(ROLES), required=True,
              help=N_("'reporter' sends photo reports; 'coordinator' approves them."))
@click.option("--municipality", help=N_("Where the person reports from (as in config.toml)."))
@click.option("--name", help=N_("How coordinators will see the person (optional)."))
@click.option("--days", type=click.IntRange(1, 90), default=7, show_default=True,
              help=N_("Days the link stays valid."))
@click.option("--again", "person_id", type=int, metavar=N_("ID"),
              help=N_("A new link for this person (the old one was lost or expired)."))
@click.pass_obj
def invite(app: App, role: str, municipality: str | None, name: str | None, days: int,
           person_id: int | None) -> None:
    """Make a one-time invitation link to send to a volunteer.

    The person opens the link on their phone; the bot greets them and from then on
    takes their photo reports (a coordinator's link lets them approve reports).
    """
    import datetime as dt

    from outreach.people import audit, roster

    place = roster.check_municipality(municipality, app.config.municipalities)
    if role == PersonRole.reporter.value and place is None and person_id is None:
        raise click.UsageError(_("a reporter needs --municipality (where they report from)"))
    invited = roster.invite(app.store, PersonRole(role), municipality=place, name=name,
                            valid_for=dt.timedelta(days=days), actor=audit.cli_actor(),
                            person_id=person_id)
    links = _links(app, invited.code)
    click.echo(_("Invitation for person {id} ({role}), valid until {until}:").format(
        id=invited.person_id, role=label(PersonRole(role)),
        until=moment(invited.expires_at, _zone(app))))
    for channel, link in links:
        click.echo(f"  {channel}: {link}")
    if not links:
        click.echo(_("  No bot can make a link (no channel with a bot is configured). The "
                     "person can open the Telegram bot and send: /start {code}").format(
                         code=invited.code))
    click.echo(_("The link works once. Send it to the person only; it is not shown again."))


def _links(app: App, code: str) -> list[tuple[str, str]]:
    """(channel, link) for every ready channel whose bot takes people's messages."""
    found = []
    for status in app.registry.statuses():
        if status.state != "ready":
            continue
        try:
            channel = app.registry.get(status.name)
            if not channel.capabilities.signups:
                continue
            link = channel.signup_link(code)
        except Exception:  # noqa: BLE001  (a broken channel gives no link; the rest do)
            continue
        if link:
            found.append((status.name, link))
    return found


def _row(app: App, session: Any, person: Person, fmt: str) -> dict[str, Any]:
    from outreach.people import roster

    state = roster.status(session, person)
    accounts = [a.key for a in roster.accounts(session, person.id or 0)]
    table = fmt == "table"
    created = person.created_at
    return {
        "id": person.id,
        "role": label(PersonRole(person.role)) if table else person.role,
        "status": label(state) if table else state.value,
        "name": person.name,
        "municipality": person.municipality,
        "accounts": ", ".join(accounts) if fmt != "json" else accounts,
        "created": moment(created, _zone(app)) if table else
        (created.isoformat() if created else None),
    }


@people.command("list")
@click.option("--role", type=click.Choice(ROLES), help=N_("Only this role."))
@click.option("--revoked", is_flag=True, help=N_("Include people whose rights were revoked."))
@format_option()
@click.pass_obj
def list_(app: App, role: str | None, revoked: bool, fmt: str) -> None:
    """List coordinators and reporters."""
    from outreach.people import roster

    with app.store.session() as session:
        rows = [_row(app, session, p, fmt) for p in roster.list_people(
            session, role=PersonRole(role) if role else None, include_revoked=revoked)]
    echo_rows(rows, LIST_COLUMNS, fmt, headers=HEADERS,
              empty=_("Nobody yet. Invite the first coordinator: "
                      "outreach people invite --role coordinator --name \"…\""))


@people.command()
@click.argument("person_id", metavar=N_("ID"), type=int)
@click.pass_obj
def show(app: App, person_id: int) -> None:
    """Everything about one person: accounts, invitations, their last acts."""
    from outreach.people import audit, roster

    zone = _zone(app)
    with app.store.session() as session:
        person = roster.get_person(session, person_id)
        state = roster.status(session, person)
        accounts = roster.accounts(session, person_id)
        links = roster.invitations(session, person_id)
        log = audit.entries(session, person_id=person_id, limit=10)
        fields = [(_("Person"), str(person.id)), (_("Role"), label(PersonRole(person.role))),
                  (_("Status"), label(state)), (_("Name"), person.name or "—"),
                  (_("Municipality"), person.municipality or "—"),
                  (_("Created"), moment(person.created_at, zone) or "—")]
        if person.revoked_at:
            fields.append((_("Revoked"), moment(person.revoked_at, zone)))
        for line in aligned(fields):
            click.echo(line)
        click.echo(_("Accounts:") if accounts else _("Accounts: none yet (the link was not "
                                                      "opened)"))
        for account in accounts:
            click.echo(_("  {account} (via {channel}, since {when})").format(
                account=account.key, channel=account.channel,
                when=moment(account.enrolled_at, zone)))
        for invitation in links:
            if invitation.used_at:
                state_text = _("used {when}").format(when=moment(invitation.used_at, zone))
            else:
                state_text = _("unused, valid until {when}").format(
                    when=moment(invitation.expires_at, zone))
            click.echo(_("Invitation of {when}: {state}").format(
                when=moment(invitation.created_at, zone), state=state_text))
        if log:
            click.echo(_("Latest acts:"))
            for entry in log:
                click.echo(f"  {moment(entry.at, zone)}  {_log_row(entry, 'table')['action']}"
                           f"  {entry.actor}")


@people.command()
@click.argument("person_id", metavar=N_("ID"), type=int)
@click.pass_obj
def revoke(app: App, person_id: int) -> None:
    """Take a person's rights away: their links stop working, the bot stops taking
    their reports or button presses. Their stories stay in the library."""
    from outreach.people import audit, roster

    if roster.revoke(app.store, person_id, actor=audit.cli_actor()):
        click.echo(_("Person {id} can no longer report or approve.").format(id=person_id))
    else:
        click.echo(_("Person {id} was already revoked.").format(id=person_id))


def _log_row(entry: AuditEntry, fmt: str, zone: zoneinfo.ZoneInfo | None = None
             ) -> dict[str, Any]:
    table = fmt == "table"
    detail = entry.detail or {}
    return {
        "at": moment(entry.at, zone) if table else (entry.at.isoformat() if entry.at else None),
        "actor": _actor_words(entry.actor) if table else entry.actor,
        "action": str(ACTIONS.get(entry.action, entry.action)) if table else entry.action,
        "person": entry.person_id,
        "story": entry.story_id,
        "detail": (_detail_words(detail, zone) if table
                   else ", ".join(f"{k}={v}" for k, v in detail.items()) if fmt != "json"
                   else detail) or (None if fmt == "json" else ""),
    }


@people.command()
@click.option("--person", "person_id", type=int, metavar=N_("ID"),
              help=N_("Only acts by or about this person."))
@click.option("--story", "story_id", type=int, metavar=N_("ID"),
              help=N_("Only acts about this story."))
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True,
              help=N_("At most this many, newest first."))
@format_option()
@click.pass_obj
def log(app: App, person_id: int | None, story_id: int | None, limit: int, fmt: str) -> None:
    """Who did what: invitations, enrolments, reports, approvals, refusals."""
    from outreach.people import audit

    zone = _zone(app)
    with app.store.session() as session:
        rows = [_log_row(e, fmt, zone) for e in audit.entries(
            session, person_id=person_id, story_id=story_id, limit=limit)]
    echo_rows(rows, LOG_COLUMNS, fmt, headers=HEADERS, empty=_("Nothing recorded yet."))
    if fmt == "table" and len(rows) == limit:
        click.echo(ngettext("(the newest {count} act; --limit shows more)",
                            "(the newest {count} acts; --limit shows more)",
                            limit).format(count=limit))
