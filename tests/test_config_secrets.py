"""Secrets recognised by their shape: in logs, errors and shown settings, and pasted
where a variable name belongs."""

from __future__ import annotations

import pytest

from outreach.config.secrets import looks_like_secret, mask_tokens


def test_token_shapes_and_credential_parameters_are_masked() -> None:
    assert mask_tokens("POST https://api.telegram.org/bot7000000001:"
                       "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe") == \
        "POST https://api.telegram.org/bot***/getMe"
    assert mask_tokens("token vk1.a.AbCdEf0123456789abcdefXYZ") == "token ***"
    assert mask_tokens("GET /lp?act=a_check&key=7f3a9c&ts=12") == \
        "GET /lp?act=a_check&key=***&ts=12"
    assert mask_tokens("Authorization: Bearer abcdefghijklmnop1234") == \
        "Authorization: Bearer ***"
    assert mask_tokens("call with access_token=abc") == "call with access_token=***"


@pytest.mark.parametrize(("value", "secret"), [
    ("VK_USER_TOKEN", False), ("TELEGRAM_BOT_TOKEN", False), ("token2", False),
    ("7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", True), ("vk1.a.abc", True),
    ("a0b1c2d3e4f5" * 7 + "a", True), ("has space", True), ("", True),
])
def test_a_secret_pasted_where_a_variable_name_belongs(value: str, secret: bool) -> None:
    assert looks_like_secret(value) is secret
