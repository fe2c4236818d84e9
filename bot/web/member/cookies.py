"""The member's cookie: a random token, HttpOnly, SameSite=Strict, Secure under https."""

from __future__ import annotations

import hashlib
import hmac

from aiohttp import web

from bot.web.security import came_over_https
from bot.web.server import WebDeps

MEMBER_COOKIE = "piiri_member"
MAX_AGE = 180 * 24 * 3600


def member_token(request: web.Request) -> str | None:
    return request.cookies.get(MEMBER_COOKIE)


def set_member_cookie(
    request: web.Request, response: web.StreamResponse, deps: WebDeps, token: str
) -> None:
    response.set_cookie(
        MEMBER_COOKIE,
        token,
        max_age=MAX_AGE,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=came_over_https(request, deps.settings.web.public_url),
    )


def form_token(token: str) -> str:
    """A form's CSRF token, bound to the member's cookie token (a keyed hash of it)."""
    return hmac.new(token.encode(), b"piiri/v1/web-form", hashlib.sha256).hexdigest()[:32]


def form_token_ok(token: str | None, sent: str | None) -> bool:
    return bool(token and sent) and hmac.compare_digest(form_token(token or ""), sent or "")
