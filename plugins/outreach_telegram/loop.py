"""One asyncio event loop per process, on a background thread, for the Telegram client.

python-telegram-bot is asynchronous and an initialised ``Bot`` belongs to the
loop it was made on. Plugin calls are synchronous and come from worker
threads, so they submit coroutines here instead of calling ``asyncio.run``
(which would make a new loop each time). Other long-running tasks of the
process (the sign-up bot's long polling) run on the same loop.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_runner: LoopRunner | None = None


class LoopRunner:
    """An event loop running forever on a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="telegram-loop", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the loop; the future can be awaited from any thread."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on the loop and wait for its result (cancelled on timeout)."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("LoopRunner.run() called from the loop itself; await instead")
        future = self.submit(coro)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"no answer within {timeout:.0f} s") from None

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)


def runner() -> LoopRunner:
    """The process's loop runner, started on first use."""
    global _runner
    with _lock:
        if _runner is None:
            _runner = LoopRunner()
            atexit.register(_runner.stop)
        return _runner


def run(coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
    """Run ``coro`` on the process's loop and return its result."""
    return runner().run(coro, timeout)
