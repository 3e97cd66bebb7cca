"""What the plugins' API clients share (as ``fakes`` is what their fakes share): pacing a
platform's API, at most so many requests in any window, per token, per process.

Every request one process makes with one token goes through one ``WindowPacer``
(``token_pacer``: keyed by a hash of the token, never the token), whichever
channel or thread makes it, so publishing, collecting and checks together stay
under the platform's per-token limit instead of bouncing off it.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import threading
import time
from collections.abc import Iterator


class WindowPacer:
    """At most ``rate`` requests in any ``window`` seconds; callers wait their turn.

    A request counts from when its answer came back (it reached the platform before
    that), so a delay on the way can never squeeze two requests into the platform's
    window.
    """

    def __init__(self, rate: int, window: float) -> None:
        self.rate = rate
        self.window = window
        self._moments: list[list[float]] = []  # one cell a request; inf while in flight
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for a free place in the window, hold it while the request is made."""
        with self._lock:  # waiting inside the lock keeps callers in order
            while True:
                now = time.monotonic()
                self._moments = [m for m in self._moments if m[0] > now - self.window]
                if len(self._moments) < self.rate:
                    cell = [math.inf]
                    self._moments.append(cell)
                    break
                earliest = min(m[0] for m in self._moments)
                time.sleep(earliest + self.window - now if earliest < math.inf else 0.005)
        try:
            yield
        finally:
            cell[0] = time.monotonic()


_pacers: dict[tuple[str, int, float], WindowPacer] = {}
_pacers_lock = threading.Lock()


def token_pacer(token: str, rate: int, window: float) -> WindowPacer:
    """The process-wide pacer of ``token`` at ``rate`` requests a ``window`` seconds."""
    key = (hashlib.sha256(token.encode()).hexdigest()[:16], rate, window)
    with _pacers_lock:
        return _pacers.setdefault(key, WindowPacer(rate, window))
