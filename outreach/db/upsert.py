"""The one place that knows which SQL dialects spell "insert, or else" differently."""

from __future__ import annotations

from typing import Any


def insert_for(dialect: str) -> Any:
    """The dialect's ``insert`` construct, which has ``on_conflict_do_*``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert
