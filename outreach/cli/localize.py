"""click's commands and options, shown in the language of the command line.

click keeps a command's help (its docstring or ``help=``), its options' help
and metavars and its usage words as plain strings fixed when the module is
imported, before the language is known, and one command object serves every
invocation in a process (the tests run the CLI in both languages). So the
English text a command was declared with stays the source, kept beside it, and
``localize`` puts the current language's text in its place just before click
uses it: the root group before it parses, a command group when the root
resolves it. Declarations mark their text with ``N_()`` for the catalogue.
"""

from __future__ import annotations

from typing import Any

import click

from outreach.i18n import N_, SOURCE_LANGUAGE, LazyString, help_msgid, language, translate_click

# click's usage words, which click itself does not pass through gettext.
USAGE_WORDS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."), N_("[COMMAND] [ARGS]..."))
# What click calls an option's value when the option names none: its type's name
# in capitals ("--since TEXT"), in English, outside gettext.
TYPE_METAVARS = {"text": N_("TEXT"), "integer": N_("NUMBER"), "integer range": N_("NUMBER"),
                 "float": N_("NUMBER"), "float range": N_("NUMBER"), "path": N_("PATH"),
                 "file": N_("FILE"), "directory": N_("FOLDER"), "filename": N_("FILE"),
                 "date": N_("DATE")}

_SOURCES = "_outreach_i18n_sources"
_COMMAND_TEXTS = ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar")
_PARAM_TEXTS = ("help", "metavar", "prompt")


def localize(command: click.Command, parent: click.Context | None = None) -> None:
    """Put the current language's texts into ``command``, its parameters and its
    subcommands (a plain ``click.Group``'s; a lazy group localizes what it loads).

    ``parent`` is the context of the group ``command`` runs under, if any.
    """
    _translate(command, _COMMAND_TEXTS)
    for param in command.params:
        _translate(param, _PARAM_TEXTS)
        _name_the_value(param)
    # A context like the one click will make, for its --help names (-h too).
    ctx = command.context_class(command, parent=parent, **command.context_settings)
    # click makes the --help option on first use, with its text in the language
    # of that moment, and keeps it: make it in English, the source, so that the
    # text can be translated again for the next command line.
    sources = command.__dict__.setdefault(_SOURCES, {})
    if "--help" in sources:
        help_option = command.get_help_option(ctx)
    else:
        with language(SOURCE_LANGUAGE):
            help_option = command.get_help_option(ctx)
        sources["--help"] = True
    if help_option is not None:
        _translate(help_option, _PARAM_TEXTS)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub, ctx)


def _name_the_value(param: click.Parameter) -> None:
    """An option declared without a metavar names its value in the reader's words."""
    if not isinstance(param, click.Option) or param.is_flag or param.count:
        return
    if param.__dict__[_SOURCES].get("metavar") is not None:
        return
    source = TYPE_METAVARS.get(param.type.name)
    if source is not None:
        param.metavar = translate_click(source) + ("..." if param.nargs != 1 else "")


def _translate(obj: Any, names: tuple[str, ...]) -> None:
    sources: dict[str, Any] = obj.__dict__.setdefault(_SOURCES, {})
    for name in names:
        if name not in sources:
            sources[name] = getattr(obj, name, None)
        source = sources[name]
        if isinstance(source, LazyString):
            source = source.msgid
        if isinstance(source, str) and source:
            setattr(obj, name, translate_click(help_msgid(source)))
