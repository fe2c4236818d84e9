"""Throwaway databases for tests: a real SQLite file or a real PostgreSQL database.

Each is migrated once into a template; each test gets a fresh copy (a file copy for SQLite,
`CREATE DATABASE … TEMPLATE` for PostgreSQL), so tests are isolated and still fast.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage.engine import create_engine
from storage.migrate import upgrade

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    return os.environ.get("PIIRI_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def postgres_reachable() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        conn = await asyncpg.connect(_dsn(postgres_admin_url()), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


class PostgresDatabases:
    """Creates and drops uniquely named databases on the test server."""

    def __init__(self) -> None:
        self._admin = postgres_admin_url()
        self._made: list[str] = []

    def url(self, name: str) -> str:
        return make_url(self._admin).set(database=name).render_as_string(hide_password=False)

    async def create(self, prefix: str, template: str | None = None) -> str:
        name = f"{prefix}_{secrets.token_hex(5)}"
        conn = await asyncpg.connect(_dsn(self._admin))
        try:
            clause = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(f'CREATE DATABASE "{name}"{clause}')
        finally:
            await conn.close()
        self._made.append(name)
        return name

    async def drop(self, name: str) -> None:
        conn = await asyncpg.connect(_dsn(self._admin))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        if name in self._made:
            self._made.remove(name)

    async def drop_all(self) -> None:
        for name in list(self._made):
            await self.drop(name)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def copy_sqlite(template: Path, target: Path) -> None:
    shutil.copyfile(template, target)
