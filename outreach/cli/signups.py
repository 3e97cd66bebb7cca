"""``outreach signups``: new volunteers — add, import, list, show, export, merge and forget."""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import HEADERS as SHARED_HEADERS
from outreach.cli.output import aligned, echo_rows, format_option, moment, render
from outreach.cli.when import WHEN, When
from outreach.db.states import SignupStatus, label
from outreach.i18n import N_, _, _l, format_number, ngettext

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.signups.records import Listed, Origin

LIST_COLUMNS = ("id", "created", "status", "name", "phone", "municipality", "source",
                "came_from", "campaign", "channel", "story", "story_title", "placement", "code")
# A table a person reads in a terminal: where they came from in words, in one column.
TABLE_COLUMNS = ("id", "created", "status", "name", "phone", "municipality", "came_from",
                 "campaign", "channel", "code")
EXPORT_COLUMNS = ("id", "created", "status", "name", "phone", "contact", "municipality",
                  "interests", "source", "came_from", "campaign", "channel", "story",
                  "story_title", "placement", "publication", "code", "consent_at",
                  "policy_version", "completed_at")
DUPLICATE_COLUMNS = ("group", "id", "created", "name", "phone", "phone_from", "municipality",
                     "source", "channel", "code")
UNFINISHED_COLUMNS = ("id", "started", "last_message", "step", "status", "source", "channel",
                      "code", "erased_after")
STATUSES = tuple(status.value for status in SignupStatus)
HEADERS = {**SHARED_HEADERS, "contact": _l("Contact"), "interests": _l("Would help with"),
           "publication": _l("Publication"), "consent_at": _l("Consent given"),
           "policy_version": _l("Policy version"), "completed_at": _l("Completed"),
           "group": _l("Group"), "phone_from": _l("Phone given by"), "started": _l("Started"),
           "last_message": _l("Last message"), "step": _l("Step"),
           "erased_after": _l("Erased after"), "merged_into": _l("Merged into"),
           "came from": _l("Code given to"), "same phone as": _l("Same phone as"),
           "person": _l("Account"), "dialog": _l("Dialog"), "code_given": _l("Code given"),
           "came_from": _l("Came from"), "story_title": _l("Story title"),
           # Not the shared "Source": a card shows both, and both read «Откуда» in Russian.
           "source": _l("Signed up via")}
# The bot's question an unfinished dialog stopped at, as a table names it (outreach/signups/
# desk.py's steps); JSON and CSV keep the step's identifier.
STEPS = {"consent": _l("consent"), "name": _l("name"), "phone": _l("phone"),
         "municipality": _l("where they live"), "municipality_other": _l("where they live"),
         "interests": _l("what they would help with"),
         "interests_other": _l("what they would help with")}
# A card's line names where a table's header («НОМЕР», also the metavar) would shout.
CARD_HEADERS = {"id": _l("Number")}
# Where the person lives, as they gave it (stats --by municipality is where the story was).
LIST_HEADERS = {**HEADERS, "municipality": _l("Lives in")}


def _header(key: str) -> str:
    return str(HEADERS.get(key, key))


@click.group()
def signups() -> None:
    """New volunteers: add, import, list, export, merge and forget sign-ups."""



def _phone_from(row: Any, person: bool) -> str | None:
    """Who gave the phone: the platform vouched, a coordinator typed it, or anyone typed it.

    In the reader's words for a ``person``; for scripts, the same words in every language.
    """
    from outreach.signups.merging import COORDINATOR_SOURCES

    if not row.phone:
        return None
    if not person:
        if row.phone_confirmed:
            return f"{row.source} account"
        return "coordinator" if row.source in COORDINATOR_SOURCES else "typed"
    if row.phone_confirmed:
        return _("{platform} account").format(platform=row.source)
    return _("coordinator") if row.source in COORDINATOR_SOURCES else _("typed")


def _step_words(step: str | None, fmt: str) -> str | None:
    return str(STEPS[step]) if fmt == "table" and step in STEPS else step


def _source_words(source: str | None) -> str | None:
    """How a sign-up was taken, for a person: a coordinator's, or the platform's bot."""
    words = {"offline": _("a coordinator (phone or in person)"),
             "csv": _("a file of paper forms")}
    return words[source] if source in words else source


def _came_from_words(kind: str, where: Origin | None) -> str:
    """Where a sign-up came from, for a table: the post's story, the poster, the outlet."""
    name = (where.story_title or where.placement) if where else None
    words = {"publication": _("post “{name}”") if name else _("a post"),
             "placement": _("poster or stand “{name}”") if name else _("a poster or stand"),
             "outlet": _("press “{name}”") if name else _("the press"),
             "offline": _("no code, added by a coordinator"),
             "unattributed": _("no code")}
    return words[kind].format(name=name)


def _row(item: Listed, zone: zoneinfo.ZoneInfo, masked: bool, fmt: str,
         national: bool = False) -> dict[str, Any]:
    """One sign-up for a listing in ``fmt`` ("table" in the reader's words; "show" a
    person's card); ``national`` writes phones as 8 912 ... (CSV files)."""
    from outreach.signups.phones import mask_phone, pretty_phone
    from outreach.signups.records import came_from

    row, where = item.signup, item.origin
    phone = row.phone and (mask_phone(row.phone, national) if masked
                           else pretty_phone(row.phone, national))
    created = row.created_at.astimezone(zone) if row.created_at else None
    person = fmt in ("table", "show")
    kind = came_from(row, where)
    code = (where.short_code if where else None)
    if code is None and row.code_given:
        code = (_("unknown: {code}") if person else "unknown: {code}").format(
            code=row.code_given)
    elif code is None and where is None:
        code = _("none") if person else "none"
    return {
        "id": row.id,
        "created": moment(created, zone) if person else created,
        "status": label(row.status, SignupStatus) if person else row.status,
        "name": row.name, "phone": phone, "contact": row.contact,
        "phone_from": _phone_from(row, person),
        "merged_into": row.merged_into,
        "municipality": row.municipality, "interests": row.interests,
        "source": _source_words(row.source) if person else row.source,
        "came_from": _came_from_words(kind, where) if person else kind,
        "story": where.story_id if where else None,
        "story_title": where.story_title if where else None,
        "campaign": where.campaign if where else None,
        "channel": (where.channel if where and where.channel else row.channel),
        "placement": where.placement if where else None,
        "publication": where.publication_id if where else None,
        "code": code,
        "consent_at": moment(row.consent_at, zone) if person else row.consent_at,
        "policy_version": row.policy_version,
        "completed_at": moment(row.completed_at, zone) if person else row.completed_at,
    }


@signups.command("list")
@click.option("--since", type=WHEN,
              help=N_("Only from this date (2026-10-01) or this far back (12h, 7d, 30d)."))
@click.option("--campaign", help=N_("Only sign-ups brought by this campaign (its slug)."))
@click.option("--channel", help=N_("Only sign-ups that came through this channel."))
@click.option("--municipality",
              help=N_("Only people who live in this municipality (as they gave it)."))
@click.option("--status", type=click.Choice(STATUSES), help=N_("Only this status."))
@click.option("--unattributed", is_flag=True, help=N_("Only sign-ups without a known code."))
@click.option("--duplicates", is_flag=True,
              help=N_("Sign-ups that share a phone, in groups: merge or keep them apart."))
@click.option("--unfinished", is_flag=True,
              help=N_("Sign-up dialogs not finished, without what was said in them."))
@format_option()
@click.pass_obj
def list_(app: App, since: When | None, campaign: str | None, channel: str | None,
          municipality: str | None, status: str | None, unattributed: bool, duplicates: bool,
          unfinished: bool, fmt: str) -> None:
    """List sign-ups, newest first. Phones are masked; `export` gives them in full.

    \b
    --duplicates: a phone number proves nothing (anyone can type anyone's), so a
    sign-up whose phone another one has is kept apart and listed here. Compare
    them with `signups show`, then `signups merge KEEP OTHER`, or `signups
    keep-apart ID ID` for different people sharing a phone.
    --unfinished: dialogs people began and did not finish; what they said is
    erased at the time shown ([signups] erase_unfinished_after).

    \b
    "Lives in" is the municipality the person gave; "came from" is what
    brought them: a post (its story), a poster or stand, the press, or no code.
    CSV and JSON say it with `came_from` (`publication`, `placement`,
    `outlet`, `offline`, `unattributed`), `story` and `story_title`.
    """
    from outreach.signups.records import list_signups

    zone = zoneinfo.ZoneInfo(app.config.time_zone)
    if duplicates or unfinished:
        if (duplicates and unfinished or since or campaign or channel or municipality or status
                or unattributed):
            raise click.UsageError(_("--duplicates and --unfinished are lists of their own: "
                                     "give one of them, without other filters"))
        (_list_duplicates if duplicates else _list_unfinished)(app, zone, fmt)
        return
    with app.store.session() as session:
        found = list_signups(session, since=since.at(zone) if since else None,
                             campaign=campaign, channel=channel, status=status,
                             unattributed=unattributed, municipality=municipality)
        if municipality is not None and not found:
            _known_municipality(session, app, municipality)
    echo_rows([_row(item, zone, masked=True, fmt=fmt, national=fmt == "csv")
               for item in found], TABLE_COLUMNS if fmt == "table" else LIST_COLUMNS, fmt,
              empty=_("No sign-ups yet."), headers=LIST_HEADERS)


def _known_municipality(session: Any, app: App, name: str) -> None:
    """Refuse a municipality neither config.toml nor any sign-up names, with a "did you mean"."""
    from outreach.errors import NotFoundError, did_you_mean
    from outreach.signups.records import municipalities, same_place

    known = municipalities(session, app.config)
    if not any(same_place(place, name) for place in known):
        raise NotFoundError(_("no sign-up and no entry of municipalities in config.toml is "
                              "{name!r}").format(name=name) + did_you_mean(name, known))


def _list_duplicates(app: App, zone: zoneinfo.ZoneInfo, fmt: str) -> None:
    from outreach.signups.merging import duplicate_groups
    from outreach.signups.records import Listed, origin

    rows = []
    with app.store.session() as session:
        for number, group in enumerate(duplicate_groups(session), start=1):
            for row in group:
                listed = Listed(row, origin(session, row.referral_code_id))
                rows.append({**_row(listed, zone, masked=True, fmt=fmt,
                                    national=fmt == "csv"), "group": number})
    echo_rows(rows, DUPLICATE_COLUMNS, fmt, empty=_("No sign-ups share a phone."),
              headers=HEADERS)


def _list_unfinished(app: App, zone: zoneinfo.ZoneInfo, fmt: str) -> None:
    from outreach.signups.records import Listed, origin, unfinished

    keep = app.config.signups.erase_unfinished_after
    rows = []
    with app.store.session() as session:
        for row in unfinished(session):
            shown = _row(Listed(row, origin(session, row.referral_code_id)), zone, masked=True,
                         fmt=fmt)
            last = row.updated_at or row.created_at
            erased = last + keep if last else None
            if fmt != "table":
                last, erased = (t and t.astimezone(zone) for t in (last, erased))
            rows.append({  # nothing of what they said: only that a dialog is there
                "id": row.id, "started": shown["created"],
                "last_message": moment(last, zone) if fmt == "table" else last,
                "step": _step_words((row.dialog or {}).get("step"), fmt),
                "status": shown["status"],
                "source": row.source, "channel": shown["channel"], "code": shown["code"],
                "erased_after": moment(erased, zone) if fmt == "table" else erased})
    echo_rows(rows, UNFINISHED_COLUMNS, fmt, empty=_("No unfinished sign-ups."),
              headers=HEADERS)


@signups.command("show")
@click.argument("signup_id", type=int, metavar=N_("ID"))
@click.pass_obj
def show(app: App, signup_id: int) -> None:
    """Everything about one sign-up, phone in full."""
    from outreach.signups.merging import same_phone
    from outreach.signups.records import Listed, get_signup, origin

    zone = zoneinfo.ZoneInfo(app.config.time_zone)
    with app.store.session() as session:
        row = get_signup(session, signup_id)
        item = Listed(row, origin(session, row.referral_code_id))
        same = [other.id for other in same_phone(session, row.phone, exclude=row.id)]
    shown = _row(item, zone, masked=False, fmt="show")
    if item.origin is not None:
        shown["came from"] = item.origin.describe()
    if same:
        shown["same phone as"] = ", ".join(str(signup_id) for signup_id in same)
    for line in aligned([(str(CARD_HEADERS.get(key) or _header(key)), value)
                         for key, value in shown.items()
                         if value is not None]):
        click.echo(line)


@signups.command("add")
@click.option("--name", required=True, help=N_("First and last name."))
@click.option("--phone", required=True, help=N_("Phone number: +7 912 345-67-89, 8 912 ..."))
@click.option("--municipality", help=N_("Town or district, from the config's list."))
@click.option("--code", help=N_("The code from the poster or said on the phone (MAC-7), "
                                "in Russian or Latin letters."))
@click.option("--interests", help=N_("What they would like to help with."))
@click.option("--unattributed", is_flag=True,
              help=N_("Keep the sign-up even when the code is unknown."))
@click.pass_obj
def add(app: App, name: str, phone: str, municipality: str | None, code: str | None,
        interests: str | None, unattributed: bool) -> None:
    """Add a sign-up taken on the phone or in person (they agreed to data processing)."""
    from outreach.signups.offline import Entry, add_signup

    added = add_signup(app.store, app.config,
                       Entry(name=name, phone=phone, municipality=municipality, code=code,
                             interests=interests), unattributed=unattributed)
    if added.updated:
        done = (_("Updated sign-up {id}.") if added.attributed
                else _("Updated sign-up {id} (without a code)."))
    else:
        done = (_("Added sign-up {id}.") if added.attributed
                else _("Added sign-up {id} (without a code)."))
    click.echo(done.format(id=added.signup_id))
    if added.same_phone:
        others = ", ".join(str(signup_id) for signup_id in added.same_phone)
        click.echo(_("The same phone is on sign-up {others}: if it is the same person, merge "
                     "them (outreach signups merge {keep} {other}); see outreach signups list "
                     "--duplicates.").format(others=others, keep=added.same_phone[0],
                                             other=added.signup_id))


@signups.command("import")
@click.argument("file", type=click.Path(path_type=Path), metavar=N_("FILE"))
@click.option("--consent-on-paper", is_flag=True,
              help=N_("Confirm every form in the file was signed (consent to data processing)."))
@click.option("--unattributed", is_flag=True,
              help=N_("Keep rows whose code is unknown, without a code."))
@click.pass_obj
def import_(app: App, file: Path, consent_on_paper: bool, unattributed: bool) -> None:
    """Import paper forms typed into a CSV: name, phone, municipality, code, interests,
    consent_date. Valid rows are stored; the others are listed with their line."""
    from outreach.errors import OutreachError
    from outreach.signups.offline import import_csv

    if not consent_on_paper:
        raise OutreachError(_("a sign-up needs the person's consent: add --consent-on-paper "
                              "to confirm every form in the file was signed"))
    report = import_csv(app.store, app.config, file, unattributed=unattributed)
    click.echo(_("{file}: {added} added, {updated} updated, {rejected} rejected.").format(
        file=file, added=format_number(report.stored), updated=format_number(report.updated),
        rejected=format_number(len(report.rejected))))
    for line, reason in report.rejected:
        click.echo("  " + _("line {line}: {reason}").format(line=line, reason=reason))
    if report.same_phone:
        lines = ", ".join(str(line) for line, _reason in report.same_phone)
        count = len(report.same_phone)
        click.echo(ngettext("{count} row has a phone another sign-up has (line {lines}): see "
                            "outreach signups list --duplicates.",
                            "{count} rows have a phone another sign-up has (lines {lines}): "
                            "see outreach signups list --duplicates.", count).format(
            count=format_number(count), lines=lines))
    if report.rejected:
        raise click.exceptions.Exit(1)


@signups.command("export")
@click.argument("file", type=click.Path(path_type=Path), metavar=N_("FILE"))
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True,
              help=N_("Output format."))
@click.option("--i-know-this-contains-personal-data", "acknowledged", is_flag=True,
              help=N_("Required: the file holds names and phone numbers. Keep it safe."))
@click.pass_obj
def export(app: App, file: Path, fmt: str, acknowledged: bool) -> None:
    """Write every sign-up not forgotten, with phones in full, to FILE.

    For spreadsheets: phones are written 8 912 345-67-89, and a cell that would
    start with = + - @ (a formula to Excel) starts with an apostrophe instead.
    """
    import os

    from outreach.errors import OutreachError
    from outreach.signups.records import list_signups

    if not acknowledged:
        raise OutreachError(_("the export holds names and phone numbers: add "
                              "--i-know-this-contains-personal-data to write it, and keep "
                              "the file where only coordinators can read it"))
    zone = zoneinfo.ZoneInfo(app.config.time_zone)
    with app.store.session() as session:
        found = [item for item in list_signups(session)
                 if item.signup.status not in (SignupStatus.forgotten, SignupStatus.merged)]
    text = render([_row(item, zone, masked=False, fmt=fmt, national=True) for item in found],
                  EXPORT_COLUMNS, fmt)
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    except OSError as exc:
        raise OutreachError(_("cannot write {file}: {reason}").format(
            file=file, reason=exc.strerror)) from None
    click.echo(ngettext("Wrote {count} sign-up to {file} (readable by you only).",
                        "Wrote {count} sign-ups to {file} (readable by you only).",
                        len(found)).format(count=format_number(len(found)), file=file))


@signups.command("forget")
@click.argument("signup_id", type=int, metavar=N_("ID"))
@click.pass_obj
def forget(app: App, signup_id: int) -> None:
    """Erase a person's data on their request; the anonymous count of where they came from
    (and their municipality) stays."""
    from outreach.signups.records import forget as erase

    with app.store.session() as session:
        erased = erase(session, signup_id)
    app.store.purge_erased()  # after the commit: the old bytes leave the database's files
    names = ", ".join(_header(name).lower() for name in erased) if erased else _(
        "nothing (already erased)")
    click.echo(_("Sign-up {id} forgotten. Erased: {fields}. Kept: when, source, municipality "
                 "and the code that brought them, for the counts.").format(id=signup_id,
                                                                            fields=names))



@signups.command("merge")
@click.argument("keep_id", type=int, metavar=N_("KEEP_ID"))
@click.argument("other_id", type=int, metavar=N_("OTHER_ID"))
@click.pass_obj
def merge(app: App, keep_id: int, other_id: int) -> None:
    """Merge sign-up OTHER_ID into KEEP_ID: one person signed up twice.

    KEEP_ID keeps everything it holds and takes from OTHER_ID only what it
    lacks. OTHER_ID stays as an anonymous record of where it came from, so the
    counts stay true: the person counts once, for the code that brought them
    first. Check with `signups show` first: a phone number alone proves nothing.
    """
    from outreach.db.models import utcnow
    from outreach.signups.merging import merge as join

    with app.store.session() as session:
        join(session, keep_id, other_id, utcnow())
    click.echo(_("Merged sign-up {other} into {keep}. Sign-up {other} keeps only where it "
                 "came from, for the counts.").format(other=other_id, keep=keep_id))


@signups.command("keep-apart")
@click.argument("signup_ids", type=int, nargs=-1, required=True, metavar=N_("ID"))
@click.pass_obj
def keep_apart(app: App, signup_ids: tuple[int, ...]) -> None:
    """Mark sign-ups that share a phone as different people (a couple with one home
    phone), so they leave `signups list --duplicates`."""
    from outreach.db.models import utcnow
    from outreach.signups.merging import keep_apart as separate

    with app.store.session() as session:
        separate(session, list(signup_ids), utcnow())
    listed = ", ".join(str(signup_id) for signup_id in signup_ids)
    click.echo(_("Sign-ups {ids} are kept apart: different people sharing a phone.").format(
        ids=listed))
