"""Rows found by the names people type on the command line (light: Core tables only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach.errors import NotFoundError, did_you_mean
from outreach.i18n import _

if TYPE_CHECKING:
    import sqlalchemy as sa


def campaign_named(slug: str, slugs: dict[int, str]) -> int:
    """The id of the campaign ``slug`` among ``slugs`` (every campaign's, by id);
    NotFoundError with a did-you-mean otherwise."""
    for found, known in slugs.items():
        if known == slug:
            return found
    names = sorted(slugs.values())
    known_ones = ", ".join(names) if names else _("none yet")
    raise NotFoundError(_("no campaign {slug!r} in the store{hint}; campaigns in the "
                          "store: {known}").format(slug=slug, hint=did_you_mean(slug, names),
                                                   known=known_ones))


def campaign_id_for(connection: sa.Connection, slug: str) -> int:
    """The id of the campaign ``slug``; NotFoundError with a did-you-mean otherwise."""
    import sqlalchemy as sa

    from outreach.db.tables import campaign

    c = campaign.c
    return campaign_named(slug, dict(connection.execute(sa.select(c.id, c.slug)).all()))
