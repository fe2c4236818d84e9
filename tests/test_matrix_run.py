"""`piiri run` with `[matrix]` settings: it logs in with an access token, or with a password
once and keeps the token; a refused token is said plainly; the service then answers."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot import cli_run
from bot.config import Settings
from bot.transports.matrix import MatrixStartError, MatrixTransport, build_client
from storage.crypto import IdentityCipher
from tests.databases import copy_sqlite, sqlite_url
from tests.matrix_server.harness import MatrixHarness
from tests.matrix_server.synapse import SynapseServer


def _settings(url: str, server: SynapseServer, **matrix: str) -> Settings:
    return Settings.model_validate(
        {"database": {"url": url}, "matrix": {"homeserver": server.url, **matrix}}
    )


async def test_run_logs_in_with_a_token_and_answers(
    matrix: MatrixHarness, tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher
) -> None:
    await matrix.stop()  # the harness's own service steps aside for `piiri run`'s
    copy_sqlite(sqlite_template, tmp_path / "run.db")
    settings = _settings(
        sqlite_url(tmp_path / "run.db"),
        matrix.server,
        access_token=matrix.bot.access_token,
        store_path=str(tmp_path / "store"),
    )
    app = await cli_run.prepare(settings, cipher)
    await app.start()
    try:
        await matrix.open_dm("Aino")
        await matrix.say("Aino", "!start", handled=False)
        for _ in range(400):
            await app.sender.drain()
            if await matrix.texts("Aino"):
                break
            await asyncio.sleep(0.02)
    finally:
        await app.stop()
    assert (await matrix.texts("Aino"))[0].startswith("Hei! Olen Piiri")


async def test_a_password_logs_in_once_and_the_token_is_kept(
    synapse: SynapseServer, tmp_path: Path
) -> None:
    account = synapse.register("passwordbot")
    store = tmp_path / "store"
    settings = _settings(
        "sqlite+aiosqlite://",
        synapse,
        user_id=account.user_id,
        password=account.password,
        store_path=str(store),
    ).matrix
    first = MatrixTransport(build_client(settings), settings, encrypted_notice="-")
    assert await first.connect() == account.user_id
    await first.client.close()
    session = store / "session.json"
    assert session.stat().st_mode & 0o777 == 0o600
    token = json.loads(session.read_text())["access_token"]
    # Next start: the kept token is used, even with a wrong password configured.
    wrong = settings.model_copy(update={"password": SecretStr("not-it")})
    again = MatrixTransport(build_client(wrong), wrong, encrypted_notice="-")
    assert await again.connect() == account.user_id
    assert again.client.access_token == token
    await again.client.close()


async def test_a_refused_token_is_said_plainly(synapse: SynapseServer, tmp_path: Path) -> None:
    settings = _settings(
        "sqlite+aiosqlite://", synapse, access_token="syt_wrong", store_path=str(tmp_path)
    ).matrix
    transport = MatrixTransport(build_client(settings), settings, encrypted_notice="-")
    with pytest.raises(MatrixStartError, match="did not accept the access token") as refused:
        await transport.connect()
    assert "syt_wrong" not in str(refused.value)
