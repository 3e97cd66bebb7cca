"""Yes-or-no questions in the reader's language.

click's ``confirm`` writes "[y/N]" and takes only y, yes, n and no, whatever
the language (its hint is not passed through gettext). ``confirm`` asks with
the reader's letters ("[д/Н]") and takes their words and the English ones.
"""

from __future__ import annotations

import click

from outreach.i18n import _, pgettext


def confirm(question: str, default: bool = False, abort: bool = False) -> bool:
    """Ask ``question``; an empty answer is ``default``. ``abort``: "no" stops the command."""
    yes, no = pgettext("answer", "y"), pgettext("answer", "n")
    answers = {yes: True, pgettext("answer", "yes"): True, "y": True, "yes": True,
               no: False, pgettext("answer", "no"): False, "n": False, "no": False}
    hint = f"[{yes.upper()}/{no}]" if default else f"[{yes}/{no.upper()}]"
    while True:
        reply = click.prompt(f"{question} {hint}", default="", show_default=False,
                             prompt_suffix=" ").strip().lower()
        if not reply:
            result = default
        elif reply in answers:
            result = answers[reply]
        else:
            click.echo(_("Please answer {yes} or {no}.").format(yes=yes, no=no), err=True)
            continue
        if abort and not result:
            raise click.Abort()
        return result
