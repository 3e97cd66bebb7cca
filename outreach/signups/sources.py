"""Where a sign-up came from, by kind: what ``signups list`` and ``stats --by home`` show.

Light (no models): ``stats --by home`` counts by it in SQL (``came_from_sql``);
``records.came_from`` says the same of one row.
"""

from __future__ import annotations

from typing import Any

#: Where a sign-up came from, as ``came_from`` names it in listings and ``stats --by home``.
CAME_FROM = ("publication", "placement", "outlet", "offline", "unattributed")
#: Sources a coordinator types in (a phone call, paper forms), not a bot's dialog.
COORDINATOR_SOURCES = ("offline", "csv")


def came_from_sql(source: Any, code_kind: Any) -> Any:
    """``came_from`` in SQL, for a sign-up's ``source`` and its code's ``kind`` (NULL: none)."""
    import sqlalchemy as sa

    return sa.case((code_kind.is_not(None), code_kind),
                   (source.in_(COORDINATOR_SOURCES), "offline"), else_="unattributed")
