"""The fake MAX's webhook subscriptions (schema, /subscriptions) and their delivery.

"Subscribes bot to receive updates via WebHook" to an HTTPS URL with a
secret "sent in a header X-Max-Bot-Api-Secret in every webhook request"
(SubscriptionRequestBody). A delivery that fails is retried "in
exponentially increasing intervals ... until get 200 OK ... but not longer
than 8 hours" (schema, info.description, Webhook). While a subscription
exists, long polling is refused ("Both methods cannot be used simultaneously").

The sandbox stands in for the centre's reverse proxy: an ``https://`` URL on
127.0.0.1 or localhost is delivered to over plain HTTP on the same port
(ASSUMPTION: a rehearsal has no certificate; MAX itself calls HTTPS only).
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections import deque
from typing import TYPE_CHECKING, Any

from outreach_max import limits
from outreach_max.fake.api import bad

if TYPE_CHECKING:
    from outreach_max.fake.state import Clock

SECRET = re.compile(r"^[\w-]{5,256}$")
RETRY_FOR = 8 * 3600  # fake seconds a failing delivery is retried
LOOPBACK = re.compile(r"^https://(127\.0\.0\.1|localhost)(:\d+)?/")


class Webhooks:
    """The bot's subscriptions and a thread that delivers updates to them in order."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.subscriptions: list[dict[str, Any]] = []
        self.deliveries: list[tuple[str, int | str]] = []  # (url, status or error), for tests
        self._queue: deque[tuple[dict[str, Any], float]] = deque()  # (update, first try)
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    # --- /subscriptions ---

    def subscribe(self, body: Any) -> dict[str, Any]:
        """POST /subscriptions (subscribe): SimpleQueryResult."""
        if not isinstance(body, dict) or not isinstance(body.get("url"), str):
            raise bad("url is required")
        if not body["url"].startswith("https://"):
            raise bad("url must start with https://")  # SubscriptionUrl
        secret = body.get("secret")
        if secret is not None and not (isinstance(secret, str) and SECRET.match(secret)):
            raise bad("secret must be 5-256 characters: A-Z, a-z, 0-9, _ and -")
        types = body.get("update_types")
        with self._cond:
            self.subscriptions = [s for s in self.subscriptions if s["url"] != body["url"]]
            self.subscriptions.append({"url": body["url"], "time": self.clock.ms(),
                                       "update_types": types, "_secret": secret})
        return {"success": True}

    def listed(self) -> dict[str, Any]:
        """GET /subscriptions (getSubscriptions): GetSubscriptionsResult, secrets left out."""
        with self._cond:
            return {"subscriptions": [{k: v for k, v in s.items() if not k.startswith("_")}
                                      for s in self.subscriptions]}

    def unsubscribe(self, query: dict[str, str]) -> dict[str, Any]:
        """DELETE /subscriptions?url= (unsubscribe): SimpleQueryResult."""
        if not query.get("url"):
            raise bad("url is required")
        with self._cond:
            before = len(self.subscriptions)
            self.subscriptions = [s for s in self.subscriptions if s["url"] != query["url"]]
            return {"success": len(self.subscriptions) < before}

    @property
    def active(self) -> bool:
        with self._cond:
            return bool(self.subscriptions)

    # --- delivery ---

    def push(self, update: dict[str, Any]) -> None:
        with self._cond:
            self._queue.append((update, self.clock.now()))
            self._cond.notify_all()
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name="fake-max-webhooks",
                                                daemon=True)
                self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        pause = limits.LONG_POLL_BACKOFF / 4
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopped or bool(self._queue))
                if self._stopped:
                    return
                update, first = self._queue[0]
                targets = [s for s in self.subscriptions
                           if not s["update_types"] or update["update_type"] in s["update_types"]]
            if all(self._send(target, update) for target in targets) or \
                    self.clock.now() - first > RETRY_FOR:
                with self._cond:
                    self._queue.popleft()
                pause = limits.LONG_POLL_BACKOFF / 4
            else:
                with self._cond:  # wait, doubling, before trying the oldest update again
                    self._cond.wait_for(lambda: self._stopped, pause / self.clock.speed ** 0.5)
                pause = min(pause * 2, limits.LONG_POLL_MAX_BACKOFF)

    def _send(self, subscription: dict[str, Any], update: dict[str, Any]) -> bool:
        url = subscription["url"]
        address = "http://" + url[len("https://"):] if LOOPBACK.match(url) else url
        headers = {"Content-Type": "application/json"}
        if subscription["_secret"]:
            headers["X-Max-Bot-Api-Secret"] = subscription["_secret"]
        request = urllib.request.Request(address, data=json.dumps(update).encode(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310
                status: int | str = reply.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            status = type(exc).__name__
        self.deliveries.append((url, status))
        return status == 200  # "any non 200-response from server as failed delivery"
