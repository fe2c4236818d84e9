"""`piiri run`: the service on the configured chat platforms and the web, until SIGINT or
SIGTERM. With no platform configured it is Piiri's embedded default: the SQLite store, made or
brought up to date here, and the web chat and dashboard on [web] host:port."""

from __future__ import annotations

import os
import sys

from bot.app import App, build_app
from bot.command_menu import command_menus
from bot.config import Settings
from bot.first_start import first_start_lines
from bot.i18n import Catalogues
from bot.logs import get_logger
from bot.ports import Transport
from bot.room_rights import RoomRights
from bot.secret_key import load_secret_key
from bot.transports.matrix import (
    MatrixStartError,
    MatrixTransport,
    build_client,
    encrypted_room_notice,
)
from bot.transports.telegram import (
    TelegramTransport,
    TransportStartError,
    build_bot,
    webhook_for,
    webhook_problem,
)
from storage.crypto import IdentityCipher
from storage.engine import create_engine
from storage.migrate import current_revision, head_revision, upgrade

log = get_logger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


async def run(settings: Settings) -> int:
    platforms = settings.telegram.enabled or settings.matrix.enabled
    web = settings.web.serves(platforms)
    key = load_secret_key(os.environ, data_dir=settings.data.dir, allow_local_file=not platforms)
    if not platforms and not web:
        _say(
            "nothing to serve: no chat platform is configured ([telegram] token or [matrix] "
            "homeserver and access_token) and the web chat is off ([web] enabled = false). "
            "To try Piiri on this machine, run `piiri demo`."
        )
        return EXIT_USAGE
    if (
        settings.telegram.enabled
        and settings.telegram.mode == "webhook"
        and (problem := webhook_problem(settings.telegram))
    ):
        _say(problem)
        return EXIT_USAGE
    if not await _schema_is_current(settings):
        if platforms or not settings.database.url.startswith("sqlite"):
            _say("the database schema is not up to date: run `piiri db upgrade` first.")
            return EXIT_USAGE
        await _upgrade(settings)  # the embedded default keeps its own SQLite file current
    app: App | None = None
    try:
        app = await prepare(settings, key.cipher)
        # Before the start: once serving, only `run_until_signal` should stand between a
        # SIGTERM and a clean stop.
        first_start = await first_start_lines(app, embedded=not platforms) if app.web else []
        await app.start()
    except (TransportStartError, MatrixStartError) as exc:
        _say(str(exc))
        return EXIT_ERROR
    except OSError as exc:
        _say(f"cannot serve the web on {settings.web.host}:{settings.web.port}: {exc.strerror}")
        if app is not None:
            await app.stop()
        return EXIT_ERROR
    if app.web is not None:
        _say(f"the web chat is at {settings.web.base_url()} (stop with Ctrl+C)")
        for line in first_start:
            _say(line)
    await app.run_until_signal()
    return EXIT_OK


async def prepare(settings: Settings, cipher: IdentityCipher) -> App:
    """The service on each configured platform, logged in. On Telegram, the bot's @username
    fills in for invite links when `[telegram] bot_username` is not set."""
    transports: list[Transport] = []
    telegram: TelegramTransport | None = None
    if settings.telegram.enabled:
        telegram = TelegramTransport(
            build_bot(settings.telegram), webhook=webhook_for(settings.telegram)
        )
        username = await telegram.connect()
        if not settings.telegram.bot_username:
            settings = settings.model_copy(
                update={"telegram": settings.telegram.model_copy(update={"bot_username": username})}
            )
        log.info("telegram.connected")
        transports.append(telegram)
    matrix: MatrixTransport | None = None
    if settings.matrix.enabled:
        matrix = MatrixTransport(
            build_client(settings.matrix),
            settings.matrix,
            encrypted_notice=encrypted_room_notice(Catalogues()),
        )
        await matrix.connect()
        log.info("matrix.connected")
        transports.append(matrix)
    app = build_app(settings, cipher, transports)
    rights = RoomRights(app.store, app.clock, app.catalogues)
    if telegram is not None:
        await telegram.publish_menus(
            command_menus(app.dispatcher.router, app.catalogues, settings.i18n.default_language)
        )
        await rights.check_rooms(telegram.name, telegram.can_remove_messages)
    if matrix is not None:
        await rights.check_rooms(matrix.name, matrix.can_remove_messages)
    return app


async def _upgrade(settings: Settings) -> None:
    engine = create_engine(settings.database.url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _schema_is_current(settings: Settings) -> bool:
    engine = create_engine(settings.database.url)
    try:
        return await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()


def _say(text: str) -> None:
    print(f"piiri: {text}", file=sys.stderr)
