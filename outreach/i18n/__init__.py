"""Everything a person reads, in their language: Russian first, English kept whole.

Messages are written in English in the source (the msgids) and translated
through standard gettext catalogues: ``outreach/locale/<lang>/LC_MESSAGES/
<domain>.po`` in the repository, compiled to ``.mo`` by the build. Two
domains: ``outreach`` (our own strings, the plugins' included) and ``click``
(click's own: "Usage:", "Options", its errors), see ``activate``.

    from outreach.i18n import _, ngettext, N_

    click.echo(_("Created {path}.").format(path=target))
    ngettext("{count} publication", "{count} publications", n).format(count=n)

The language is chosen once per command, before click reads the arguments
(``outreach.i18n.choice``), and is global to the process: worker threads
speak it too. Nothing here imports Babel; the formatting helpers
(``format_number``, ``format_date``...) load it on first use, so
``outreach --help`` stays fast. See docs/i18n.md.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from outreach.i18n import formats
from outreach.i18n.formats import (
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    format_percent,
    format_time,
)

__all__ = [
    "LANGUAGES",
    "LazyString",
    "N_",
    "_",
    "_l",
    "activate",
    "current_language",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_number",
    "format_percent",
    "format_time",
    "help_msgid",
    "language",
    "lazy_gettext",
    "ngettext",
    "npgettext",
    "pgettext",
    "translate_click",
]

#: The languages Outreach speaks; the first is the one its users speak.
LANGUAGES = ("ru", "en")
#: The language the msgids are written in: it needs no catalogue.
SOURCE_LANGUAGE = "en"
DOMAIN = "outreach"
CLICK_DOMAIN = "click"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_language = SOURCE_LANGUAGE
_ours: _gettext.NullTranslations = _gettext.NullTranslations()
_loaded: dict[tuple[str, str], _gettext.NullTranslations] = {}


def _load(domain: str, lang: str) -> _gettext.NullTranslations:
    key = (domain, lang)
    if key not in _loaded:
        # fallback=True: a checkout whose catalogues were never compiled still
        # runs, in English; tests/test_i18n_catalogs.py fails on a missing .mo.
        _loaded[key] = _gettext.translation(domain, LOCALE_DIR, languages=[lang],
                                            fallback=True)
    return _loaded[key]


def activate(lang: str) -> None:
    """Speak ``lang`` (one of ``LANGUAGES``) from now on, in our strings and click's."""
    global _language, _ours
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose from {', '.join(LANGUAGES)}")
    _language = lang
    _ours = _load(DOMAIN, lang)
    formats.use(lang)
    # click looks every string of its own up through the stdlib's module-level
    # gettext functions (``from gettext import gettext as _`` in each of its
    # modules), which read the global text domain and take the language from
    # the LANGUAGE, LC_ALL, LC_MESSAGES or LANG variables. So the hook is the
    # stdlib's documented global API, not a patch of click's modules: bind our
    # catalogue of click's strings as the global domain and name the language
    # in LANGUAGE, the variable GNU gettext gives precedence to. It reaches
    # every string of click, in modules it imports late (termui, completion)
    # and in releases to come, and survives click moving code between modules;
    # patching ``click.core._`` and friends would not. Child processes inherit
    # LANGUAGE and so speak the same language.
    _gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(CLICK_DOMAIN)
    os.environ["LANGUAGE"] = lang


def current_language() -> str:
    return _language


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block, then the language spoken before."""
    before = _language
    activate(lang)
    try:
        yield
    finally:
        activate(before)


def _(message: str) -> str:
    """``message`` (English) in the current language."""
    return _ours.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n``, by the language's plural rules.

    Russian has three forms: 1 публикация, 3 публикации, 5 публикаций. Pass the
    count as a named placeholder: ``ngettext("{count} story", "{count} stories",
    n).format(count=format_number(n))``.
    """
    return _ours.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English word
    used elsewhere by ``context`` (e.g. "y" as an answer to a question)."""
    return _ours.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _ours.npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now.

    For text fixed when a module is imported, before the language is known:
    click decorators' ``help=`` and ``metavar=`` (the CLI translates them when
    it shows them, see ``outreach.cli.localize``) and tables whose values are
    translated with ``_()`` where they are shown.
    """
    return message


def help_msgid(text: str) -> str:
    """The msgid of a click help text or docstring: as click shows it, dedented and
    without what follows a ``\\f`` (text for developers only)."""
    import inspect  # click has imported it already

    return inspect.cleandoc(text).partition("\f")[0].rstrip()


def translate_click(message: str) -> str:
    """A text of a click object in the current language: ours first, then click's own."""
    found = _ours.gettext(message)
    if found == message and _language != SOURCE_LANGUAGE:
        found = _load(CLICK_DOMAIN, _language).gettext(message)
    return found


class LazyString:
    """A message translated each time it is used as text, in the language of that moment.

    For module-level tables whose values are shown later (``str()``, f-strings,
    ``format``, ``%``). click copies the text of its options when they are
    declared, so decorators take ``N_()`` instead.
    """

    __slots__ = ("msgid",)

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    def __str__(self) -> str:
        return _(self.msgid)

    def __repr__(self) -> str:
        return f"lazy_gettext({self.msgid!r})"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __mod__(self, values: Any) -> str:
        text: str = str(self) % values
        return text

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __len__(self) -> int:
        return len(str(self))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyString):
            return self.msgid == other.msgid
        return str(self) == other

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __getattr__(self, name: str) -> Any:
        # Any other str method (format, upper, splitlines...) on the translation.
        return getattr(str(self), name)


def lazy_gettext(message: str) -> LazyString:
    """``message`` translated when used, not now: see ``LazyString``."""
    return LazyString(message)


_l = lazy_gettext
