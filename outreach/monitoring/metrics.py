"""The figures a scrape gets: all read from the store at the moment of the scrape.

Every worker of a PostgreSQL set-up that serves metrics answers the same,
like ``outreach status`` (the store is what they share). Names and labels are
stable identifiers: channels by their config.toml name, statuses as stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

import sqlalchemy as sa

from outreach.db.models import Publication, PublicationStatus, ReferralCode, SignUp
from outreach.db.tables import counted
from outreach.engine.health import last_published, publication_counts
from outreach.engine.heartbeat import beats
from outreach.errors import StoreError
from outreach.monitoring.exposition import Family

if TYPE_CHECKING:
    from outreach.db import Store

log = logging.getLogger("outreach.metrics")
#: The statuses of a publication still to go out.
QUEUED = (PublicationStatus.planned.value, PublicationStatus.sending.value)
#: The channel label of a sign-up that no channel's post or code brought.
NO_CHANNEL = "none"


def collect(store: Store, now: dt.datetime) -> list[Family]:
    """Every family, or, when the database cannot be read, that it cannot."""
    up = Family("outreach_up", "gauge", "1 while this outreach run serves its metrics.").add(1)
    database = Family("outreach_database_up", "gauge",
                      "1 when the database could be read for this scrape, 0 when not.")
    try:
        families = _from_store(store, now)
    except (StoreError, sa.exc.SQLAlchemyError) as exc:
        log.warning("%s", exc)
        return [up, database.add(0)]
    return [up, database.add(1), *families]


def _from_store(store: Store, now: dt.datetime) -> list[Family]:
    every = beats(store)
    with store.engine.connect() as connection:
        counts = publication_counts(connection)
        last = last_published(connection)
        signups = _signups(connection)
    workers = Family("outreach_workers_running", "gauge",
                     "outreach run processes whose heartbeat is fresh.")
    workers.add(sum(beat.alive(now) for beat in every))
    heartbeat = Family("outreach_heartbeat_timestamp_seconds", "gauge",
                       "Each worker's last heartbeat (Unix time).")
    for beat in every:
        heartbeat.add(_unix(beat.beat_at), worker=beat.worker)
    publications = Family("outreach_publications", "gauge",
                          "Publications by channel and status.")
    for (channel, status), count in sorted(counts.items()):
        publications.add(count, channel=channel, status=status)
    success = Family("outreach_last_published_timestamp_seconds", "gauge",
                     "Each channel's last successful publication (Unix time).")
    for channel, when in sorted(last.items()):
        success.add(_unix(when), channel=channel)
    queue = Family("outreach_queue_length", "gauge",
                   "Publications planned or being sent, all channels.")
    queue.add(sum(n for (_channel, status), n in counts.items() if status in QUEUED))
    people = Family("outreach_signups", "gauge",
                    f"Completed sign-ups by the channel that brought them ({NO_CHANNEL}: "
                    "none known).")
    for channel, count in sorted(signups.items()):
        people.add(count, channel=channel)
    return [workers, heartbeat, publications, success, queue, people]


def _signups(connection: sa.Connection) -> dict[str, int]:
    """Counted sign-ups by channel: the post's or the referral code's, else the dialog's."""
    s, r, p = SignUp.__table__.c, ReferralCode.__table__.c, Publication.__table__.c
    channel = sa.func.coalesce(p.channel, r.channel, s.channel)
    query = (sa.select(channel, sa.func.count(s.id))
             .select_from(SignUp.__table__
                          .outerjoin(ReferralCode.__table__, r.id == s.referral_code_id)
                          .outerjoin(Publication.__table__, p.id == r.publication_id))
             .where(counted(s)).group_by(channel))
    found: dict[str, int] = {}
    for name, count in connection.execute(query):
        key = name or NO_CHANNEL
        found[key] = found.get(key, 0) + count
    return found


def _unix(when: dt.datetime) -> float:
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()
