"""Alembic environment: runs on the engine Outreach hands over, never on alembic.ini.

Every revision applied in one run is one transaction, so a crash or a power
cut midway leaves the schema as it was. PostgreSQL's DDL is transactional as
it is; on SQLite the store hands over ``outreach.db.sqlite.migration_engine``,
whose transactions hold DDL too and whose connections keep foreign keys off.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import outreach.db.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from outreach.errors import StoreError

target_metadata = SQLModel.metadata
engine = context.config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    with connection.begin():
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        context.run_migrations()
        if sqlite:
            # Foreign keys were not enforced while tables were copied: check them all now.
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError("the upgrade would leave rows with broken references "
                                 f"(table, row, referenced table: {broken[:5]}); the database "
                                 "was left as it was")
