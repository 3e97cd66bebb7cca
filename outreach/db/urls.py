"""Database URLs (``database_url``) read without loading SQLAlchemy.

The grammar is SQLAlchemy's (``make_url``, https://docs.sqlalchemy.org/en/20/core/
engines.html#database-urls): ``dialect+driver://user:password@host:port/database?query``,
user, password and database %-quoted. The config is checked, a relative SQLite
file resolved, a URL shown with its password hidden, and ``outreach stats`` opens
the database with its driver (``reader``), all before SQLAlchemy, whose import
alone takes longer than the statistics' queries. A test holds ``parse`` and
``DatabaseUrl.render`` to SQLAlchemy's own on every form of URL.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, unquote

# sqlalchemy/engine/url.py, _parse_url (2.x).
PATTERN = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
    """,
    re.X,
)


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed ``database_url``; ``query`` keeps each key's values in their order."""

    drivername: str  # "sqlite", "postgresql+psycopg"
    username: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    query: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def backend(self) -> str:
        """The database: "sqlite", "postgresql"."""
        return self.drivername.split("+", 1)[0]

    @property
    def driver(self) -> str | None:
        """The driver named after "+", if any ("psycopg")."""
        parts = self.drivername.split("+", 1)
        return parts[1] if len(parts) == 2 else None

    @property
    def options(self) -> dict[str, str]:
        """The query's options, the last value of a key repeated."""
        return {key: values[-1] for key, values in self.query}

    def sqlite_file(self) -> Path | None:
        """The file an SQLite URL names; None for an in-memory database, an SQLite URI
        (``?uri=true``: SQLite reads it as given) or another database."""
        if self.backend != "sqlite" or self.database in (None, "", ":memory:"):
            return None
        if self.options.get("uri"):
            return None
        return Path(self.database)

    def with_database(self, database: str) -> DatabaseUrl:
        return dataclasses.replace(self, database=database)

    def for_libpq(self) -> DatabaseUrl:
        """The URL PostgreSQL's own programs take: the plain scheme, no password (they
        ask for it, or read PGPASSWORD or ~/.pgpass)."""
        return dataclasses.replace(self, drivername="postgresql", password=None)

    def render(self, hide_password: bool = True) -> str:
        """The URL as text, as SQLAlchemy writes it (``render_as_string``)."""
        text = self.drivername + "://"
        if self.username is not None:
            text += quote(self.username, safe=" +")
            if self.password is not None:
                text += ":" + ("***" if hide_password else quote(self.password, safe=" +"))
            text += "@"
        if self.host is not None:
            text += f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            text += f":{self.port}"
        if self.database is not None:
            text += "/" + quote(self.database, safe=" +/")
        if self.query:
            text += "?" + "&".join(f"{quote_plus(key)}={quote_plus(value)}"
                                   for key, values in sorted(self.query)
                                   for value in values)
        return text


def parse(url: str) -> DatabaseUrl:
    """``url`` parsed; ValueError when it is not a database URL."""
    found = PATTERN.match(url)
    if found is None:
        raise ValueError("not a database URL")
    parts = found.groupdict()
    query: dict[str, list[str]] = {}
    if parts["query"] is not None:
        for key, value in parse_qsl(parts["query"]):
            query.setdefault(key, []).append(value)
    port = parts["port"]
    if port and not port.isdigit():
        raise ValueError("the port is not a number")
    username, password, database = (
        unquote(parts[name]) if parts[name] is not None else None
        for name in ("username", "password", "database"))
    return DatabaseUrl(
        drivername=parts["name"], username=username, password=password,
        host=parts["ipv4host"] or parts["ipv6host"], port=int(port) if port else None,
        database=database, query=tuple((key, tuple(values)) for key, values in query.items()))
