"""The fake MAX against MAX's own OpenAPI schema: every path the plugin uses, answers and
errors alike, and a checker that does catch a wrong shape."""

from __future__ import annotations

from pathlib import Path

import requests
from max_support import (
    max_fake,  # noqa: F401  (the fixtures)
    photo,
    problems,
    spec,
)

from outreach_max.fake import FakeMax
from outreach_max.fake.state import CHANNEL_ID

SERVED = ["GET /me", "GET /chats/{chatId}", "GET /chats/{chatId}/members/me",
          "POST /uploads", "POST /messages", "GET /messages", "GET /updates", "POST /answers"]


def test_every_served_operation_is_in_the_schema() -> None:
    for operation in SERVED:
        verb, path = operation.split(" ", 1)
        assert verb.lower() in spec()["paths"][path], operation


def test_the_checker_catches_a_message_without_its_required_fields() -> None:
    good = {"message": {"recipient": {"chat_type": "channel", "chat_id": 1}, "timestamp": 1,
                        "body": {"mid": "mid.1", "seq": 1, "text": "x"}}}
    assert problems("POST /messages", 200, good) == []
    missing = {"message": {"recipient": {"chat_type": "channel"}, "body": {"mid": "m"}}}
    found = problems("POST /messages", 200, missing)
    assert any("timestamp" in p for p in found) and any("seq" in p for p in found)
    wrong_kind = {"message": {**good["message"], "recipient": {"chat_type": "group"}}}
    assert problems("POST /messages", 200, wrong_kind)
    assert problems("GET /me", 401, {"message": "no code"})  # Error needs code and message


def test_the_checker_follows_the_discriminator_of_attachments() -> None:
    base = {"recipient": {"chat_type": "channel"}, "timestamp": 1}
    image = {"type": "image", "payload": {"photo_id": 1, "token": "t"}}  # no url
    message = {"message": {**base, "body": {"mid": "m", "seq": 1, "attachments": [image]}}}
    assert any("url" in p for p in problems("POST /messages", 200, message))


def test_every_answer_of_a_whole_session_fits_the_schema(fake: FakeMax,
                                                         tmp_path: Path) -> None:
    auth = {"Authorization": fake.token()}
    url = fake.url
    for path in ("/me", f"/chats/{CHANNEL_ID}", f"/chats/{CHANNEL_ID}/members/me",
                 "/chats/-1", "/nowhere"):
        requests.get(url + path, headers=auth, timeout=5)
    requests.get(url + "/me", timeout=5)  # no token
    upload = requests.post(url + "/uploads", params={"type": "image"}, headers=auth,
                           timeout=5).json()
    requests.post(url + "/uploads", params={"type": "photo"}, headers=auth, timeout=5)
    with photo(tmp_path).path.open("rb") as file:
        uploaded = requests.post(upload["url"], files={"data": ("p.jpg", file)},
                                 timeout=5).json()
    body = {"text": "Привет", "attachments": [{"type": "image", "payload": uploaded}]}
    requests.post(url + "/messages", params={"chat_id": CHANNEL_ID}, json=body,
                  headers=auth, timeout=5)  # not ready yet: 400
    fake.clock.advance(5)
    requests.post(url + "/messages", params={"chat_id": CHANNEL_ID}, json=body,
                  headers=auth, timeout=5)
    requests.post(url + "/messages", params={"chat_id": CHANNEL_ID},
                  json={"text": "я" * 4001}, headers=auth, timeout=5)
    requests.get(url + "/messages", params={"chat_id": CHANNEL_ID}, headers=auth, timeout=5)
    requests.get(url + "/updates", params={"timeout": 0}, headers=auth, timeout=5)
    requests.post(url + "/answers", params={"callback_id": "c1"},
                  json={"notification": "ok"}, headers=auth, timeout=5)
    fake.set_rights("member")
    requests.post(url + "/messages", params={"chat_id": CHANNEL_ID}, json={"text": "x"},
                  headers=auth, timeout=5)
    seen = {(op, status) for op, status, _ in fake.responses}
    assert {("POST /messages", 200), ("POST /messages", 400), ("POST /messages", 403),
            ("GET /chats/{chatId}", 404), ("GET /me", 401), ("upload", 200)} <= seen
    # running_fake checks every one of these answers against the schema when the test ends
