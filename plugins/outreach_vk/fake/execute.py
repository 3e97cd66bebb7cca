"""The part of VKScript the fake evaluates, and VK's limits on ``execute``.

VKScript (dev.vk.com/ru/method/execute) is a whole language; the fake runs a
documented subset: ``var NAME = EXPR;`` statements and ``return EXPR;``,
where an expression is an API call ``API.section.method({JSON})``, a
variable, a field ``EXPR.name``, the field filter ``EXPR@.name`` ("фильтр
массива по параметру (@.)") or an array ``[EXPR, ...]``. Code outside that
subset is refused with ``SandboxLimit``: the fake's limit, never VK's error 12,
which says the code does not compile on VK.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from outreach_vk import limits
from outreach_vk.fake.methods import Methods, VKError
from outreach_vk.fake.state import Token

_DECODER = json.JSONDecoder()
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CALL = re.compile(r"API\.([A-Za-z]+\.[A-Za-z]+)\(")
_SPACE = re.compile(r"\s*")


class SandboxLimit(Exception):  # noqa: N818 (not an error of the code: of the fake)
    """Code the sandbox cannot evaluate, though VK may well run it."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the VK sandbox evaluates only a part of VKScript (var, return, API calls with "
            f"a JSON object, arrays, .field and @.field); VK itself may run this code. "
            f"Not understood: {detail}")


class _Parser:
    """Reads VKScript text into a tiny tree: ("call", m, params), ("var", n), ("field", e, n),
    ("filter", e, n), ("array", [e...])."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.at = 0
        self.calls = 0

    def space(self) -> None:
        self.at = _SPACE.match(self.code, self.at).end()  # type: ignore[union-attr]

    def take(self, text: str) -> bool:
        self.space()
        if self.code.startswith(text, self.at):
            self.at += len(text)
            return True
        return False

    def fail(self, what: str) -> SandboxLimit:
        return SandboxLimit(f"{what} at character {self.at}: {self.code[self.at:self.at + 30]!r}")

    def program(self) -> tuple[list[tuple[str, Any]], Any]:
        assigned: list[tuple[str, Any]] = []
        while True:
            self.space()
            if self.take("var "):
                self.space()
                name = _NAME.match(self.code, self.at)
                if not name:
                    raise self.fail("a variable name expected")
                self.at = name.end()
                if not self.take("="):
                    raise self.fail("'=' expected")
                assigned.append((name.group(), self.expression()))
                if not self.take(";"):
                    raise self.fail("';' expected")
                continue
            if self.take("return"):
                result = self.expression()
                self.take(";")
                self.space()
                if self.at != len(self.code):
                    raise self.fail("nothing may follow return")
                return assigned, result
            raise self.fail("'var' or 'return' expected")

    def expression(self) -> Any:
        self.space()
        node: Any
        call = _CALL.match(self.code, self.at)
        if call:
            self.at = call.end()
            self.space()
            try:
                params, self.at = _DECODER.raw_decode(self.code, self.at)
            except ValueError:
                raise self.fail("a JSON object of parameters expected") from None
            if not isinstance(params, dict) or not self.take(")"):
                raise self.fail("a JSON object of parameters, then ')', expected")
            self.calls += 1
            node = ("call", call.group(1), {k: _text(v) for k, v in params.items()})
        elif self.take("["):
            items = []
            if not self.take("]"):
                while True:
                    items.append(self.expression())
                    if self.take("]"):
                        break
                    if not self.take(","):
                        raise self.fail("',' or ']' expected")
            node = ("array", items)
        else:
            name = _NAME.match(self.code, self.at)
            if not name or name.group() in ("var", "return"):
                raise self.fail("an expression expected")
            self.at = name.end()
            node = ("var", name.group())
        while True:
            if self.take("@."):
                kind = "filter"
            elif self.take("."):
                kind = "field"
            else:
                return node
            field = _NAME.match(self.code, self.at)
            if not field:
                raise self.fail("a field name expected")
            self.at = field.end()
            node = (kind, node, field.group())


def run(methods: Methods, token: Token, params: dict[str, str],
        record: Callable[[str, Any], None]) -> dict[str, Any]:
    """Runs the code; a failed call yields false and an entry in execute_errors, as VK does."""
    parser = _Parser(params.get("code", ""))
    assigned, result = parser.program()
    if parser.calls > limits.EXECUTE_MAX_CALLS:
        # dev.vk.com/ru/method/execute: "не более 25 обращений к методам API".
        raise VKError(13, f"too many API calls (at most {limits.EXECUTE_MAX_CALLS})")
    errors: list[dict[str, Any]] = []
    scope: dict[str, Any] = {}

    def value(node: Any) -> Any:
        kind = node[0]
        if kind == "call":
            try:
                answer = methods.call(node[1], token, node[2])
            except VKError as exc:
                errors.append({"method": node[1], "error_code": exc.code,
                               "error_msg": str(exc)})
                return False
            record(f"execute:{node[1]}", {"response": answer})
            return answer
        if kind == "var":
            if node[1] not in scope:
                raise SandboxLimit(f"variable {node[1]} is not defined")
            return scope[node[1]]
        if kind == "array":
            return [value(item) for item in node[1]]
        inner = value(node[1])
        if kind == "field":
            if not isinstance(inner, dict):
                raise SandboxLimit(f".{node[2]} of {json.dumps(inner)[:30]} (VK does not "
                                   f"document a field of what is not an object)")
            return inner.get(node[2])
        if not isinstance(inner, list) or not all(isinstance(i, dict) for i in inner):
            raise SandboxLimit(f"@.{node[2]} of what is not an array of objects")
        return [item.get(node[2]) for item in inner]

    for name, node in assigned:
        scope[name] = value(node)
    answer: dict[str, Any] = {"response": value(result)}
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
