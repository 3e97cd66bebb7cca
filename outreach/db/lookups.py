"""Rows found by the names people type on the command line (light: Core tables only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach.errors import NotFoundError, did_you_mean
from outreach.i18n import _

if TYPE_CHECKING:
    import sqlalchemy as sa


def campaign_id_for(connection: sa.Connection, slug: str) -> int:
    """The id of the campaign ``slug``; NotFoundError with a did-you-mean otherwise."""
    import sqlalchemy as sa

    from outreach.db.tables import campaign

    c = campaign.c
    found = connection.execute(sa.select(c.id).where(c.slug == slug)).scalar()
    if found is None:
        slugs = list(connection.execute(sa.select(c.slug)).scalars())
        known = ", ".join(sorted(slugs)) if slugs else _("none yet")
        raise NotFoundError(_("no campaign {slug!r} in the store{hint}; campaigns in the "
                              "store: {known}").format(slug=slug, hint=did_you_mean(slug, slugs),
                                                       known=known))
    return int(found)
