"""The guides: Russian in docs/, English in docs/en/, twins linked both ways, checked
against the code.

A guide written in Russian (most letters of its prose Cyrillic) is ``docs/<name>.md``
and links, near its top, to its English twin: ``docs/en/<name>.md``, or a section of
the README for a page whose English text lives there (the quick start, backups); the
twin links back. The developer pages (i18n, plugins) stay English in docs/. Every
relative link of the README and the docs resolves, anchors included; every
``outreach ...`` command a page shows exists with the options it shows; the config
guide names every key of the config schema and of the built-in plugins, and no other.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import click
import pytest
from language_support import root_context

from outreach.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EN = DOCS / "en"
README = ROOT / "README.md"
DEVELOPER_PAGES = ("i18n.md",)
#: Commands the example plugin of plugins.md adds once it is installed
#: (tests/test_example_plugin.py runs them).
EXAMPLE_PLUGIN_COMMANDS = ("outreach board ",)
TOP_LINES = 5  # a twin link belongs "at the top": within the page's first lines

FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"`([^`]+)`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md")), *sorted(EN.glob("*.md"))]


def name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def prose(text: str) -> str:
    """``text`` without code blocks and code spans: what a reader reads as sentences."""
    return CODE_SPAN.sub(" ", FENCE.sub(" ", text))


def is_russian(text: str) -> bool:
    words = LINK.sub(" ", prose(text))
    return len(re.findall(r"[а-яё]", words, re.I)) > len(re.findall(r"[a-z]", words, re.I))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = candidate = slug(heading)
        number = 0
        while candidate in found:
            number += 1
            candidate = f"{base}-{number}"
        found.add(candidate)
    return found


def links(text: str) -> list[str]:
    return LINK.findall(prose(text))


def target(page: Path, link: str) -> tuple[Path, str]:
    path, _, anchor = link.partition("#")
    return ((page.parent / path).resolve() if path else page), anchor


def twin_link(page: Path) -> str | None:
    """The first link near the top of ``page`` (where its other-language twin is named)."""
    top = [line for line in page.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in top[:TOP_LINES]:
        if found := links(line):
            return found[0]
    return None


def readme_parts() -> tuple[str, str]:
    """The README's Russian opening and the rest, in English."""
    text = README.read_text(encoding="utf-8")
    russian, marker, english = text.partition("\n## In English\n")
    assert marker, "README.md has no '## In English' heading after its Russian section"
    return russian, english


RUSSIAN_GUIDES = [p for p in sorted(DOCS.glob("*.md")) if is_russian(p.read_text(encoding="utf-8"))]


def test_the_guides_are_mostly_russian_and_the_developer_pages_english() -> None:
    names = {p.name for p in RUSSIAN_GUIDES}
    assert {"README.md", "start.md", "config.md", "vk.md", "telegram.md", "posters.md",
            "signups.md", "backups.md"} <= names
    for page in DEVELOPER_PAGES:
        assert (DOCS / page).is_file() and page not in names and not (EN / page).exists()


@pytest.mark.parametrize("page", RUSSIAN_GUIDES, ids=lambda p: p.name)
def test_every_russian_guide_links_its_english_twin_which_links_back(page: Path) -> None:
    link = twin_link(page)
    assert link, f"{name(page)}: no link to its English twin in its first lines"
    twin, anchor = target(page, link)
    assert twin in ((EN / page.name).resolve(), README.resolve()), (
        f"{name(page)}: its twin link {link!r} goes neither to docs/en/{page.name} "
        "nor to a section of the README")
    assert twin.is_file(), f"{name(page)}: its English twin {link} does not exist"
    if twin == README.resolve():
        assert anchor in anchors(README), f"{name(page)}: README.md has no section #{anchor}"
        _, english = readme_parts()
        assert f"(docs/{page.name})" in english, (
            f"README.md's English section #{anchor} does not link back to docs/{page.name}")
    else:
        assert not is_russian(twin.read_text(encoding="utf-8")), f"{link} is not in English"
        back = twin_link(twin)
        assert back and target(twin, back)[0] == page.resolve(), (
            f"docs/en/{page.name} does not link back to docs/{page.name} in its first lines")


@pytest.mark.parametrize("page", sorted(EN.glob("*.md")), ids=lambda p: p.name)
def test_every_english_guide_has_a_russian_twin(page: Path) -> None:
    russian = DOCS / page.name
    assert russian in RUSSIAN_GUIDES, f"docs/en/{page.name} has no Russian twin docs/{page.name}"


def test_the_guide_indexes_list_every_page() -> None:
    for index, folder in ((DOCS / "README.md", DOCS), (EN / "README.md", EN)):
        listed = {target(index, link)[0] for link in links(index.read_text(encoding="utf-8"))}
        for page in folder.glob("*.md"):
            if page.name != "README.md":
                assert page.resolve() in listed, f"{name(index)} does not list {page.name}"


@pytest.mark.parametrize("page", pages(), ids=name)
def test_links_resolve(page: Path) -> None:
    broken = []
    for link in links(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", link):
            continue  # a web address or mailto:
        path, anchor = target(page, link)
        if not path.exists():
            broken.append(f"{link}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{link}: no heading #{anchor} in {path.name}")
    assert not broken, f"{name(page)}: " + "; ".join(broken)


def test_english_pages_send_readers_to_english_guides() -> None:
    """An English page links a guide's English twin once there is one (and a Russian
    page the Russian guide), except for the twin link itself."""
    texts = {name(p): (p, p.read_text(encoding="utf-8")) for p in sorted(EN.glob("*.md"))}
    russian_readme, english_readme = readme_parts()
    texts["README.md (English)"] = (README, english_readme)
    wrong = []
    for where, (page, text) in texts.items():
        for link in links(text):
            path, _ = target(page, link)
            if path.parent == DOCS.resolve() and (EN / path.name).is_file():
                if link != twin_link(page):
                    wrong.append(f"{where} links {link}: link docs/en/{path.name}")
    for page in RUSSIAN_GUIDES:
        for link in links(page.read_text(encoding="utf-8")):
            if target(page, link)[0].parent == EN.resolve() and link != twin_link(page):
                wrong.append(f"{name(page)} links {link}, an English page")
    for link in links(russian_readme):
        if target(README, link)[0].parent == EN.resolve():
            wrong.append(f"README.md's Russian section links {link}, an English page")
    assert not wrong, "\n".join(wrong)


# --- commands ---

COMMAND = re.compile(r"(?:^|(?<=[\s/$]))outreach((?:[ \t]+[^\s`]+)+)")


def commands_shown(text: str) -> list[str]:
    """Every ``outreach ...`` a page shows in code, as written (a span across lines joined)."""
    blocks = [m.group(0) for m in FENCE.finditer(text)]
    spans = CODE_SPAN.findall(FENCE.sub("", text))
    lines = [" ".join(span.split()) for span in spans]
    lines += [line.split(" #")[0] for block in blocks for line in block.splitlines()]
    return [m.group(0).strip() for line in lines for m in COMMAND.finditer(line)]


def problem_with(command: str) -> str | None:
    """Why ``command`` is not an outreach command line, or None when it is one."""
    words = [w.strip("[]().,;:") for w in command.split()[1:]]
    ctx = root_context()
    current: click.Command = cli
    options = {opt for p in cli.params for opt in (*p.opts, *p.secondary_opts)}
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("--config", "--debug"):
            index += 2 if word == "--config" else 1
            continue
        if not isinstance(current, click.Group) or not re.fullmatch(r"[a-z][a-z-]*", word):
            break
        found = current.get_command(ctx, word)
        if found is None:
            return f"no command {word!r} in {command!r}"
        if words[index + 1:index + 2] == ["/"]:  # "content list / show / approve"
            for other in words[index + 2::2]:
                if current.get_command(ctx, other) is None:
                    return f"no command {other!r} in {command!r}"
            return None
        current, index = found, index + 1
    options |= {opt for p in current.params for opt in (*p.opts, *p.secondary_opts)}
    options |= {"--help", "-h"}
    for word in words[index:]:
        option = word.split("=")[0]
        if option.startswith("--") and len(option) > 2 and option not in options:
            return f"no option {option} for {command!r}"
    return None


@pytest.mark.parametrize("page", pages(), ids=name)
def test_every_command_a_page_shows_exists(page: Path) -> None:
    shown = [c for c in commands_shown(page.read_text(encoding="utf-8"))
             if not c.startswith(EXAMPLE_PLUGIN_COMMANDS)]
    problems = [p for p in map(problem_with, shown) if p]
    assert not problems, f"{name(page)}:\n" + "\n".join(problems)


def test_the_command_check_finds_what_is_wrong() -> None:
    assert problem_with("outreach signups list --duplicates") is None
    assert problem_with("outreach content list / show / approve / archive") is None
    assert problem_with("outreach --debug stats [--by ...] [--chart FILE.png]") is None
    assert "no command 'aprove'" in problem_with("outreach content aprove 1")
    assert "no option --dupes" in problem_with("outreach signups list --dupes")
    assert "no command 'shw'" in problem_with("outreach content list / shw")
    assert commands_shown("Run `outreach db\n  status` and\n```sh\noutreach run --once  # now\n```"
                          ) == ["outreach db status", "outreach run --once"]


# --- config keys ---

def schema_keys() -> set[str]:
    from outreach.config import CENTRE, CHANNEL_COMMON, METRICS, PATHS, SIGNUPS, TOP, WATERMARK
    from outreach_local_media.channel import LocalMediaChannel
    from outreach_telegram.channel import TelegramChannel
    from outreach_vk.channel import VKChannel

    keys: set[str] = set()
    for table in (TOP, PATHS, CENTRE, CHANNEL_COMMON, WATERMARK, SIGNUPS, METRICS,
                  LocalMediaChannel.settings_schema, TelegramChannel.settings_schema,
                  VKChannel.settings_schema):
        keys |= set(table)
    return keys


@pytest.mark.parametrize("page", [DOCS / "config.md", EN / "config.md"], ids=name)
def test_the_config_guide_names_every_key_and_no_other(page: Path) -> None:
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|", page.read_text(encoding="utf-8"), re.M)
    named = {row.strip("[]").split(".")[0] for row in rows}
    assert not schema_keys() - named, f"{name(page)} does not describe {schema_keys() - named}"
    assert not named - schema_keys(), f"{name(page)} describes unknown keys {named - schema_keys()}"


@pytest.mark.parametrize("page", [DOCS / "signups.md", EN / "signups.md"], ids=name)
def test_the_signups_guide_names_every_dialog_text(page: Path) -> None:
    from outreach.signups.texts import DEFAULTS

    text = page.read_text(encoding="utf-8")
    missing = [key for key in DEFAULTS if f"| `{key}` |" not in text]
    assert not missing, f"{name(page)} does not list the dialog texts {missing}"


def test_the_english_example_config_has_the_same_settings() -> None:
    russian = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    english = (EN / "config.example.toml").read_text(encoding="utf-8")
    data = {text: tomllib.loads(text) for text in (russian, english)}
    assert data[russian].pop("language") == "ru"
    assert data[english].pop("language") == "en"
    assert data[russian] == data[english]
    commented = re.compile(r"^# ?(\[[\w.]+\]|[\w.]+ = .+)$", re.M)  # "# posters = ["a4"]"
    assert commented.findall(russian) == commented.findall(english)
    assert is_russian(russian) and not is_russian(english)
