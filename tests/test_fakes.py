"""What the plugins' fakes share: their server in a thread, and a platform's per-token
request limit as they keep it."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from outreach.fakes import ArrivalLimit, FakeHandler, FakeServer, Serving


def test_a_token_gets_rate_requests_a_window_and_others_their_own() -> None:
    limit = ArrivalLimit(window=0.2)
    assert [limit.allow("token-a", 3) for _ in range(4)] == [True, True, True, False]
    assert limit.allow("token-b", 3)  # another token counts apart
    assert limit.allow("token-a", 5)  # a higher rate (VK's community token) lets it in
    time.sleep(0.25)
    assert [limit.allow("token-a", 3) for _ in range(4)] == [True, True, True, False]


def test_serving_answers_on_loopback_until_stopped() -> None:
    class Echo(FakeHandler):
        fake: dict[str, str]

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_json({"said": self.fake["word"]})

    class Server(FakeServer):
        platform = "echo"

    serving = Serving(Server, Echo, {"word": "привет"})
    assert serving.url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(serving.url + "/", timeout=5) as answer:
        assert answer.read().decode() == '{"said": "привет"}'
    serving.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(serving.url + "/", timeout=2)
