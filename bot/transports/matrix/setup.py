"""The matrix-nio client Piiri talks through, built from `[matrix]` settings, and logging in.

An access token from the settings (or `PIIRI_MATRIX_ACCESS_TOKEN`) is used as it is. With only
a password, Piiri logs in once and keeps the token it got in `store_path/session.json`
(readable by the service's user only), so later starts reuse the same device.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, LoginResponse, WhoamiResponse

from bot.config import MatrixSettings
from bot.logs import get_logger
from bot.transports.matrix.errors import NETWORK_ERRORS

log = get_logger(__name__)

SESSION_FILE = "session.json"


class MatrixStartError(Exception):
    """The transport cannot start; the message says why, with no secret in it."""


@dataclass(frozen=True, slots=True)
class Session:
    user_id: str
    device_id: str
    access_token: str

    def __repr__(self) -> str:
        return "Session(…)"


def build_client(settings: MatrixSettings, *, request_timeout: float = 60.0) -> AsyncClient:
    """A client that never retries by itself: Piiri's outbound queue and sync loop do."""
    if not settings.homeserver:
        raise ValueError("[matrix] homeserver is not set")
    config = AsyncClientConfig(
        max_limit_exceeded=0,
        max_timeouts=0,
        request_timeout=request_timeout,
        encryption_enabled=False,
        store_sync_tokens=False,
    )
    return AsyncClient(settings.homeserver.rstrip("/"), settings.user_id or "", config=config)


def saved_session(store_path: Path) -> Session | None:
    try:
        data = json.loads((store_path / SESSION_FILE).read_text())
        return Session(data["user_id"], data["device_id"], data["access_token"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_session(store_path: Path, session: Session) -> None:
    store_path.mkdir(parents=True, exist_ok=True)
    path = store_path / SESSION_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(
            {
                "user_id": session.user_id,
                "device_id": session.device_id,
                "access_token": session.access_token,
            },
            out,
        )


async def log_in(client: AsyncClient, settings: MatrixSettings) -> str:
    """Make `client` logged in; returns the bot's user id. Raises `MatrixStartError`."""
    configured = settings.access_token.get_secret_value() if settings.access_token else ""
    saved = saved_session(settings.store_path)
    token = configured or (saved.access_token if saved else "")
    try:
        if token:
            client.access_token = token
            found = await client.whoami()
            if isinstance(found, WhoamiResponse):
                return _logged_in(client, found.user_id, found.device_id, settings)
            if configured or not settings.password:
                raise MatrixStartError(
                    f"the Matrix homeserver did not accept the access token ({found.status_code})"
                )
        return await _password_login(client, settings)
    except NETWORK_ERRORS as exc:
        raise MatrixStartError(
            f"could not reach the Matrix homeserver ({type(exc).__name__})"
        ) from exc


async def _password_login(client: AsyncClient, settings: MatrixSettings) -> str:
    password = settings.password.get_secret_value() if settings.password else ""
    if not password or not settings.user_id:
        raise MatrixStartError("[matrix] needs access_token, or user_id and password")
    client.user = settings.user_id
    answer = await client.login(password, device_name=settings.device_name)
    if not isinstance(answer, LoginResponse):
        raise MatrixStartError(f"the Matrix homeserver refused the login ({answer.status_code})")
    save_session(
        settings.store_path, Session(answer.user_id, answer.device_id, answer.access_token)
    )
    log.info("matrix.logged_in_with_password")
    return _logged_in(client, answer.user_id, answer.device_id, settings)


def _logged_in(
    client: AsyncClient, user_id: str, device_id: str | None, settings: MatrixSettings
) -> str:
    if settings.user_id and settings.user_id != user_id:
        raise MatrixStartError("the access token belongs to another account than [matrix] user_id")
    client.user_id = user_id
    client.user = user_id
    if device_id:
        client.device_id = device_id
    return user_id
