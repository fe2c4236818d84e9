"""The member chat's pages: joining by link, the live chat, recovery on another device."""

from __future__ import annotations

from aiohttp import web

from bot.web.server import WebDeps
from bot.web.templating import render


async def front(request: web.Request) -> web.Response:
    return render(request, "front.html")


def install(app: web.Application, deps: WebDeps) -> None:
    app.router.add_get("/", front, name="front")
