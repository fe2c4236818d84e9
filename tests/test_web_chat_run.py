"""`piiri run` with no chat platform serves the web chat on [web] host:port until SIGTERM,
making its SQLite store on the way."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import aiohttp
import pytest

from bot import cli_run
from bot.config import Settings
from tests.databases import sqlite_url
from tests.web_service import free_port


async def test_run_with_no_platform_serves_the_web_chat_until_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PIIRI_SECRET_KEY", raising=False)
    port = free_port()
    settings = Settings.model_validate(
        {
            "database": {"url": sqlite_url(tmp_path / "fresh" / "piiri.db")},
            "data": {"dir": str(tmp_path / "data")},
            "web": {"port": port},
        }
    )
    running = asyncio.create_task(cli_run.run(settings))
    async with aiohttp.ClientSession() as session:
        for _ in range(500):
            try:
                async with session.get(f"http://127.0.0.1:{port}/") as response:
                    page = await response.text()
                    break
            except aiohttp.ClientConnectionError:
                assert not running.done(), capsys.readouterr().err
                await asyncio.sleep(0.02)
        else:
            raise AssertionError("the web chat never answered")
    assert response.status == 200 and "Piiri" in page
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(running, 10) == cli_run.EXIT_OK
    assert f"http://127.0.0.1:{port}" in capsys.readouterr().err


async def test_run_says_so_when_the_port_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PIIRI_SECRET_KEY", raising=False)
    blocker = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = blocker.sockets[0].getsockname()[1]
    settings = Settings.model_validate(
        {
            "database": {"url": sqlite_url(tmp_path / "piiri.db")},
            "data": {"dir": str(tmp_path / "data")},
            "web": {"port": port},
        }
    )
    try:
        assert await cli_run.run(settings) == cli_run.EXIT_ERROR
    finally:
        blocker.close()
        await blocker.wait_closed()
    assert f"cannot serve the web on 127.0.0.1:{port}" in capsys.readouterr().err
