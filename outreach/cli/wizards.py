"""Asking a person, one question at a time, what a file should say.

The questions of ``outreach campaigns new`` and ``outreach content new``: each
shows its default (from the file being edited) in brackets, takes an empty
answer as that default, and asks again, saying why, when an answer cannot be
used: nothing is refused or dropped without a word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from outreach.errors import did_you_mean
from outreach.i18n import _

T = TypeVar("T")


def say(text: str = "") -> None:
    click.echo(text)


def ask(question: str, parse: Callable[[str], T], default: str | None = None,
        required: bool = True) -> T:
    """Ask until ``parse`` takes the answer; a ValueError from it is said and asked again.

    An empty answer is ``default``; without one, "" goes to ``parse`` when the
    question is not ``required``. A dash clears a question that is not required.
    """
    while True:
        reply = click.prompt(question, default=default or "", show_default=bool(default),
                             prompt_suffix=": ").strip()
        if reply == "-" and not required:
            reply = ""
        if not reply and required:
            click.echo(_("This one needs an answer."), err=True)
            continue
        try:
            return parse(reply)
        except ValueError as exc:
            click.echo(str(exc), err=True)


def text(reply: str) -> str:
    return " ".join(reply.split())


def words(reply: str) -> list[str]:
    """A list written with commas (or semicolons): "школа, наставничество"."""
    return [" ".join(w.split()) for w in reply.replace(";", ",").split(",") if w.strip()]


def joined(values: Sequence[Any] | None) -> str | None:
    """A list as the default of a question: "пн, чт"; None for an empty one."""
    return ", ".join(str(v) for v in values) if values else None


def one_of(options: Sequence[str], what: str) -> Callable[[str], list[str]]:
    """Parse a list of ``options`` given by name or by number (from 1)."""

    def parse(reply: str) -> list[str]:
        chosen: list[str] = []
        for word in words(reply):
            if word.isdigit() and 1 <= int(word) <= len(options):
                found = options[int(word) - 1]
            elif word in options:
                found = word
            else:
                lower = {o.lower(): o for o in options}
                if word.lower() not in lower:
                    raise ValueError(_("{word!r} is not among the {what}: answer with their "
                                       "numbers or names ({options})").format(
                                           word=word, what=what, options=", ".join(options))
                                     + did_you_mean(word, list(options)))
                found = lower[word.lower()]
            if found not in chosen:
                chosen.append(found)
        return chosen

    return parse


def numbered(options: Sequence[str], notes: Sequence[str] | None = None) -> None:
    """Show ``options`` with their numbers, for a question answered by number."""
    for number, option in enumerate(options, start=1):
        note = f" ({notes[number - 1]})" if notes and notes[number - 1] else ""
        say(f"  {number}. {option}{note}")


def say_left_out(keys: Sequence[str]) -> None:
    """Say which keys of the file being changed are not carried over, and why."""
    if keys:
        say(_("Not a key of this file, so it is left out: {keys} (a misspelling? see the "
              "guide)").format(keys=", ".join(keys)))
