"""The light Core tables that ``outreach stats`` queries say what the SQLModel tables say.

``outreach.db.tables`` describes the columns the statistics read without
importing the models (pydantic); a column that drifts from its model (renamed,
retyped, made nullable, its UTC handling lost) fails here, not in a report.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

import outreach.db.models as models
from outreach.db import tables

DIALECTS = (sqlite.dialect(), postgresql.dialect())


def _described(column: sa.Column[object]) -> dict[str, object]:
    """What a query relies on: the column's DDL type in each dialect, how Python values
    pass through it (UTCDateTime makes times aware), nullability and key."""
    return {
        "types": [column.type.compile(dialect=d) for d in DIALECTS],
        "utc": isinstance(column.type, tables.UTCDateTime),
        "nullable": column.nullable,
        "primary_key": column.primary_key,
    }


@pytest.mark.parametrize("table", tables.metadata.sorted_tables, ids=lambda t: t.name)
def test_each_light_column_is_its_models_column(table: sa.Table) -> None:
    model = SQLModel.metadata.tables.get(table.name)
    assert model is not None, f"no model has the table {table.name}"
    for column in table.columns:
        assert column.name in model.columns, f"{table.name}.{column.name} is not in the model"
        assert _described(column) == _described(model.columns[column.name]), (
            f"{table.name}.{column.name}")


def test_the_drift_check_sees_a_changed_column() -> None:
    """The comparison above notices each kind of drift it is there to catch."""
    model = SQLModel.metadata.tables["publication"].columns
    light = tables.publication.columns
    assert _described(light["published_at"]) == _described(model["published_at"])
    assert _described(sa.Column("published_at", sa.DateTime())) != _described(
        model["published_at"])  # naive times, not UTC
    assert _described(sa.Column("channel", sa.String(100), nullable=False)) != _described(
        model["channel"])
    assert _described(sa.Column("channel", sa.String(200))) != _described(model["channel"])


def test_the_metrics_are_the_engagement_columns() -> None:
    assert tuple(models.EngagementFigures.model_fields) == models.METRICS
    assert [c.name for c in tables.engagementlatest.columns][1:] == list(models.METRICS)


def test_stats_import_no_models() -> None:
    """What ``outreach stats`` loads leaves SQLModel, pydantic and the models out."""
    code = ("import sys, outreach.cli.stats, outreach.stats.queries, outreach.stats.funnel, "
            "outreach.stats.homes, outreach.stats.audience, outreach.db.lookups, "
            "outreach.signups.sources; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlmodel', 'pydantic', 'alembic') or m == 'outreach.db.models'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
