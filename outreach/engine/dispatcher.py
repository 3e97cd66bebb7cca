"""Dispatching: claim due publications, publish them through their channel, record the result.

Each channel has its own workers (``Channel.max_concurrency``), so a slow or
failing channel never holds up the others. A plugin call that outlasts
``Channel.call_timeout`` is left running and its publication becomes
``uncertain`` (unless the plugin can prove the post exists); should the call
return later with the post's id, the publication is settled as published.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outreach.db.models import utcnow
from outreach.db.states import AttemptOutcome, PublicationStatus
from outreach.engine import liveness, outbox
from outreach.engine.alarm import StoreAlarm
from outreach.engine.posts import PublicationCancelled, build_post
from outreach.errors import AuthError, OutreachError, RateLimitedError, StoreError, TransientError
from outreach.i18n import _, format_datetime, format_number, format_time, ngettext

if TYPE_CHECKING:
    from outreach.campaigns.spec import CampaignSpec
    from outreach.channels import Channel, Post, Published
    from outreach.config import Config
    from outreach.db import Store
    from outreach.platforms.registry import Registry

log = logging.getLogger("outreach.dispatcher")

LEASE = dt.timedelta(minutes=10)
# Calls left running past their timeout; past this many a channel takes no new work.
MAX_ABANDONED = 3


@dataclass
class _Lane:
    """One channel's workers and what they are doing."""

    pool: ThreadPoolExecutor
    capacity: int
    busy: int = 0
    abandoned: int = 0


class Dispatcher:
    """Publishes due publications of every ready channel; safe to run in several workers."""

    def __init__(self, store: Store, config: Config, registry: Registry,
                 specs: Callable[[], Mapping[int, CampaignSpec]], worker: str,
                 clock: Callable[[], dt.datetime] = utcnow, lease: dt.timedelta = LEASE,
                 on_free: Callable[[], None] | None = None,
                 holder: liveness.Holder | None = None, alarm: StoreAlarm | None = None) -> None:
        from outreach.media.renditions import RenditionCache

        self.store = store
        self.config = config
        self.registry = registry
        self.specs = specs  # campaign id -> its last valid spec
        self.worker = worker
        self.holder = holder or liveness.current()  # this process, as its leases record it
        self.clock = clock
        self.lease = lease
        self.on_free = on_free  # called when a lane has room again (wakes the loop)
        self.alarm = alarm or StoreAlarm()  # the database's trouble, said once
        self.cache = RenditionCache(config.cache_dir)
        self._lanes: dict[str, _Lane] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._stopping = threading.Event()
        # Calls left running past their timeout: stop() gives them the same grace.
        self._abandoned: set[threading.Thread] = set()

    # --- the loop -----------------------------------------------------------

    def tick(self) -> int:
        """Reconcile dead workers' leases, then start every due publication there is room for."""
        if self._stopping.is_set():
            return 0
        self.reconcile_expired()
        started = 0
        for name in self._channel_names():
            lane = self._lane(name)
            if lane is None:
                continue
            with self._lock:
                room = lane.capacity - lane.busy
                if lane.abandoned >= MAX_ABANDONED:
                    room = 0
            if room <= 0:
                continue
            claimed = outbox.claim(self.store, self.worker, self.clock(), self.lease,
                                   limit=room, channels=[name], holder=self.holder)
            for item in claimed:
                with self._lock:
                    lane.busy += 1
                lane.pool.submit(self._process, name, item)
                started += 1
        return started

    def busy(self) -> int:
        """Publications in flight in this process."""
        with self._lock:
            return self._in_flight()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no publication is in flight in this process."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight() == 0, timeout)

    def _in_flight(self) -> int:  # with self._lock held
        return sum(lane.busy for lane in self._lanes.values())

    def stop(self, timeout: float = 5.0) -> None:
        """Take no new work, let calls in flight finish for up to ``timeout`` seconds.

        Calls abandoned past their timeout get what is left of it: one that ends
        now still has its result recorded, and none logs after the dispatcher is gone
        unless the plugin keeps hanging.
        """
        deadline = time.monotonic() + timeout
        self._stopping.set()
        self.wait_idle(timeout)
        for lane in self._lanes.values():
            lane.pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            abandoned = list(self._abandoned)
        for caller in abandoned:
            caller.join(max(0.0, deadline - time.monotonic()))

    def _channel_names(self) -> list[str]:
        return sorted(s.name for s in self.registry.statuses())

    def _lane(self, name: str) -> _Lane | None:
        if name in self._lanes:
            return self._lanes[name]
        try:
            plugin = self.registry.plugin_class(name)
        except OutreachError:
            plugin = None
        capacity = max(1, getattr(plugin, "max_concurrency", 1))
        lane = _Lane(ThreadPoolExecutor(capacity, thread_name_prefix=f"publish-{name}"), capacity)
        self._lanes[name] = lane
        return lane

    # --- one publication -----------------------------------------------------

    def _process(self, channel_name: str, item: outbox.Claimed) -> None:
        try:
            self._publish(channel_name, item)
        except StoreError as exc:  # the lease expires; the row is settled once the store works
            self.alarm.trouble(exc)
        except Exception:  # a bug here must not kill the lane; the lease will expire
            log.exception(_("Publication {id}: an unexpected error while publishing it; it "
                            "will be checked again when its time is up").format(id=item.id))
        finally:
            with self._idle:
                self._lanes[channel_name].busy -= 1
                self._idle.notify_all()
            if self.on_free is not None:
                self.on_free()

    def _publish(self, channel_name: str, item: outbox.Claimed) -> None:
        try:
            channel = self.registry.get(channel_name)
            post = self.build_post(item.id, channel)
        except PublicationCancelled as reason:
            self._stop(item, PublicationStatus.cancelled, AttemptOutcome.permanent, str(reason))
            return
        except OutreachError as exc:
            self._failed(channel_name, item, exc)
            return
        outcome: dict[str, Any] = {}
        done = threading.Event()
        handoff = threading.Lock()  # decides, once, who records the outcome
        late = False

        def call() -> None:
            try:
                outcome["published"] = channel.publish(post)
            except BaseException as exc:  # noqa: BLE001  (reported below, in this worker)
                outcome["error"] = exc
            with handoff:
                done.set()
                given_up = late
            if given_up:
                try:
                    self._late_result(channel_name, item, outcome)
                finally:
                    with self._lock:
                        self._abandoned.discard(caller)

        caller = threading.Thread(target=call, name=f"call-{channel_name}-{item.id}", daemon=True)
        caller.start()
        if not done.wait(channel.call_timeout):
            with handoff:
                late = not done.is_set()
                if late:  # counted before the call can report back and uncount it
                    with self._lock:
                        self._lanes[channel_name].abandoned += 1
                        self._abandoned.add(caller)
            if late:
                self._timed_out(channel, item, post)
                return
        if "published" in outcome:
            self._published(channel_name, item, outcome["published"])
        else:
            self._failed(channel_name, item, outcome["error"])

    def _published(self, channel_name: str, item: outbox.Claimed, published: Published) -> None:
        where = published.url or published.external_id
        if outbox.record_published(self.store, item.id, item.attempt, self.worker, self.clock(),
                                   published):
            log.info(_("Published: {what}: {where}").format(
                what=self._what(item.id, channel_name), where=where))
        else:
            log.error(_("Published late: {what}: {where}. Another worker may have published "
                        "it as well: check the channel for a duplicate").format(
                what=self._what(item.id, channel_name), where=where))

    def _failed(self, channel_name: str, item: outbox.Claimed, error: BaseException) -> None:
        now = self.clock()
        message = self.registry.redact(channel_name, _describe(error))
        if isinstance(error, RateLimitedError):
            wait = dt.timedelta(seconds=error.retry_after) if error.retry_after else \
                outbox.backoff(item.attempt)
            self._retry(item, now, AttemptOutcome.rate_limited, message, now + wait)
        elif isinstance(error, AuthError):
            self._stop(item, PublicationStatus.failed, AttemptOutcome.auth, message)
        elif isinstance(error, OutreachError) and not isinstance(error, TransientError):
            # PermanentError, a channel that is not ready, a photo that cannot be read...
            self._stop(item, PublicationStatus.failed, AttemptOutcome.permanent, message)
        else:  # TransientError, or an unexpected exception from the plugin
            self._retry(item, now, AttemptOutcome.transient, message,
                        now + outbox.backoff(item.attempt))

    def _retry(self, item: outbox.Claimed, now: dt.datetime, outcome: str, message: str,
               at: dt.datetime) -> None:
        if item.attempt >= outbox.MAX_ATTEMPTS:
            self._stop(item, PublicationStatus.failed, outcome, ngettext(
                "gave up after {count} attempt: {reason}",
                "gave up after {count} attempts: {reason}", item.attempt).format(
                    count=item.attempt, reason=message))
            return
        outbox.record_retry(self.store, item.id, item.attempt, self.worker, now, outcome,
                            message, at)
        log.warning(_("Not published yet: {what}: {reason}. Next try at {time}").format(
            what=self._what(item.id), reason=message, time=self._local_time(at)))

    def _stop(self, item: outbox.Claimed, status: str, outcome: str, message: str) -> None:
        outbox.record_stopped(self.store, item.id, item.attempt, self.worker, self.clock(),
                              status, outcome, message)
        what = self._what(item.id)
        if status == PublicationStatus.cancelled:
            log.warning(_("Cancelled: {what}: {reason}").format(what=what, reason=message))
        elif status == PublicationStatus.uncertain:
            log.error(_("Unclear whether it was published: {what}: {reason}").format(
                what=what, reason=message))
        else:
            log.error(_("Not published: {what}: {reason}. It waits for a person: "
                        "`outreach publications show {id}`").format(
                what=what, reason=message, id=item.id))

    def _timed_out(self, channel: Channel, item: outbox.Claimed, post: Post) -> None:
        """The call did not return in time: it may still post. Settle what can be proved."""
        message = _("{channel} did not answer within {seconds} s; the post may or may not "
                    "have gone out").format(channel=channel.name,
                                            seconds=format_number(channel.call_timeout))
        verdict = self._reconcile(channel, post, self.clock() - dt.timedelta(
            seconds=channel.call_timeout))
        if verdict is not None and verdict.exists and verdict.published is not None:
            self._published(channel.name, item, verdict.published)
            return
        self._stop(item, PublicationStatus.uncertain, AttemptOutcome.uncertain,
                   _("{reason}: check the channel, then `outreach publications resolve {id} "
                     "--posted URL` or `--not-posted`").format(reason=message, id=item.id))

    def _late_result(self, channel_name: str, item: outbox.Claimed,
                     outcome: Mapping[str, Any]) -> None:
        with self._lock:
            self._lanes[channel_name].abandoned -= 1
        if "published" in outcome:
            self._published(channel_name, item, outcome["published"])
        else:
            log.warning(_("{what}: the call that timed out ended with: {reason}").format(
                what=self._what(item.id, channel_name),
                reason=self.registry.redact(channel_name, _describe(outcome["error"]))))

    # --- crash recovery ------------------------------------------------------

    def reconcile_expired(self) -> None:
        """Settle rows a dead worker left in ``sending``: published, again planned, or uncertain.

        A worker is dead when its lease has run out, or, on this machine, as soon
        as its process is gone (``liveness``): a worker restarted after a crash
        does not leave its predecessor's publications waiting out the lease.
        """
        now = self.clock()
        for publication_id in outbox.expired(self.store, now):
            attempt = outbox.take_over(self.store, publication_id, self.worker, now, self.lease,
                                       holder=self.holder)
            if attempt is not None:  # else another worker took it
                self._settle(outbox.Claimed(publication_id, attempt), now)
        if self.holder.process is None:
            return  # no /proc here: who is dead cannot be told, only the lease's end
        for publication_id, holder in outbox.held_on(self.store, self.holder.host):
            if not liveness.is_gone(holder, self.holder):
                continue
            attempt = outbox.take_over(self.store, publication_id, self.worker, now, self.lease,
                                       holder=self.holder, dead=holder)
            if attempt is not None:
                log.warning(_("Publication {id}: the worker process {pid} that was sending "
                              "it has ended; checking whether the post went out").format(
                    id=publication_id, pid=holder.pid))
                self._settle(outbox.Claimed(publication_id, attempt), now)

    def _settle(self, item: outbox.Claimed, now: dt.datetime) -> None:
        """What became of a publication a dead worker was sending: ask its channel."""
        channel_name, attempted_at = self._attempt_of(item)
        try:
            channel = self.registry.get(channel_name)
            post = self.build_post(item.id, channel)
        except OutreachError as exc:
            self._stop(item, PublicationStatus.uncertain, AttemptOutcome.lease_expired,
                       _("interrupted, and the channel cannot be checked: {reason}").format(
                           reason=exc))
            return
        verdict = self._reconcile(channel, post, attempted_at)
        if verdict is not None and verdict.exists and verdict.published is not None:
            self._published(channel_name, item, verdict.published)
        elif verdict is not None and verdict.exists is False:
            outbox.record_retry(self.store, item.id, item.attempt, self.worker, now,
                                AttemptOutcome.lease_expired,
                                _("interrupted before the post went out; sending again"), now)
        else:
            self._stop(item, PublicationStatus.uncertain, AttemptOutcome.uncertain,
                       _("interrupted while publishing to {channel}, which cannot tell "
                         "whether the post went out: check the channel, then `outreach "
                         "publications resolve {id} --posted URL` or `--not-posted`").format(
                           channel=channel_name, id=item.id))

    def _reconcile(self, channel: Channel, post: Post, attempted_at: dt.datetime) -> Any:
        try:
            return channel.reconcile(post, attempted_at)
        except Exception as exc:  # noqa: BLE001  (cannot tell is the safe answer)
            log.warning(_("{what}: the channel could not check for the post: {reason}")
                        .format(what=self._what(post.publication_id, channel.name),
                                reason=self.registry.redact(channel.name, _describe(exc))))
            return None

    def _attempt_of(self, item: outbox.Claimed) -> tuple[str, dt.datetime]:
        from sqlmodel import select

        from outreach.db.models import Publication, PublicationAttempt

        with self.store.session() as session:
            publication = session.get(Publication, item.id)
            assert publication is not None
            attempt = session.exec(select(PublicationAttempt).where(
                PublicationAttempt.publication_id == item.id,
                PublicationAttempt.number == item.attempt)).first()
            started = attempt.started_at if attempt and attempt.started_at else self.clock()
            return publication.channel, started

    # --- what the log says ------------------------------------------------------

    def _what(self, publication_id: int, channel_name: str | None = None) -> str:
        """'Story' → channel 'Its title' (publication N): what a coordinator recognises."""
        from outreach.db.models import Publication, Story

        title = None
        try:
            with self.store.session() as session:
                publication = session.get(Publication, publication_id)
                if publication is not None:
                    channel_name = channel_name or publication.channel
                    story = session.get(Story, publication.story_id)
                    title = story.title if story is not None else None
        except OutreachError:  # the store is away: the ids still say which
            pass
        return describe_publication(publication_id, title, channel_name, self.registry)

    def _local_time(self, at: dt.datetime) -> str:
        """``at`` as the centre's clock shows it: "10:00", or "7 декабря 2026, 10:00"."""
        from zoneinfo import ZoneInfo

        local = at.astimezone(ZoneInfo(self.config.time_zone))
        today = self.clock().astimezone(local.tzinfo).date()
        return format_time(local) if local.date() == today else format_datetime(local)

    # --- what to send ----------------------------------------------------------

    def build_post(self, publication_id: int, channel: Channel) -> Post:
        """The publication as its channel receives it; raises when it cannot be sent."""
        return build_post(self.store, self.config, self.specs(), publication_id, channel,
                          self.cache)


def describe_publication(publication_id: int, title: str | None, channel_name: str | None,
                         registry: Registry) -> str:
    """'Story' → channel 'Its title' (publication N), as much of it as is known."""
    story = _('"{title}"').format(title=title) if title else _("a story")
    channel = registry.describe(channel_name) if channel_name else "?"
    return _("{story} → {channel} (publication {id})").format(
        story=story, channel=channel, id=publication_id)


def _describe(error: BaseException) -> str:
    if isinstance(error, OutreachError):
        return str(error)
    return _("unexpected error in the plugin: {error}").format(
        error=f"{type(error).__name__}: {error}")
