"""Which process holds a lease, and whether that process is provably gone.

A lease records its holder's host, PID and process instance, so a worker that
restarts on the same machine settles at once what a killed one left in
``sending``, instead of waiting the lease out. Death is concluded only when it
is certain: the same machine (the kernel's boot id, not just the host name,
which two laptops may share) and the same PID namespace (two containers may
share a host name too), and then no process with that PID, or one that started
at another time (the PID was reused). Anywhere else — another machine, another
container, a system without /proc — the lease runs out as before.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    # "<boot id> <PID namespace> <start time in clock ticks>"; None without /proc.
    process: str | None


def current() -> Holder:
    """This process, as its leases record it."""
    pid = os.getpid()
    return Holder(socket.gethostname(), pid, process_of(pid))


def process_of(pid: int) -> str | None:
    """The instance of the live process ``pid`` in this PID namespace; None if there is none."""
    try:
        boot = (PROC / "sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink(PROC / "self/ns/pid")
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # "pid (command) state ppid ...": the command may hold spaces and parentheses.
    fields = stat.rpartition(")")[2].split()
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return None  # a zombie has finished for good; it only waits to be reaped
    return f"{boot} {namespace} {fields[19]}"  # field 22 of proc(5): the start time


def is_gone(holder: Holder, me: Holder) -> bool:
    """Whether ``holder`` has certainly ended; False whenever that cannot be told from here."""
    if holder.process is None or me.process is None or holder.host != me.host:
        return False
    if _space(holder.process) != _space(me.process):
        return False  # another boot or another PID namespace: its PIDs mean nothing here
    if holder == me:
        return False
    return process_of(holder.pid) != holder.process


def _space(process: str) -> str:
    """The boot and PID namespace part: where a PID names one process."""
    return process.rsplit(" ", 1)[0]
