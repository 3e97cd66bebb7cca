"""Tokens and phone numbers recognised by their shape, for logs and shown settings."""

from __future__ import annotations

import pytest

from outreach.privacy import looks_like_secret, mask, mask_phones, mask_tokens


@pytest.mark.parametrize("phone", [
    "+7 912 345-67-89", "+7 (912) 345-67-89", "+79123456789", "8 912 345 67 89",
    "8(912)3456789", "89123456789", "8-912-345-67-89", "7 912 3456789", "912 345-67-89",
    "(912) 345-67-89", "+7 351 234-56-78", "8 (351) 234-56-78", "+7.912.345.67.89",
    "8\u00a0912\u00a0345\u201167\u201189",
])
def test_every_way_people_write_a_russian_number_is_masked(phone: str) -> None:
    assert mask_phones(f"Новый доброволец: {phone}, Миасс") == "Новый доброволец: ***, Миасс"


@pytest.mark.parametrize("text", [
    "bot 7000000001 answered", "chat -1001000000003", "date 1796106474", "user 500000001",
    "peer 2000000001", "publication 12 at 2026-10-14 10:00:00", "Row (4, 2026, 12, 1)",
])
def test_ids_times_and_counts_are_not_phones(text: str) -> None:
    assert mask_phones(text) == text


def test_token_shapes_and_credential_parameters_are_masked() -> None:
    assert mask_tokens("POST https://api.telegram.org/bot7000000001:"
                       "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe") == \
        "POST https://api.telegram.org/bot***/getMe"
    assert mask_tokens("token vk1.a.AbCdEf0123456789abcdefXYZ") == "token ***"
    assert mask_tokens("GET /lp?act=a_check&key=7f3a9c&ts=12") == \
        "GET /lp?act=a_check&key=***&ts=12"
    assert mask_tokens("Authorization: Bearer abcdefghijklmnop1234") == \
        "Authorization: Bearer ***"
    assert mask("call +7 912 345-67-89 with access_token=abc") == "call *** with access_token=***"


@pytest.mark.parametrize(("value", "secret"), [
    ("VK_USER_TOKEN", False), ("TELEGRAM_BOT_TOKEN", False), ("token2", False),
    ("7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", True), ("vk1.a.abc", True),
    ("a0b1c2d3e4f5" * 7 + "a", True), ("has space", True), ("", True),
])
def test_a_secret_pasted_where_a_variable_name_belongs(value: str, secret: bool) -> None:
    assert looks_like_secret(value) is secret
