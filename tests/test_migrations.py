"""Migrations are the schema: they build it on both engines and agree with the models."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from storage.engine import create_engine
from storage.migrate import current_revision, downgrade, head_revision, schema_differences
from storage.models import Base
from storage.store import Store


async def test_upgrade_makes_every_table_and_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert await current_revision(engine) == head_revision()
        assert await schema_differences(engine) == []
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert set(Base.metadata.tables) <= tables
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_up_again_round_trips(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await downgrade(engine, "base")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert tables <= {"alembic_version"}
        from storage.migrate import upgrade

        await upgrade(engine)
        assert await schema_differences(engine) == []
    finally:
        await engine.dispose()


async def test_audit_trail_refuses_update_and_delete(store: Store) -> None:
    async with store.transaction() as tx:
        event = await tx.audit.append("group.created", actor_person_id=None, group_id=1)
        event_id = event.id
    for statement in (
        "UPDATE audit_events SET action = 'tampered' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with store.transaction() as tx:
                await tx.session.execute(text(statement), {"id": event_id})
    async with store.transaction() as tx:
        [kept] = await tx.audit.recent()
        assert (kept.id, kept.action) == (event_id, "group.created")


async def test_sqlite_engine_runs_with_wal_and_foreign_keys(tmp_path: object) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/pragmas.db")
    try:
        async with engine.connect() as conn:
            journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
            foreign_keys = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar_one()
            busy = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar_one()
        assert (journal, foreign_keys) == ("wal", 1)
        assert busy >= 5000
    finally:
        await engine.dispose()


def test_unsupported_url_is_refused_with_the_supported_ones_named() -> None:
    from storage.engine import UnsupportedDatabaseError

    with pytest.raises(UnsupportedDatabaseError, match=r"sqlite\+aiosqlite://.*asyncpg"):
        create_engine("mysql://root@localhost/piiri")
