"""What the plugins' fakes share: a platform's per-token request limit as they keep it."""

from __future__ import annotations

import time

from outreach.fakes import ArrivalLimit


def test_a_token_gets_rate_requests_a_window_and_others_their_own() -> None:
    limit = ArrivalLimit(window=0.2)
    assert [limit.allow("token-a", 3) for _ in range(4)] == [True, True, True, False]
    assert limit.allow("token-b", 3)  # another token counts apart
    assert limit.allow("token-a", 5)  # a higher rate (VK's community token) lets it in
    time.sleep(0.25)
    assert [limit.allow("token-a", 3) for _ in range(4)] == [True, True, True, False]
