"""The python-telegram-bot `ExtBot` Piiri talks through, built from `[telegram]` settings."""

from __future__ import annotations

import re
from typing import Any

from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.config import TelegramSettings
from bot.transports.telegram.webhook import Webhook

DEFAULT_API = "https://api.telegram.org/bot"
# What Telegram accepts as a webhook's secret token.
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def file_url(base_url: str) -> str:
    """The file URL that goes with an API URL (`…/bot` → `…/file/bot`)."""
    if base_url.endswith("/bot"):
        return base_url[: -len("bot")] + "file/bot"
    return base_url.rstrip("/") + "/file/bot"


def build_bot(
    settings: TelegramSettings,
    *,
    read_timeout: float = 10.0,
    connect_timeout: float = 10.0,
    rate_limiter: AIORateLimiter | None = None,
) -> ExtBot[Any]:
    """A bot on the configured API server, paced by PTB's rate limiter.

    The limiter keeps to Telegram's flood limits (about 30 messages a second overall, 20 a
    minute per group) and never retries on its own: Piiri's outbound queue does, in order of
    priority.
    """
    if settings.token is None or not settings.token.get_secret_value():
        raise ValueError("[telegram] token is not set")
    request = HTTPXRequest(
        connection_pool_size=8, read_timeout=read_timeout, connect_timeout=connect_timeout
    )
    # getUpdates adds its long-poll timeout to this read timeout.
    updates_request = HTTPXRequest(
        connection_pool_size=1, read_timeout=read_timeout, connect_timeout=connect_timeout
    )
    return ExtBot(
        settings.token.get_secret_value(),
        base_url=settings.base_url,
        base_file_url=file_url(settings.base_url),
        request=request,
        get_updates_request=updates_request,
        rate_limiter=rate_limiter or AIORateLimiter(max_retries=0),
    )


def webhook_problem(settings: TelegramSettings) -> str | None:
    """Why webhook mode cannot start with these settings, or None when it can."""
    if not settings.webhook_url:
        return "webhook mode needs [telegram] webhook_url, the HTTPS address Telegram posts to."
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not SECRET_TOKEN.fullmatch(secret):
        return (
            "webhook mode needs [telegram] webhook_secret (or PIIRI_TELEGRAM_WEBHOOK_SECRET): "
            "1–256 characters of A–Z, a–z, 0–9, _ and -."
        )
    return None


def webhook_for(settings: TelegramSettings) -> Webhook | None:
    """The webhook to listen on in webhook mode; None in polling mode."""
    if settings.mode != "webhook":
        return None
    problem = webhook_problem(settings)
    url, secret = settings.webhook_url, settings.webhook_secret
    if problem is not None or url is None or secret is None:
        raise ValueError(problem or "incomplete webhook settings")
    return Webhook(
        url=url,
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        secret=secret.get_secret_value(),
    )
