"""``outreach run``: the scheduler, planner, dispatcher and collectors in one process.

The store is the truth; APScheduler only wakes things up. On start the
service plans what it missed (within each campaign's grace window, once),
then publishes due publications as they fall due. Campaign files are re-read
when they change (and on SIGHUP): a new file starts, a removed or inactive
one stops, an invalid one is reported and its last valid version keeps
running.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from outreach.db.models import utcnow
from outreach.engine import heartbeat
from outreach.engine.alarm import StoreAlarm
from outreach.engine.collectors import collect_audience, collect_engagement
from outreach.engine.dispatcher import Dispatcher
from outreach.engine.leases import StoreLeases
from outreach.engine.locks import PlannerLock
from outreach.engine.planner import plan_due, sync_campaigns
from outreach.engine.records import StoreRecords
from outreach.engine.triggers import SlotTrigger
from outreach.errors import OutreachError, StoreError
from outreach.i18n import _, ngettext
from outreach.library.posts import StoreLibrary

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from outreach.campaigns.spec import CampaignSpec
    from outreach.channels import Channel
    from outreach.config import Config
    from outreach.db import Store
    from outreach.engine.returns import ReturnsReport
    from outreach.errors import Problem
    from outreach.platforms.registry import Registry
    from outreach.signups.desk import StoreDesk

log = logging.getLogger("outreach.service")

RELOAD_EVERY = dt.timedelta(seconds=5)
SWEEP_EVERY = dt.timedelta(seconds=60)
COLLECT_EVERY = dt.timedelta(minutes=10)
#: How often channels are asked what came back (e-mails to editors that bounced).
RETURNS_EVERY = dt.timedelta(minutes=10)
# How often reporters and coordinators are told what became of publications.
NEWS_EVERY = dt.timedelta(minutes=1)
TIDY_EVERY = dt.timedelta(hours=1)  # unfinished sign-ups and old bot events: see tidy()
#: Seconds ``stop`` lets calls in flight finish (a systemd unit's stop timeout allows for it).
STOP_GRACE = 5.0
POLL = 1.0  # seconds between looks at the outbox when nothing wakes the dispatcher
# Slots are planned this long before they fall due, so that publications wait
# in the outbox when their time comes even when many campaigns share a minute.
PLAN_AHEAD = dt.timedelta(minutes=2)


@dataclass
class OnceReport:
    planned: int = 0
    empty: int = 0
    skipped: int = 0
    published: int = 0
    problems: list[str] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Service:
    def __init__(self, config: Config, store: Store, registry: Registry, *,
                 worker: str | None = None, clock: Callable[[], dt.datetime] = utcnow,
                 speed: float = 1.0) -> None:
        #: How much faster than real time engagement is collected (a sandbox demo).
        self.speed = speed
        self.config = config
        self.store = store
        self.registry = registry
        self.worker = worker or worker_name()
        self.clock = clock
        self.lock = PlannerLock(store)
        #: The database's trouble, said once for every job that meets it.
        self.alarm = StoreAlarm()
        # One reader per bot among every worker of this store (see outreach.engine.leases).
        self.leases = StoreLeases(store, self.worker, alarm=self.alarm)
        registry.leases = self.leases
        # Channels' notes (e.g. an e-mail being sent) in the store, seen by every worker.
        registry.records = functools.partial(StoreRecords, store)
        # A stand made when a publication goes out shows its municipality's latest reports.
        registry.library = StoreLibrary(config, lambda: store)
        self.specs: dict[str, CampaignSpec] = {}  # slug -> last valid spec
        self.ids: dict[str, int] = {}  # slug -> campaign id
        self._mtimes: dict[str, int] | None = None
        self._plan_lock = threading.Lock()
        self._pending_lock = threading.Lock()
        self._pending: set[str] = set()
        self._pending_all = False
        self._plan_wake = threading.Event()
        self._intake: list[Channel] = []
        self._desk: StoreDesk | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._scheduler: BackgroundScheduler | None = None
        self.dispatcher = Dispatcher(store, config, registry, self._specs_by_id, self.worker,
                                     clock=clock, on_free=self._wake.set, alarm=self.alarm)

    def _specs_by_id(self) -> dict[int, CampaignSpec]:
        return {self.ids[slug]: spec for slug, spec in self.specs.items() if slug in self.ids}

    # --- campaigns ------------------------------------------------------------

    def load_campaigns(self) -> list[Problem]:
        """Read every campaign file; keep the last valid version of an invalid one."""
        from outreach.campaigns.printing import format_problems, printing_channels
        from outreach.campaigns.spec import campaign_files, read_campaign

        problems: list[Problem] = []
        found: dict[str, CampaignSpec] = {}
        for path in campaign_files(self.config):
            spec, file_problems = read_campaign(path, self.config)
            if spec is not None:
                file_problems += format_problems(
                    spec, printing_channels(spec, self.config, self.registry))
            if spec is not None and not file_problems:
                found[spec.slug] = spec
                continue
            problems.extend(file_problems)
            if path.stem in self.specs:
                found[path.stem] = self.specs[path.stem]
                log.error(_("Campaign file {path} has mistakes; its last correct version keeps "
                            "running").format(path=path))
            else:
                log.error(_("Campaign file {path} has mistakes and was not started").format(
                    path=path))
        for problem in problems:
            log.error("%s", problem)
        started = sorted(set(found) - set(self.specs))
        stopped = sorted(set(self.specs) - set(found))
        self.specs = found
        self.ids = sync_campaigns(self.store, found.values())
        for slug in started:
            log.info(_("Campaign {slug} loaded: \"{name}\"").format(
                name=found[slug].name, slug=slug))
        for slug in stopped:
            log.info(_("Campaign {slug} stopped: its file is gone").format(slug=slug))
        self._schedule_campaigns()
        return problems

    def reload_if_changed(self) -> None:
        from outreach.campaigns.spec import campaign_files

        current = {}
        for path in campaign_files(self.config):
            try:
                current[path.stem] = path.stat().st_mtime_ns
            except OSError:
                continue
        if current == self._mtimes:
            return
        first, self._mtimes = self._mtimes is None, current
        if not first:
            log.info(_("Campaign files changed; reading them again"))
            self.load_campaigns()
            self.request_plan()

    # --- planning ---------------------------------------------------------------

    def request_plan(self, slugs: list[str] | None = None) -> None:
        """Ask the planner thread for a pass over these (or all) campaigns.

        Requests made while it plans are gathered into its next pass, so a
        thousand campaigns falling due together cost one pass, not a queue.
        """
        with self._pending_lock:
            if slugs is None:
                self._pending_all = True
            else:
                self._pending.update(slugs)
        self._plan_wake.set()

    def _plan_loop(self) -> None:
        while not self._stop.is_set():
            self._plan_wake.wait(POLL)
            self._plan_wake.clear()
            with self._pending_lock:
                every, slugs = self._pending_all, sorted(self._pending)
                self._pending_all, self._pending = False, set()
            if every or slugs:
                # uses_store=False: a worker that is not the planner reads nothing.
                with self.alarm.job(lambda: _("Planning failed; trying again shortly"),
                                    uses_store=False):
                    self.plan(None if every else slugs, ahead=PLAN_AHEAD)

    def plan(self, slugs: list[str] | None = None,
             ahead: dt.timedelta = dt.timedelta(0)) -> OnceReport:
        """Plan every due slot of the given (or all) campaigns, if this worker is the planner."""
        report = OnceReport()
        if not self.lock.acquire():
            return report
        with self._plan_lock:
            now = self.clock()
            for slug in slugs or sorted(self.specs):
                spec = self.specs.get(slug)
                if spec is None or slug not in self.ids:
                    continue
                try:
                    result = plan_due(self.store, self.config, spec, self.ids[slug], now, ahead)
                except StoreError:
                    raise  # the database's, not the campaign's: said once by the caller
                except Exception as exc:  # one campaign's failure must not stop the others
                    log.exception(_("Campaign {slug} could not be planned").format(slug=slug))
                    report.problems.append(f"{slug}: {exc}")
                    continue
                report.planned += sum(count for _, count in result.planned)
                report.empty += len(result.empty)
                report.skipped += result.skipped
        if report.planned:
            self._wake.set()
        return report

    # --- collecting --------------------------------------------------------------

    def collect(self) -> None:
        now = self.clock()
        collect_engagement(self.store, self.registry, now, self.speed)
        collect_audience(self.store, self.registry, now, self.speed)

    def read_returns(self) -> ReturnsReport:
        """Record publications that came back after publishing (``outreach.engine.returns``)."""
        from outreach.engine.returns import read_returns

        return read_returns(self.store, self.registry)

    def tidy(self) -> int:
        """Erase what people said in sign-up dialogs they left (``[signups]`` says when),
        and forget the ids of the bots' events that can no longer come again."""
        from outreach.fieldreports.desk import erase_abandoned
        from outreach.signups.events import forget_old
        from outreach.signups.records import erase_unfinished

        now = self.clock()
        reports = erase_abandoned(self.store, self.config.data_dir, now)
        if reports:
            log.info(ngettext("Erased {count} photo report left unfinished for a day",
                              "Erased {count} photo reports left unfinished for a day",
                              reports).format(count=reports))
        erased = erase_unfinished(self.store, self.config, now)
        if erased:
            log.info(ngettext("Erased {count} unfinished sign-up",
                              "Erased {count} unfinished sign-ups", erased).format(count=erased))
        forget_old(self.store, now)
        if erased or (self._desk is not None and self._desk.erasures):
            # Once an hour at most: on PostgreSQL this rewrites the sign-up table.
            try:
                self.store.purge_erased()
                if self._desk is not None:
                    self._desk.erasures = 0
            except OutreachError as exc:
                log.warning("%s", exc)
        return erased

    # --- running -----------------------------------------------------------------

    def run_once(self, timeout: float = 600.0) -> OnceReport:
        """Do everything that is due now, wait for it to finish, and return.

        Beats like ``start`` and ``stop`` do, so ``outreach status`` shows when it last ran.
        """
        heartbeat.beat(self.store, self.worker, self.clock(), starting=True)
        try:
            return self._run_once(timeout)
        finally:
            with self.alarm.job(lambda: _("Recording that the service is running failed")):
                heartbeat.stopped(self.store, self.worker, self.clock())

    def _run_once(self, timeout: float) -> OnceReport:
        from outreach.engine.outbox import next_due

        problems = self.load_campaigns()
        report = self.plan()
        report.problems.extend(str(p) for p in problems)
        deadline = self.clock() + dt.timedelta(seconds=timeout)
        # Only channels of this config: a row for a channel since removed is never due here.
        channels = [status.name for status in self.registry.statuses()]
        while self.clock() < deadline:
            self._wake.clear()  # set when a lane has room again, so one slow lane holds none
            started = self.dispatcher.tick()
            report.published += started
            if not started and self.dispatcher.busy() == 0:
                due = next_due(self.store, channels)
                if due is None or due > self.clock():
                    break
            self._wake.wait(timeout=1.0)
        self.collect()
        report.problems.extend(self.read_returns().problems)
        return report

    def start(self) -> None:
        """Load campaigns, catch up, and start the scheduler and the dispatcher thread."""
        from apscheduler.schedulers.background import BackgroundScheduler

        self._scheduler = BackgroundScheduler(
            timezone=dt.UTC, job_defaults={"coalesce": True, "max_instances": 1},
            executors={"default": {"type": "threadpool", "max_workers": 2}})
        self._scheduler.start()
        heartbeat.beat(self.store, self.worker, self.clock(), starting=True)
        self.load_campaigns()
        self.reload_if_changed()
        report = self.plan(ahead=PLAN_AHEAD)
        if report.skipped:
            log.warning(ngettext(
                "{count} slot missed while the service was not running was skipped",
                "{count} slots missed while the service was not running were skipped",
                report.skipped).format(count=report.skipped))
        sched = self._scheduler
        # The safety net: plan anything due that a slot's trigger did not wake (clock jumps).
        sched.add_job(self.request_plan, "interval", id="sweep",
                      seconds=SWEEP_EVERY.total_seconds())
        sched.add_job(self.scheduled_reload, "interval", id="reload",
                      seconds=RELOAD_EVERY.total_seconds())
        sched.add_job(self.scheduled_collect, "interval", id="collect",
                      seconds=max(5.0, COLLECT_EVERY.total_seconds() / self.speed),
                      next_run_time=dt.datetime.now(dt.UTC))
        sched.add_job(self.scheduled_returns, "interval", id="returns",
                      seconds=max(5.0, RETURNS_EVERY.total_seconds() / self.speed),
                      next_run_time=dt.datetime.now(dt.UTC))
        sched.add_job(self.scheduled_beat, "interval", id="heartbeat",
                      seconds=heartbeat.EVERY.total_seconds())
        sched.add_job(self.scheduled_news, "interval", id="news",
                      seconds=max(5.0, NEWS_EVERY.total_seconds() / self.speed))
        sched.add_job(self.scheduled_tidy, "interval", id="tidy",
                      seconds=TIDY_EVERY.total_seconds(), next_run_time=dt.datetime.now(dt.UTC))
        self._thread = threading.Thread(target=self._dispatch_loop, name="dispatcher",
                                        daemon=True)
        self._thread.start()
        self._planner = threading.Thread(target=self._plan_loop, name="planner", daemon=True)
        self._planner.start()
        self._start_intake()
        campaigns, channels = len(self.specs), len(self.registry.statuses())
        log.info(_("Outreach is running as {worker} with {campaigns} and {channels}").format(
            worker=self.worker,
            campaigns=ngettext("{count} campaign", "{count} campaigns", campaigns).format(
                count=campaigns),
            channels=ngettext("{count} channel", "{count} channels", channels).format(
                count=channels)))

    # What the scheduler runs: a job's database trouble is said once (``StoreAlarm``),
    # and no error escapes into APScheduler, which would log a traceback each run.

    def scheduled_reload(self) -> None:
        with self.alarm.job(lambda: _("Reading the campaign files failed"), uses_store=False):
            self.reload_if_changed()

    def scheduled_collect(self) -> None:
        with self.alarm.job(lambda: _("Collecting engagement failed; trying again later")):
            self.collect()

    def scheduled_returns(self) -> None:
        with self.alarm.job(lambda: _("Reading what came back (bounced e-mails) failed; "
                                      "trying again later")):
            self.read_returns()

    def scheduled_beat(self) -> None:
        with self.alarm.job(lambda: _("Recording that the service is running failed")):
            heartbeat.beat(self.store, self.worker, self.clock())

    def scheduled_news(self) -> None:
        with self.alarm.job(lambda: _("Telling reporters and coordinators about publications "
                                      "failed; trying again in a minute")):
            self.tell_news()

    def tell_news(self) -> int:
        """Tell reporters of their published reports, coordinators of publications that need
        them (``outreach.fieldreports.news``); how many messages went out."""
        from outreach.engine.publications import button_actions
        from outreach.fieldreports.decisions import Decisions
        from outreach.fieldreports.news import News

        news = News(self.store, self.config, self.registry,
                    Decisions(self.store, self.config, self.registry, button_actions()))
        return news.tell(self.clock())

    def scheduled_tidy(self) -> None:
        with self.alarm.job(lambda: _("Erasing unfinished sign-ups failed; trying again "
                                      "in an hour")):
            self.tidy()

    def _start_intake(self) -> None:
        """Hand people who write to the channels' bots to the front desk: invitations,
        photo reports and coordinators' buttons (``outreach.fieldreports``), and sign-ups."""
        from outreach.engine.publications import button_actions
        from outreach.fieldreports.desk import FrontDesk
        from outreach.people.roster import anyone
        from outreach.signups.desk import StoreDesk

        signups = self.config.signups.enabled
        if not signups:  # a bot must not ask consent to no policy
            log.info(_("sign-up bots are off: config.toml has no [signups] section with the "
                       "personal-data policy people consent to (see docs/signups.md)"))
            if not anyone(self.store):
                return
        if signups:
            self._desk = StoreDesk(self.store, self.config, self.registry)
        desk = FrontDesk(self.store, self.config, self.registry, self._desk,
                         actions=button_actions())
        for status in self.registry.statuses():
            if status.state != "ready":
                continue
            try:
                channel = self.registry.get(status.name)
                if not channel.capabilities.signups:
                    continue
                channel.start_intake(desk)
            except Exception as exc:  # one channel's bot must not stop the service
                log.error(_("The sign-up bot of {channel} did not start: {reason}").format(
                    channel=self.registry.describe(status.name),
                    reason=self.registry.redact(status.name, str(exc) or type(exc).__name__)))
                continue
            self._intake.append(channel)
            log.info(_("The sign-up bot of {channel} is listening").format(
                channel=self.registry.describe(status.name)))

    def _stop_intake(self) -> None:
        for channel in self._intake:
            try:
                channel.stop_intake()
            except Exception as exc:  # noqa: BLE001  (stopping the others matters more)
                log.warning(_("The sign-up bot of {channel} did not stop cleanly: {reason}")
                            .format(channel=self.registry.describe(channel.name),
                                    reason=self.registry.redact(channel.name, str(exc))))
        self._intake.clear()

    def _schedule_campaigns(self) -> None:
        if self._scheduler is None:
            return
        for job in self._scheduler.get_jobs():
            if job.id.startswith("campaign:"):
                job.remove()
        for slug, spec in self.specs.items():
            if spec.active:
                self._scheduler.add_job(
                    self.request_plan, SlotTrigger(spec, PLAN_AHEAD),
                    args=[[slug]], id=f"campaign:{slug}", misfire_grace_time=None)

    def _dispatch_loop(self) -> None:
        while not self._stop.is_set():
            # Cleared before the tick, so a wake-up during the tick is not lost.
            self._wake.clear()
            self.scheduled_dispatch()
            self._wake.wait(POLL)

    def scheduled_dispatch(self) -> None:
        with self.alarm.job(lambda: _("Publishing failed; trying again shortly")):
            self.dispatcher.tick()

    def request_stop(self) -> None:
        """Ask ``wait`` to return; safe to call from a signal handler."""
        self._stop.set()

    def wait(self) -> None:
        """Block until ``request_stop`` or ``stop`` is called."""
        while not self._stop.wait(0.5):
            pass

    def stop(self, timeout: float = STOP_GRACE) -> None:
        """Finish calls in flight (up to ``timeout`` s), release the planner lock, stop."""
        self._stop.set()
        self._wake.set()
        self._plan_wake.set()
        self._stop_intake()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        self.dispatcher.stop(timeout)
        if self._scheduler is not None:
            with self.alarm.job(lambda: _("Recording that the service is running failed")):
                heartbeat.stopped(self.store, self.worker, self.clock())
        self.lock.release()
        self.leases.close()
