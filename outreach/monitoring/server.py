"""The metrics over HTTP: ``GET /metrics`` on the address of ``[metrics] listen``.

A thread of ``outreach run``'s; each scrape reads the store afresh. Only the
configured address is bound: config.toml refuses one other machines reach
unless it says ``allow_remote = true``.
"""

from __future__ import annotations

import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from outreach.i18n import _
from outreach.monitoring.exposition import CONTENT_TYPE, render

if TYPE_CHECKING:
    from outreach.config import Metrics
    from outreach.db import Store

log = logging.getLogger("outreach.metrics")
PATH = "/metrics"


class MetricsServer:
    """Serves the store's figures at ``http://HOST:PORT/metrics`` until ``stop``."""

    def __init__(self, store: Store, where: Metrics) -> None:
        self.store = store
        self.where = where
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.where.host}]" if ":" in self.where.host else self.where.host
        port = self._server.server_address[1] if self._server else self.where.port
        return f"http://{host}:{port}{PATH}"

    def start(self) -> bool:
        """Bind and serve; False (and an error in the log) when the address cannot be had:
        the service publishes all the same."""
        store = self.store

        class Handler(_Handler):
            pass

        Handler.store = store
        server_class = _IPv6Server if ":" in self.where.host else ThreadingHTTPServer
        try:
            self._server = server_class((self.where.host, self.where.port), Handler)
        except OSError as exc:
            from outreach.errors import os_reason

            log.error(_("The metrics cannot be served at {host}:{port}: {reason}; the "
                        "service runs without them").format(
                host=self.where.host, port=self.where.port, reason=os_reason(exc)))
            return False
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="metrics",
                                        daemon=True)
        self._thread.start()
        log.info(_("Metrics for Prometheus at {url}").format(url=self.url))
        return True

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    store: Any = None

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        from outreach.db.models import utcnow
        from outreach.monitoring.metrics import collect

        if self.path.split("?", 1)[0] != PATH:
            self.send_error(404)
            return
        body = render(collect(self.store, utcnow())).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        log.debug(format, *args)  # a scrape every 15 s is nothing to tell a person
