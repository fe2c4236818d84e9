"""Webhook mode: Telegram pushes each update to Piiri's HTTPS address (usually through a
reverse proxy) instead of Piiri asking for them.

Every request must carry the secret token Piiri registered (`X-Telegram-Bot-Api-Secret-Token`);
one without it is refused and nothing of it is read. An update is answered 200 only after the
sink returned: if handling fails, Telegram keeps the update and delivers it again, and the
dispatcher de-duplicates by update id, as with polling.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import ExtBot

from bot.logs import get_logger
from bot.ports import InboundKind, InboundSink
from bot.transports.telegram.polling import AnswerButton
from bot.transports.telegram.updates import ALLOWED_UPDATES, to_inbound

log = get_logger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where Telegram sends updates (`url`), where Piiri listens, and the shared secret."""

    url: str
    listen: str
    port: int
    secret: str

    def __repr__(self) -> str:
        return f"Webhook(listen={self.listen}:{self.port})"

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


class WebhookReceiver:
    def __init__(
        self,
        bot: ExtBot[Any],
        name: str,
        sink: InboundSink,
        webhook: Webhook,
        *,
        answer_button: AnswerButton,
    ) -> None:
        self._bot = bot
        self._name = name
        self._sink = sink
        self._webhook = webhook
        self._answer_button = answer_button
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(self._webhook.path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._webhook.listen, self._webhook.port).start()
            await self._bot.set_webhook(
                self._webhook.url,
                secret_token=self._webhook.secret,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=False,
            )
        except BaseException:
            await self.stop()
            raise
        log.info("telegram.webhook_listening", port=self._webhook.port)

    async def stop(self) -> None:
        """Stop listening; requests in hand finish first. The webhook stays registered, so
        Telegram keeps what arrives meanwhile and delivers it after a restart."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._webhook.secret.encode()):
            log.warning("telegram.webhook_refused")
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), self._bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return web.Response(status=400)
        event = to_inbound(update, self._name)
        if event is None:
            return web.Response()
        try:
            await self._sink(event)
        except Exception as exc:  # Telegram delivers it again later
            log.warning("telegram.inbound_retry", kind=event.kind, error=type(exc).__name__)
            return web.Response(status=500)
        if event.kind is InboundKind.BUTTON:
            await self._answer_button(update)
        return web.Response()
