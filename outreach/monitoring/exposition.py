"""Prometheus's text exposition format, written out (format 0.0.4).

https://prometheus.io/docs/instrumenting/exposition_formats/ : per metric
family a ``# HELP`` line (backslash and line feed escaped), a ``# TYPE`` line,
then one sample a line, ``name{label="value",...} value``, with a label
value's backslash, double quote and line feed escaped. A handful of gauges
needs no more than this, so no client library is a dependency; the tests read
what is written with prometheus-client's own parser.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


@dataclass(frozen=True)
class Family:
    """One metric: its name, type, help, and its samples (labels, value)."""

    name: str
    kind: str  # "gauge" or "counter"
    help: str
    samples: list[tuple[Mapping[str, str], float]] = field(default_factory=list)

    def add(self, value: float, **labels: str) -> Family:
        self.samples.append((labels, value))
        return self


def render(families: Iterable[Family]) -> str:
    """The families in the text format, ending in a line feed."""
    lines: list[str] = []
    for family in families:
        if not _NAME.fullmatch(family.name):
            raise ValueError(f"not a metric name: {family.name!r}")
        lines.append(f"# HELP {family.name} {_escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for labels, value in family.samples:
            lines.append(f"{family.name}{_labels(labels)} {_value(value)}")
    return "\n".join(lines) + "\n"


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    for name in labels:
        if not _LABEL.fullmatch(name) or name.startswith("__"):
            raise ValueError(f"not a label name: {name!r}")
    return "{" + ",".join(f'{name}="{_escape_label(str(value))}"'
                          for name, value in labels.items()) + "}"


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))
