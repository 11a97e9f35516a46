"""The tables the redirect writes and the API's migrations create agree with their written
contract (`qrstack_common.tables`): a migration that renames, drops, adds or retypes a column
fails here, and so does a redirect statement that names anything the schema does not have."""

from __future__ import annotations

import asyncpg
import pytest

from qrstack_api.db.migrate import apply_migrations
from qrstack_common.tables import REDIRECT_TABLES, TableContract
from qrstack_launcher.stack import Infrastructure
from qrstack_redirect.caps import statements
from qrstack_redirect.forms import store

pytestmark = pytest.mark.infra


@pytest.mark.parametrize("table", REDIRECT_TABLES, ids=lambda t: t.name)
async def test_the_migrated_schema_is_the_contract(
    infra: Infrastructure, table: TableContract
) -> None:
    await apply_migrations(infra.database_url)
    conn = await asyncpg.connect(infra.database_url)
    try:
        rows = await conn.fetch(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = $1",
            table.name,
        )
    finally:
        await conn.close()
    assert {r["column_name"]: r["data_type"] for r in rows} == dict(table.columns)


@pytest.mark.parametrize("statement", [*statements.STATEMENTS, *store.STATEMENTS])
async def test_every_redirect_statement_runs_against_the_migrated_schema(
    infra: Infrastructure, statement: str
) -> None:
    await apply_migrations(infra.database_url)
    conn = await asyncpg.connect(infra.database_url)
    try:
        await conn.prepare(statement)  # parsed and planned: every table and column exists
    finally:
        await conn.close()
