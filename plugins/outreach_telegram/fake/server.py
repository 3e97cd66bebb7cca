"""The fake Bot API over HTTP on 127.0.0.1, and its own ``/_sandbox/`` endpoints.

Bot API calls are ``POST /bot<token>/<method>`` with a JSON, form or
multipart body, answered ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": ..., "description": ...}`` as Telegram does.
Paths under ``/_sandbox/`` are not Bot API: no method's path starts that way.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from outreach.channels import client_hung_up
from outreach_telegram.fake.methods import METHODS, take_updates
from outreach_telegram.fake.state import ApiError, FakeState

_STRING_PARAMS = {"text", "caption", "parse_mode", "name", "callback_query_id", "photo"}


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The parameters and uploaded files of a request body, as Telegram reads them."""
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if content_type.startswith("application/json"):
        params = json.loads(body or b"{}")
    elif content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        for part in message.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            decoded = part.get_payload(decode=True)
            payload = decoded if isinstance(decoded, bytes) else b""
            if part.get_filename() is not None:
                files[name] = payload
            else:
                params[name] = _value(name, payload.decode("utf-8"))
    else:
        for name, value in urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            params[name] = _value(name, value)
    return params, files


def _value(name: str, raw: str) -> Any:
    # Form values of non-string parameters arrive JSON-encoded (how clients send them).
    if name in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: FakeState, responses: list[tuple[str, Any]],
                 poll_log: list[tuple[float, float]], port: int = 0) -> None:
        self.state = state
        self.responses = responses  # (method, result) of every success
        self.poll_log = poll_log  # (arrived, answered) of every getUpdates
        self.people: Any = None  # the scripted people (fake.people.People), when running
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not client_hung_up("telegram"):  # e.g. a long poll whose service stopped
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # quiet: a rehearsal prints what matters itself

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urllib.parse.urlparse(self.path).path
        if path.startswith("/_sandbox/"):
            self._sandbox(path, body)
            return
        parts = path.strip("/").split("/")
        if len(parts) > 2 and parts[0] == "file" and parts[1].startswith("bot"):
            # python-telegram-bot percent-encodes the path, the token's ":" too (%3A).
            self._download(urllib.parse.unquote(parts[1][3:]),
                           urllib.parse.unquote("/".join(parts[2:])))
            return
        if len(parts) != 2 or not parts[0].startswith("bot"):
            self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = parts[0][3:], parts[1]
        state = self.server.state
        try:
            params, files = parse_body(self.headers.get("Content-Type", ""), body)
            params.update(dict(urllib.parse.parse_qsl(urllib.parse.urlparse(self.path).query)))
            result = self._call(state, token, method, params, files)
        except ApiError as exc:
            answer: dict[str, Any] = {"ok": False, "error_code": exc.code,
                                      "description": exc.description}
            if exc.retry_after is not None:
                answer["parameters"] = {"retry_after": exc.retry_after}
            self._send(exc.code, answer)
            return
        except (ValueError, KeyError, TypeError) as exc:
            self._send(400, {"ok": False, "error_code": 400,
                             "description": f"Bad Request: {exc}"})
            return
        self.server.responses.append((method, result))
        self._send(200, {"ok": True, "result": result})

    def _call(self, state: FakeState, token: str, method: str, params: dict[str, Any],
              files: dict[str, bytes]) -> Any:
        with state.lock:
            state.counters["requests"] += 1
            slow, outage = state.slow, state.outage
        if slow:
            time.sleep(slow)
        if outage:
            raise ApiError(502, "Bad Gateway")
        if token != state.token:
            raise ApiError(401, "Unauthorized")
        if method == "getUpdates":
            return self._get_updates(state, params)
        handler = next((h for name, h in _methods_ci() if name == method.lower()), None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        with state.lock:
            result = handler(state, params, files)
            if method.lower().startswith("send"):
                state.save()
        return result

    def _download(self, token: str, file_path: str) -> None:
        """Bot API getFile: the file "can then be downloaded via the link
        https://api.telegram.org/file/bot<token>/<file_path>"; streamed from disk."""
        from outreach_telegram.fake.files import download_path

        state = self.server.state
        found = download_path(state, file_path) if token == state.token else None
        if found is None:
            self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(found.stat().st_size))
        self.end_headers()
        with found.open("rb") as source:
            for chunk in iter(lambda: source.read(1 << 16), b""):
                self.wfile.write(chunk)

    def _get_updates(self, state: FakeState, params: dict[str, Any]) -> Any:
        arrived = time.monotonic()
        deadline = arrived + float(params.get("timeout") or 0)
        with state.lock:
            state.poll_generation += 1
            mine = state.poll_generation
            state.lock.notify_all()  # an older long poll ends with 409
            while True:
                if state.poll_generation != mine:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                        "make sure that only one bot instance is running")
                found = take_updates(state, params)
                left = deadline - time.monotonic()
                if found or left <= 0 or state.stopping:
                    break
                state.lock.wait(min(left, 0.05))
            if state.poll_generation == mine:
                state.poll_generation += 1  # this poll is over: none is running now
            self.server.poll_log.append((arrived, time.monotonic()))
        return found or []

    def _sandbox(self, path: str, body: bytes) -> None:
        state = self.server.state
        parts = path.strip("/").split("/")[1:]
        with state.lock:
            if len(parts) == 3 and parts[0] == "chats" and parts[2] == "messages":
                try:
                    chat = state.find_chat(urllib.parse.unquote(parts[1]))
                except ApiError as exc:
                    self._send(404, {"ok": False, "description": exc.description})
                    return
                self._send(200, {"chat": chat.short(), "bot_status": chat.bot_status,
                                 "members": state.member_count(chat),
                                 "messages": chat.messages})
                return
            if parts == ["chats"]:
                self._send(200, {"chats": [{**c.short(), "bot_status": c.bot_status,
                                            "messages": len(c.messages)}
                                           for c in state.chats.values()]})
                return
            if parts == ["faults"] and self.command == "POST":
                faults = json.loads(body or b"{}")
                state.outage = bool(faults.get("outage", state.outage))
                state.slow = float(faults.get("slow", state.slow))
                if faults.get("remove_bot"):
                    state.find_chat(faults["remove_bot"]).bot_status = "kicked"
                self._send(200, {"outage": state.outage, "slow": state.slow})
                return
            people = self.server.people
            if parts == ["people"] and self.command == "POST" and people is not None:
                data = json.loads(body or b"{}")
                try:
                    person = people.add(data.get("code"), data.get("behaviour", "complete"),
                                        data.get("answers"), float(data.get("after", 0)))
                except ValueError as exc:
                    self._send(400, {"ok": False, "description": str(exc)})
                    return
                self._send(200, {"ok": True, "user_id": person.user_id})
                return
            if parts == ["people"] and people is not None:
                self._send(200, {"people": [p.describe() for p in people.persons.values()]})
                return
            if parts == ["start"] and self.command == "POST":
                data = json.loads(body or b"{}")
                state.script_start(int(data["user_id"]), data.get("first_name", "Гость"),
                                   data.get("code"))
                self._send(200, {"ok": True})
                return
        self._send(404, {"ok": False, "description": "unknown sandbox path; see docs/telegram.md"})

    def _send(self, code: int, answer: Any) -> None:
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _methods_ci() -> list[tuple[str, Any]]:
    # Bot API method names are case-insensitive.
    return [(name.lower(), handler) for name, handler in METHODS.items()]


def serve(state: FakeState, responses: list[tuple[str, Any]],
          poll_log: list[tuple[float, float]],
          port: int = 0) -> tuple[FakeServer, threading.Thread]:
    server = FakeServer(state, responses, poll_log, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="telegram-fake", daemon=True)
    thread.start()
    return server, thread
