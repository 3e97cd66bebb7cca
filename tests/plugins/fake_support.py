"""What the tests of every fake share: a client that hangs up, and file modes."""

from __future__ import annotations

import socket
import stat
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def hang_up_during(url: str, method: str, path: str, body: bytes = b"") -> None:
    """Send a request to the fake at ``url``, then hang up (a reset) before it answers,
    as a service killed in the middle of a long poll does."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                     .encode() + body)
        time.sleep(0.2)  # the fake has read the request and waits for updates
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def wait_until(done: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def waited(condition: Callable[[], Any], seconds: float = 10.0) -> Any:
    """What ``condition`` returns once it is truthy; AssertionError after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    raise AssertionError("timed out waiting")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
