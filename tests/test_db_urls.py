"""Database URLs read without SQLAlchemy read as SQLAlchemy reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from outreach.db import urls

URLS = [
    "sqlite:///outreach.db",
    "sqlite:////home/centre/outreach.db",
    "sqlite:///Центр серебряных волонтёров/outreach.db",
    "sqlite:///with%20space.db",
    "sqlite://",
    "sqlite:///:memory:",
    "sqlite:///file:data.db?mode=ro&uri=true",
    "postgresql+psycopg://volunteer:s3cr%40t:x@db.example.org:5433/outreach",
    "postgresql+psycopg://volunteer@127.0.0.1/outreach?sslmode=require&application_name=o",
    "postgresql+psycopg:///outreach?host=/var/run/postgresql",
    "postgresql://user:p%2Fw@[::1]:5432/test",
    "postgresql+psycopg://u:p+q @h/d?a=1&a=2&b=",
    "postgresql+psycopg://h/d",
]


@pytest.mark.parametrize("url", URLS)
def test_urls_read_as_sqlalchemy_reads_them(url: str) -> None:
    theirs = make_url(url)
    ours = urls.parse(url)
    assert (ours.drivername, ours.backend, ours.driver) == (
        theirs.drivername, theirs.get_backend_name(), theirs.get_driver_name()
        if "+" in url.split("://")[0] else None)
    assert (ours.username, ours.password, ours.host, ours.port, ours.database) == (
        theirs.username, theirs.password, theirs.host, theirs.port, theirs.database)
    assert ours.options == {k: v if isinstance(v, str) else v[-1]
                            for k, v in theirs.query.items()}
    for hidden in (True, False):
        assert ours.render(hide_password=hidden) == theirs.render_as_string(
            hide_password=hidden)
    relocated = "/srv/центр/outreach 2.db"
    assert ours.with_database(relocated).render(hide_password=False) == (
        theirs.set(database=relocated).render_as_string(hide_password=False))


def test_what_is_not_a_url_is_refused() -> None:
    for text in ("outreach.db", "", "postgresql://h:port/d", "://x"):
        with pytest.raises(ValueError):
            urls.parse(text)


def test_the_sqlite_file_of_a_url() -> None:
    assert urls.parse("sqlite:///outreach.db").sqlite_file() == Path("outreach.db")
    assert urls.parse("sqlite:////srv/o.db").sqlite_file() == Path("/srv/o.db")
    for none in ("sqlite://", "sqlite:///:memory:", "sqlite:///file:o.db?mode=ro&uri=true",
                 "postgresql+psycopg://h/outreach"):
        assert urls.parse(none).sqlite_file() is None


def test_postgresql_programs_get_the_plain_scheme_and_no_password() -> None:
    url = "postgresql+psycopg://volunteer:secret@db:5433/outreach?sslmode=require"
    assert urls.parse(url).for_libpq().render(hide_password=False) == (
        "postgresql://volunteer@db:5433/outreach?sslmode=require")
