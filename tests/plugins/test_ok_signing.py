"""OK's request signature, checked against a worked example and against the fake."""

from __future__ import annotations

import hashlib

import requests

from outreach_ok import signing
from outreach_ok.fake import FakeOK

# The worked example of the server-to-server signature published with the aiookru client's
# documentation (konstantintogoi.github.io/aiookru/api), which follows apiok.ru/dev/methods:
# OK's own page gives the algorithm and an interactive calculator, but no fixed figures.
APPLICATION_KEY = "ABCDEFGHIGKLMNOPK"
APPLICATION_SECRET_KEY = "ABC123DEF456GHI789JKL123"
ACCESS_TOKEN = "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7"


def test_the_documented_example_gives_the_documented_secret_and_sig() -> None:
    secret = signing.session_secret(ACCESS_TOKEN, APPLICATION_SECRET_KEY)
    assert secret == "b1a2b89707a94624c43afae67d59274c"
    params = {"application_key": APPLICATION_KEY, "format": "json", "method": "events.get",
              "access_token": ACCESS_TOKEN}
    assert signing.signature(params, secret) == "232c8eb921951c4dba9b72606f9ddb4c"
    sent = signing.signed({k: v for k, v in params.items() if k != "access_token"},
                          ACCESS_TOKEN, APPLICATION_SECRET_KEY)
    assert sent["sig"] == "232c8eb921951c4dba9b72606f9ddb4c"
    assert sent["access_token"] == ACCESS_TOKEN


def test_a_given_session_secret_signs_the_same_way() -> None:
    # The same page's client-server example: session_secret_key given by OK at login.
    params = {"application_key": APPLICATION_KEY, "format": "json", "method": "events.get"}
    assert signing.signature(params, "ae5362b5b588cc7294c2414d71b74d5d") == \
        "03a41413523ea8092507949d6e711963"


def test_russian_text_is_signed_as_utf8_and_keys_sort_as_text() -> None:
    params = {"b": "Привет", "a10": "x", "a2": "y"}
    expected = hashlib.md5("a10=xa2=yb=Приветs".encode()).hexdigest()
    assert signing.signature(params, "s") == expected


def test_the_fake_rejects_a_wrong_signature_with_oks_error(tmp_path) -> None:
    with FakeOK(tmp_path / "fake") as fake:
        world = fake.store.world
        params = {"method": "users.getCurrentUser", "application_key": world.application_key,
                  "format": "json"}
        good = signing.signed(params, fake.token("admin"), world.secret_key)
        answer = requests.post(fake.url + "/fb.do", data=good, timeout=5).json()
        assert answer["name"] == "Анна Петрова"
        bad = signing.signed(params, fake.token("admin"), "not-the-secret")
        answer = requests.post(fake.url + "/fb.do", data=bad, timeout=5).json()
        assert answer == {"error_code": 104, "error_msg": "PARAM_SIGNATURE : Invalid signature",
                          "error_data": None}
        tampered = {**good, "format": "JSON"}
        assert requests.post(fake.url + "/fb.do", data=tampered,
                             timeout=5).json()["error_code"] == 104
