"""Shared fixtures: a fake clock, a cipher, and a migrated store on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser

from bot.app import build_app
from bot.config import Settings
from bot.transports.memory import MemoryTransport
from storage.clock import ManualClock
from storage.crypto import IdentityCipher, generate_key
from storage.engine import create_engine
from storage.store import Store
from tests.browser import running_browser
from tests.databases import (
    PostgresDatabases,
    copy_sqlite,
    migrate,
    postgres_reachable,
    sqlite_url,
)
from tests.harness import Harness
from tests.matrix_server.harness import MatrixHarness, running_matrix
from tests.matrix_server.synapse import SynapseServer, synapse_problem
from tests.telegram_api.harness import TelegramHarness, running_telegram

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A headless Debian chromium for this test (see tests/browser.py)."""
    async with running_browser() as launched:
        yield launched


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def secret_key() -> str:
    return generate_key()


@pytest.fixture
def cipher(secret_key: str) -> IdentityCipher:
    return IdentityCipher.from_text(secret_key)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(migrate(sqlite_url(path)))
    return path


@pytest.fixture(scope="session")
def postgres() -> Iterator[tuple[PostgresDatabases, str]]:
    """The PostgreSQL server with a migrated template database.

    Under CI=true an unreachable server fails the run: the PostgreSQL tests must really run
    there. Elsewhere they are skipped with the reason.
    """
    problem = asyncio.run(postgres_reachable())
    if problem is not None:
        message = f"PostgreSQL is not reachable ({problem}); set PIIRI_TEST_POSTGRES_URL"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    databases = PostgresDatabases()
    template = asyncio.run(databases.create("piiri_tpl"))
    asyncio.run(migrate(databases.url(template)))
    yield databases, template
    asyncio.run(databases.drop_all())


@pytest.fixture(params=ENGINES)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A freshly migrated, empty database on each engine."""
    if request.param == "sqlite":
        target = tmp_path / "piiri.db"
        copy_sqlite(sqlite_template, target)
        yield sqlite_url(target)
        return
    databases, template = request.getfixturevalue("postgres")
    name = asyncio.run(databases.create("piiri_t", template=template))
    yield databases.url(name)
    asyncio.run(databases.drop(name))


@pytest.fixture
async def store(
    database_url: str, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[Store]:
    engine = create_engine(database_url)
    store = Store(engine, cipher, clock)
    yield store
    await store.close()


@pytest.fixture
async def harness(
    database_url: str, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[Harness]:
    settings = Settings.model_validate({"database": {"url": database_url}})
    transport = MemoryTransport()
    app = build_app(settings, cipher, [transport], clock=clock)
    await app.start()
    yield Harness(app, transport, clock)
    await app.stop()


@pytest.fixture
def configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str, secret_key: str
) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIIRI_DATABASE_URL", database_url)
    monkeypatch.setenv("PIIRI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PIIRI_SECRET_KEY", secret_key)
    return tmp_path


@pytest.fixture
async def telegram(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[TelegramHarness]:
    """Piiri on the Telegram transport, the real python-telegram-bot against the stand-in."""
    target = tmp_path / "piiri.db"
    copy_sqlite(sqlite_template, target)
    async with running_telegram(sqlite_url(target), cipher, clock) as harness:
        yield harness


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    """A real Synapse homeserver for the whole session, started on first use.

    Under CI=true a missing Synapse fails the run: the Matrix tests must really run there.
    Elsewhere they are skipped with the reason.
    """
    problem = synapse_problem()
    if problem is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)
    server = SynapseServer(tmp_path_factory.mktemp("synapse"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def matrix(
    synapse: SynapseServer,
    tmp_path: Path,
    sqlite_template: Path,
    cipher: IdentityCipher,
    clock: ManualClock,
) -> AsyncIterator[MatrixHarness]:
    """Piiri on the Matrix transport against the test Synapse; matrix-nio clients as people."""
    target = tmp_path / "piiri.db"
    copy_sqlite(sqlite_template, target)
    async with running_matrix(
        synapse, sqlite_url(target), cipher, clock, tmp_path / "matrix"
    ) as harness:
        yield harness
