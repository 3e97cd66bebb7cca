"""The one form of VKScript the fake runs: ``return [API.method({...}), ...];``.

That is what the plugin sends to batch its reads; any other code is answered
with error 12, as VK answers code it cannot compile.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from outreach_vk import limits
from outreach_vk.fake.methods import Methods, VKError
from outreach_vk.fake.state import Token

_CALL = re.compile(r"\s*API\.([A-Za-z]+\.[A-Za-z]+)\(")
_DECODER = json.JSONDecoder()


def parse(code: str) -> list[tuple[str, dict[str, str]]]:
    """The calls in ``code``; VKError 12 for anything else, 13 for too many calls."""
    body = code.strip()
    if not body.startswith("return") or not body.rstrip(";").rstrip().endswith("]"):
        raise VKError(12, "the sandbox runs only 'return [API.method({...}), ...];'")
    body = body[len("return"):].strip().rstrip(";").strip()[1:-1]
    calls: list[tuple[str, dict[str, str]]] = []
    position = 0
    while body[position:].strip():
        match = _CALL.match(body, position)
        if not match:
            raise VKError(12, f"unexpected text at {position}")
        try:
            params, end = _DECODER.raw_decode(body, match.end())
        except ValueError:
            raise VKError(12, f"parameters of {match.group(1)} are not an object") from None
        if not isinstance(params, dict):
            raise VKError(12, f"parameters of {match.group(1)} are not an object")
        tail = re.compile(r"\s*\)\s*(,|$)").match(body, end)
        if not tail:
            raise VKError(12, f"')' expected after the parameters of {match.group(1)}")
        calls.append((match.group(1), {k: _text(v) for k, v in params.items()}))
        position = tail.end()
    if len(calls) > limits.EXECUTE_MAX_CALLS:
        raise VKError(13, f"too many API calls (at most {limits.EXECUTE_MAX_CALLS})")
    return calls


def run(methods: Methods, token: Token, params: dict[str, str],
        record: Callable[[str, Any], None]) -> dict[str, Any]:
    """Runs each call; a failed one yields false and an entry in execute_errors, as VK does."""
    results: list[Any] = []
    errors: list[dict[str, Any]] = []
    for method, values in parse(params.get("code", "")):
        try:
            result = methods.call(method, token, values)
            record(f"execute:{method}", {"response": result})
            results.append(result)
        except VKError as exc:
            results.append(False)
            errors.append({"method": method, "error_code": exc.code, "error_msg": str(exc)})
    answer: dict[str, Any] = {"response": results}
    if errors:
        answer["execute_errors"] = errors
    return answer


def _text(value: object) -> str:
    """A parameter as it would arrive over HTTP."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
