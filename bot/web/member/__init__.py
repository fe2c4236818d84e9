"""The member chat's pages: joining by link, the live chat, recovery on another device."""

from __future__ import annotations

from aiohttp import web

from bot.web.member import pages, socket
from bot.web.server import WebDeps
from bot.web.templating import render


async def front(request: web.Request) -> web.Response:
    return render(request, "front.html")


def install(app: web.Application, deps: WebDeps) -> None:
    app.router.add_get("/", front, name="front")
    pages.add_routes(app, deps)
    app.router.add_get("/ws", socket.socket, name="socket")

    async def close_pages(_app: web.Application) -> None:
        await deps.transport.hub.close_all()

    app.on_shutdown.append(close_pages)
