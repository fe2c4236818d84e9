"""`piiri run` with a Telegram token: it checks the schema, logs in, and serves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import cli_run
from bot.config import Settings
from storage.crypto import IdentityCipher
from tests.databases import copy_sqlite, sqlite_url
from tests.telegram_api.server import TOKEN, BotApiStandIn


@pytest.fixture
async def stand_in() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn()
    await server.start()
    yield server
    await server.stop()


def _settings(url: str, server: BotApiStandIn, token: str = TOKEN) -> Settings:
    return Settings.model_validate(
        {"database": {"url": url}, "telegram": {"token": token, "base_url": server.base_url}}
    )


async def test_run_logs_in_learns_its_name_and_answers(
    stand_in: BotApiStandIn, tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher
) -> None:
    copy_sqlite(sqlite_template, tmp_path / "piiri.db")
    app = await cli_run.prepare(_settings(sqlite_url(tmp_path / "piiri.db"), stand_in), cipher)
    assert app.dispatcher._services.bot_username == "PiiriTestBot"
    menus = {
        (m.get("language_code"), m["scope"]["type"]): [c["command"] for c in m["commands"]]
        for m in stand_in.world.commands
    }
    assert len(menus) == 4, "fi, sv, en and the default, in private chats"
    assert "apua" in menus["fi", "all_private_chats"]
    assert (
        "hjalp" in menus["sv", "all_private_chats"] and "apua" in menus[None, "all_private_chats"]
    )
    assert "apua" in stand_in.world.menu_seen("Aino")
    room = stand_in.world.group("Vertaisryhmä")
    assert stand_in.world.menu_seen("Aino", room) == [], "nothing staff-only in groups"
    await app.start()
    try:
        stand_in.world.say("Aino", "/start")
        for _ in range(400):
            await app.sender.drain()
            if stand_in.world.texts("Aino"):
                break
            await asyncio.sleep(0.01)
    finally:
        await app.stop()
    assert stand_in.world.texts("Aino")[0].startswith("Hei! Olen Piiri")


async def test_run_refuses_a_store_that_is_not_migrated(
    stand_in: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    secret_key: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PIIRI_SECRET_KEY", secret_key)
    settings = _settings(sqlite_url(tmp_path / "empty.db"), stand_in)
    assert await cli_run.run(settings) == cli_run.EXIT_USAGE
    assert "piiri db upgrade" in capsys.readouterr().err


async def test_run_says_plainly_when_telegram_refuses_the_token(
    stand_in: BotApiStandIn,
    tmp_path: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    secret_key: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PIIRI_SECRET_KEY", secret_key)
    copy_sqlite(sqlite_template, tmp_path / "piiri.db")
    wrong = "999:not-the-token"
    settings = _settings(sqlite_url(tmp_path / "piiri.db"), stand_in, token=wrong)
    assert await cli_run.run(settings) == cli_run.EXIT_ERROR
    err = capsys.readouterr().err
    assert "did not accept the bot token" in err and wrong not in err


async def test_webhook_mode_without_a_secret_refuses_to_start(
    stand_in: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    secret_key: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PIIRI_SECRET_KEY", secret_key)
    settings = Settings.model_validate(
        {
            "database": {"url": sqlite_url(tmp_path / "piiri.db")},
            "telegram": {
                "token": TOKEN,
                "base_url": stand_in.base_url,
                "mode": "webhook",
                "webhook_url": "https://piiri.example.org/telegram",
            },
        }
    )
    assert await cli_run.run(settings) == cli_run.EXIT_USAGE
    assert "webhook_secret" in capsys.readouterr().err
    assert stand_in.calls == [], "nothing was sent to Telegram"
