"""The one form of VKScript the fake runs: ``return [API.method({...}), ...];``.

That is what the plugin sends to batch its reads; any other code is answered
with error 12, as VK answers code it cannot compile.
"""

from __future__ import annotations

import json
import re

from outreach_vk import limits
from outreach_vk.fake.methods import VKError

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


def _text(value: object) -> str:
    """A parameter as it would arrive over HTTP."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
