"""The gettext catalogues: extract, update, compile and check them (with Babel).

    python -m outreach.i18n.catalogs update    # make messages: source -> .po
    python -m outreach.i18n.catalogs compile   # .po -> .mo, beside each .po
    python -m outreach.i18n.catalogs check     # what the tests check, in words

The ``.po`` files are kept in the repository, one per language and domain
(``outreach/locale/ru/LC_MESSAGES/outreach.po``); the ``.mo`` files are built
from them (the build's hook in setup.py, ``make``), never committed. Two
domains: ``outreach``, extracted from outreach/ and plugins/, and ``click``,
extracted from the installed click. Not imported at run time.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from outreach.i18n import CLICK_DOMAIN, DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

ROOT = LOCALE_DIR.parent.parent  # the checkout: outreach/ and plugins/ are in it
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
COMMENT_TAGS = ("Translators:",)
MAKE_MESSAGES = "make messages"
#: The languages with a catalogue: the source language needs none.
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)


@dataclass(frozen=True)
class Domain:
    name: str
    folders: tuple[Path, ...]
    method: str  # a Babel extraction method
    #: Messages the source looks up through a variable, which no extractor can see.
    hand_kept: tuple[str, ...] = ()


def domains() -> tuple[Domain, ...]:
    import click

    return (
        Domain(DOMAIN, (ROOT / "outreach", ROOT / "plugins"),
               "outreach.i18n.extract:extract_python"),
        # click shows a required option's "[required]" through _(extra["required"]).
        Domain(CLICK_DOMAIN, (Path(click.__file__).parent,), "python", hand_kept=("required",)),
    )


def po_path(domain: str, lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def po_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


# -- extraction and update ---------------------------------------------------------------

def extract(domain: Domain) -> Catalog:
    """Every message the domain's source asks for, as a template."""
    template = Catalog(domain=domain.name, project="Outreach", fuzzy=False)
    for folder in domain.folders:
        found = extract_from_dir(
            folder, method_map=[("**.py", domain.method)], keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS, strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            where = (folder / filename).relative_to(folder.parent).as_posix()
            template.add(message, locations=[(where, lineno)], auto_comments=comments,
                         context=context)
    for message in domain.hand_kept:
        template.add(message, auto_comments=["kept by hand (outreach.i18n.catalogs.domains)"])
    return template


def _write_po(catalog: Catalog, path: Path) -> None:
    buffer = io.BytesIO()
    # Sorted by msgid and with files but no line numbers: moving code does not
    # reorder or rewrite the catalogue, so parallel changes merge.
    write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False,
             ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def update() -> list[str]:
    """Bring every catalogue in line with the source and compile it; say what is left to do."""
    said = []
    for domain in domains():
        template = extract(domain)
        for lang in TRANSLATED:
            path = po_path(domain.name, lang)
            if path.exists():
                with path.open("rb") as file:
                    catalog = read_po(file, locale=lang, domain=domain.name)
            else:
                catalog = Catalog(locale=lang, domain=domain.name, project="Outreach",
                                  fuzzy=False)
            catalog.update(template, update_creation_date=False)
            _write_po(catalog, path)
            compile_all(only=[path])
            open_ = [m for m in _messages(catalog) if m.fuzzy or not all(_strings(m))]
            said.append(f"{path.relative_to(ROOT)}: {len(list(_messages(catalog)))} messages, "
                        f"{len(open_)} to translate or review")
    return said


# -- compilation --------------------------------------------------------------------------

def compile_po(po: Path) -> bytes:
    """The .mo for ``po``: translated, non-fuzzy messages only (the others stay English)."""
    with po.open("rb") as file:
        catalog = read_po(file)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def mo_path(po: Path, into: Path | None = None) -> Path:
    """Where ``po`` compiles to: beside it, or at the same place under ``into``."""
    mo = po.with_suffix(".mo")
    return mo if into is None else into / mo.relative_to(ROOT)


def compile_all(into: Path | None = None, only: Iterable[Path] | None = None) -> list[Path]:
    written = []
    for po in (list(only) if only is not None else po_files()):
        target = mo_path(po, into)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compile_po(po))
        written.append(target)
    return written


# -- checks -------------------------------------------------------------------------------

def _messages(catalog: Catalog) -> Iterator[Message]:
    return (m for m in catalog if m.id)


def _strings(message: Message) -> Sequence[str | None]:
    return message.string if isinstance(message.string, tuple | list) else (message.string,)


def _key(message: Message) -> tuple[str | None, str]:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return message.context, msgid


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def missing_catalogues() -> list[str]:
    return [f"{po_path(d.name, lang).relative_to(ROOT)} does not exist"
            for d in domains() for lang in TRANSLATED if not po_path(d.name, lang).exists()]


def out_of_date() -> list[str]:
    """Messages the source asks for that a catalogue lacks, and ones it no longer asks for."""
    found = []
    for domain in domains():
        wanted = {_key(m) for m in _messages(extract(domain))}
        for lang in TRANSLATED:
            path = po_path(domain.name, lang)
            if not path.exists():
                continue
            have = {_key(m) for m in _messages(_read(path))}
            where = path.relative_to(ROOT)
            found += [f"{where}: missing {msgid!r}" for _, msgid in sorted(wanted - have, key=str)]
            if domain.name == DOMAIN:  # click's catalogue may serve several click releases
                found += [f"{where}: no longer in the source {msgid!r}"
                          for _, msgid in sorted(have - wanted, key=str)]
    return found


def untranslated() -> list[str]:
    found = []
    for po in po_files():
        for message in _messages(_read(po)):
            strings = _strings(message)
            where = po.relative_to(ROOT)
            if message.fuzzy:
                found.append(f"{where}: fuzzy (review it, then remove the flag) "
                             f"{_key(message)[1]!r}")
            elif not all(strings):
                found.append(f"{where}: untranslated {_key(message)[1]!r}")
    return found


_BRACES = re.compile(r"\{([^{}]*)\}")
_PERCENT = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
                      r"|%[#0 +-]*\d*(?:\.\d+)?[sdrfi]")


def placeholders(text: str) -> set[str]:
    """The ``{name}`` and ``%(name)s`` placeholders of ``text`` (``{{`` is not one)."""
    text = text.replace("{{", "").replace("}}", "")
    return set(_BRACES.findall(text)) | {m.group(0) for m in _PERCENT.finditer(text)}


def placeholder_problems() -> list[str]:
    """Translations whose placeholders differ from the English; positional ones in ours."""
    found = []
    for po in po_files():
        where = po.relative_to(ROOT)
        for message in _messages(_read(po)):
            ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
            strings = _strings(message)
            expected = placeholders(ids[0]) | set().union(*(placeholders(i) for i in ids[1:]))
            if po.stem == DOMAIN:
                positional = {p for p in expected if p == "" or p.split("!")[0].split(":")[0]
                              .isdigit() or p.startswith("%") and "(" not in p}
                if positional:
                    found.append(f"{where}: use named placeholders ({{count}}, not {{}} or "
                                 f"%s) in {ids[0]!r}")
            # Each form names only placeholders the code fills in; together, all of them.
            # (A plural's English forms may name different ones, as click's do.)
            forms = [placeholders(string) for string in strings if string]
            if any(not form <= expected for form in forms) or \
                    (forms and set().union(*forms) != expected):
                found.append(f"{where}: placeholders of {strings[0]!r} differ from {ids[0]!r}")
    return found


def plural_problems() -> list[str]:
    """Catalogues whose Plural-Forms header picks other forms than CLDR's rule for the language."""
    from gettext import c2py

    found = []
    for po in po_files():
        lang = po.parent.parent.name
        catalog = _read(po)
        expected = get_plural(lang)
        rule, wanted = c2py(catalog.plural_expr), c2py(expected.plural_expr)
        if catalog.num_plurals != expected.num_plurals or \
                any(rule(n) != wanted(n) for n in range(1000)):
            found.append(f"{po.relative_to(ROOT)}: Plural-Forms should be "
                         f"'nplurals={expected.num_plurals}; plural={expected.plural_expr};'")
    return found


def stale_mo() -> list[str]:
    """.mo files missing, or holding other translations than their .po compiles to."""
    found = []
    for po in po_files():
        mo = mo_path(po)
        where = mo.relative_to(ROOT)
        if not mo.exists():
            found.append(f"{where} is missing")
            continue
        with mo.open("rb") as file:
            built = _translations(read_mo(file))
        if built != _translations(read_mo(io.BytesIO(compile_po(po)))):
            found.append(f"{where} is older than {po.name}")
    return found


def _translations(catalog: Catalog) -> dict[object, object]:
    # Compared by content, not bytes: the build and the tests may run different
    # Babel releases, which may lay the same messages out differently.
    def frozen(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    found: dict[object, object] = {
        (m.context, frozen(m.id)): frozen(m.string) for m in catalog if m.id}
    found[(None, "")] = catalog.plural_forms
    return found


def check() -> list[str]:
    return (missing_catalogues() + out_of_date() + untranslated() + placeholder_problems()
            + plural_problems() + stale_mo())


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        print("\n".join(update()))
        return 0
    if command == "compile":
        for mo in compile_all(only=[Path(p).resolve() for p in argv[1:]] or None):
            print(f"compiled {mo.relative_to(ROOT)}")
        return 0
    if command == "check":
        problems = check()
        print("\n".join(problems) or "catalogues complete and up to date")
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
