"""Checking the fake's answers against the Bot API's own description (api.json).

Every object the fake returns, down to nested ones, must carry each field
api.json marks required for its type; a type with subtypes (ChatMember,
ReactionType) is told apart by the field that is "always" a given value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_ALWAYS = re.compile(r'always "([^"]+)"')
_SCALARS = {"Integer", "String", "Boolean", "True", "Float", "False"}


class SpecChecker:
    def __init__(self, api_json: Path) -> None:
        spec = json.loads(api_json.read_text(encoding="utf-8"))
        self.types: dict[str, Any] = spec["types"]
        self.methods: dict[str, Any] = spec["methods"]

    def problems(self, method: str, result: Any) -> list[str]:
        """Every required field missing from ``result`` of ``method``, as 'Type.field at path'."""
        found: list[str] = []
        self._check(result, self.methods[method]["returns"], method, found)
        return found

    def _check(self, value: Any, types: list[str], path: str, found: list[str]) -> None:
        for kind in types:
            if kind.startswith("Array of "):
                if isinstance(value, list):
                    for index, item in enumerate(value):
                        self._check(item, [kind[len("Array of "):]], f"{path}[{index}]", found)
                    return
                continue
            if kind in _SCALARS:
                if not isinstance(value, dict | list):
                    return
                continue
            if kind in self.types and isinstance(value, dict):
                self._object(value, kind, path, found)
                return
        if not any(k in _SCALARS for k in types):
            found.append(f"{path}: {value!r:.60} is not {' or '.join(types)}")

    def _object(self, value: dict[str, Any], kind: str, path: str, found: list[str]) -> None:
        spec = self.types[kind]
        if spec.get("subtypes"):
            kind = self._subtype(value, spec["subtypes"], path, found) or kind
            spec = self.types[kind]
        for field in spec.get("fields", []):
            name = field["name"]
            if name not in value:
                if field["required"]:
                    found.append(f"{kind}.{name} missing at {path}")
                continue
            self._check(value[name], field["types"], f"{path}.{name}", found)
        for name in value:
            if name not in {f["name"] for f in spec.get("fields", [])}:
                found.append(f"{kind} has no field {name!r} (at {path})")

    def _subtype(self, value: dict[str, Any], subtypes: list[str], path: str,
                 found: list[str]) -> str | None:
        for subtype in subtypes:
            for field in self.types[subtype].get("fields", []):
                always = _ALWAYS.search(field["description"])
                if always and value.get(field["name"]) == always.group(1):
                    return subtype
        # MaybeInaccessibleMessage: an InaccessibleMessage's date is "Always 0"; otherwise
        # the subtype is the one whose fields the value fits.
        for subtype in subtypes:
            fields = {f["name"]: f for f in self.types[subtype].get("fields", [])}
            fits = set(value) <= set(fields) and all(
                name in value for name, f in fields.items() if f["required"])
            if fits and not (subtype == "InaccessibleMessage" and value.get("date") != 0):
                return subtype
        found.append(f"{path}: matches none of {', '.join(subtypes)}")
        return None
