"""Leader leases: one holder at a time, a hung or dead holder replaced within the bound."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path

from project_support import ROOT, stop_process, wait_for

from outreach.db import Store
from outreach.engine.leases import FOLLOW_EVERY, TAKEOVER_BOUND, TTL, StoreLease, StoreLeases

SHORT = dt.timedelta(seconds=1)

# Holds lease "bot" with a short TTL, then keeps trying to move its position.
HOLDER = """
import datetime as dt, sys, time
from outreach.db import open_store
from outreach.engine.leases import StoreLease
lease = StoreLease(open_store(sys.argv[1]), "bot", "hung-worker", ttl=dt.timedelta(seconds=1))
assert lease.acquire()
print("held", flush=True)
while True:
    print("saved" if lease.save_position("stale") else "refused", flush=True)
    time.sleep(0.1)
"""


def test_one_holder_at_a_time_and_a_release_hands_over_at_once(store: Store) -> None:
    first = StoreLeases(store, "host:1").lease("telegram:bot1")
    second = StoreLeases(store, "host:2").lease("telegram:bot1")
    assert first.acquire() and first.held
    assert not second.acquire() and not second.held
    other_bot = StoreLeases(store, "host:2").lease("vk:club1")
    assert other_bot.acquire()  # another bot: free
    other_bot.release()  # and its heartbeat thread ends with the test
    assert first.save_position("41")
    assert not second.save_position("7")  # only the holder moves the position
    first.release()
    assert second.acquire()
    assert second.position() == "41"  # the next holder reads on from there
    assert not first.save_position("42")
    second.release()


def test_the_bound_is_the_lapse_and_one_follower_try() -> None:
    assert TAKEOVER_BOUND == TTL + FOLLOW_EVERY
    assert TAKEOVER_BOUND <= dt.timedelta(seconds=15)


def test_a_hung_holder_is_replaced_within_the_bound_and_cannot_move_the_position(
        store: Store, store_url: str, tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, store_url], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    follower = StoreLease(store, "bot", "follower", ttl=SHORT)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held", holder.stderr
        assert not follower.acquire()
        holder.send_signal(signal.SIGSTOP)  # hung: its heartbeat stops, its connection stays
        hung = time.monotonic()
        wait_for(follower.acquire, 10, "the follower to take the lease",
                 step=follower.retry_every / 10)
        took = time.monotonic() - hung
        assert took <= SHORT.total_seconds() + 0.5, took
        assert follower.save_position("fresh")
        holder.send_signal(signal.SIGCONT)
        # Awake again, the old holder finds the lease gone and is refused.
        wait_for(lambda: holder.stdout.readline().strip() == "refused", 10, "a refusal")
        assert follower.position() == "fresh"
    finally:
        holder.send_signal(signal.SIGCONT)
        stop_process(holder)
        follower.release()


def test_a_killed_holder_is_replaced_within_the_bound(store: Store, store_url: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, store_url], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    follower = StoreLease(store, "bot", "follower", ttl=SHORT)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        holder.kill()
        died = time.monotonic()
        wait_for(follower.acquire, 10, "the follower to take the lease",
                 step=follower.retry_every / 10)
        assert time.monotonic() - died <= SHORT.total_seconds() + 0.5
    finally:
        stop_process(holder)
        follower.release()


def test_the_heartbeat_keeps_a_lease_past_its_ttl(store: Store) -> None:
    lease = StoreLease(store, "bot", "alive", ttl=SHORT)
    other = StoreLease(store, "bot", "other", ttl=SHORT)
    assert lease.acquire()
    time.sleep(SHORT.total_seconds() * 2.5)
    assert lease.held and not other.acquire()
    lease.release()
    assert other.acquire()
    other.release()
