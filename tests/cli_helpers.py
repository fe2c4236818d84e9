"""The operator's command line as scripts use it: JSON out, a group made, the audit trail read
back through the store. (The `configured` store itself is a fixture in conftest.py.)"""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.cli import main
from storage.clock import SystemClock
from storage.crypto import IdentityCipher
from storage.engine import create_engine
from storage.models import AuditEvent
from storage.store import Store


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def new_group(capsys: pytest.CaptureFixture[str], *, mode: str = "relay") -> str:
    created = run_json(
        capsys,
        "group",
        "create",
        "--program",
        "tunteet",
        "--name",
        f"Ryhmä {mode}",
        "--start",
        "2027-03-16 18:00",
        "--mode",
        mode,
    )
    assert isinstance(created, dict)
    return str(created["id"])


def audit_trail(database_url: str, secret_key: str) -> list[AuditEvent]:
    """The audit rows, oldest first, read through the store as the service would."""

    async def read() -> list[AuditEvent]:
        store = Store(
            create_engine(database_url), IdentityCipher.from_text(secret_key), SystemClock()
        )
        try:
            async with store.transaction() as tx:
                return list(reversed(await tx.audit.recent()))
        finally:
            await store.close()

    return asyncio.run(read())


def actions(events: list[AuditEvent]) -> list[str]:
    return [event.action for event in events]
