"""Webhook mode: the stand-in pushes updates to Piiri, which takes only requests carrying the
secret it registered, and answers 200 only once an update is handled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from telegram import Update

from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from tests.databases import copy_sqlite, sqlite_url
from tests.telegram_api.harness import WEBHOOK_SECRET, TelegramHarness, running_telegram
from tests.telegram_api.world import checked


@pytest.fixture
async def webhook(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[TelegramHarness]:
    copy_sqlite(sqlite_template, tmp_path / "piiri.db")
    url = sqlite_url(tmp_path / "piiri.db")
    async with running_telegram(url, cipher, clock, webhook=True) as harness:
        yield harness


async def test_updates_pushed_with_the_secret_are_handled(webhook: TelegramHarness) -> None:
    h = webhook
    registered = h.server.webhook
    assert registered is not None and registered["secret_token"] == WEBHOOK_SECRET
    assert registered["url"].endswith("/telegram/piiri")
    [hello] = await h.says("Aino", "/start")
    assert hello.startswith("Hei! Olen Piiri")
    await h.says("Aino", "/kieli")
    await h.presses("Aino", "lang:sv")
    assert h.world.texts("Aino")[-1].startswith("Från och med nu")
    assert len(h.world.answered) == 1
    assert h.server.push_failures == 0


async def test_a_request_without_the_secret_is_refused_and_not_read(
    webhook: TelegramHarness,
) -> None:
    h = webhook
    assert h.server.webhook is not None
    forged = checked_update(h)
    async with ClientSession() as session:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
            async with session.post(h.server.webhook["url"], json=forged, headers=headers) as a:
                assert a.status == 403
    await h.settle()
    assert h.world.texts("Mallory") == []


def checked_update(h: TelegramHarness) -> dict[str, object]:
    mallory = h.world.person("Mallory")
    message = {
        "message_id": 1,
        "date": 1_790_000_000,
        "chat": {"id": mallory.id, "type": "private", "first_name": "Mallory"},
        "from": mallory.api(),
        "text": "/start",
    }
    return checked(Update, {"update_id": 999_999, "message": message})
