"""A Babel extraction method: Python's gettext calls plus click commands' docstrings.

A command's docstring is its help, so it is translated like any message:
the developer writes it as usual and ``make messages`` puts it in the
catalogue, as click shows it (``help_msgid``). ``outreach.cli.localize``
looks the same text up when the command is shown.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import IO, Any, cast

from outreach.i18n import help_msgid

#: Decorators whose function's docstring is a command's help:
#: ``@click.command()``, ``@click.group()``, ``@content.command("list")``...
COMMAND_DECORATORS = ("command", "group")


def extract_python(fileobj: IO[bytes], keywords: Mapping[str, Any],
                   comment_tags: Collection[str],
                   options: dict[str, Any]) -> Iterator[tuple[int, str, Any, list[str]]]:
    from babel.messages.extract import extract_python as babel_extract_python

    # Babel annotates an extractor's results as (lineno, message, comments, context), yet
    # extract_python yields what its docstring says: (lineno, funcname, messages, comments).
    babel_python = cast("Callable[..., Iterator[tuple[int, str, Any, list[str]]]]",
                        babel_extract_python)
    source = fileobj.read()
    yield from babel_python(io.BytesIO(source), keywords, comment_tags, options)
    yield from command_docstrings(source)


def command_docstrings(source: bytes) -> Iterator[tuple[int, str, Any, list[str]]]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not any(_is_command(decorator) for decorator in node.decorator_list):
            continue
        docstring = ast.get_docstring(node, clean=False)
        if docstring and help_msgid(docstring):
            lineno = node.body[0].lineno
            yield lineno, "", help_msgid(docstring), ["The help of a command (click)."]


def _is_command(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr in COMMAND_DECORATORS
    return isinstance(target, ast.Name) and target.id in COMMAND_DECORATORS
