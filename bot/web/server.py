"""The web server: one aiohttp application in the service's own event loop.

The composition root (`bot/app.py`) builds a `WebServer` with the service's parts in
`WebDeps` and a list of installers; each installer adds its routes to the application (the
member chat, the staff dashboard). `App.start` starts it after the transports and `App.stop`
stops it first, so no page outlives the service behind it.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import Settings
from bot.i18n import Catalogues
from bot.logs import get_logger
from bot.web.ratelimit import RateLimits
from bot.web.security import security_headers
from bot.web.templating import setup_templates
from storage.clock import Clock
from storage.store import Store

if TYPE_CHECKING:
    from bot.app import App
    from bot.commands import Services
    from bot.transports.web import WebTransport

log = get_logger(__name__)

DASHBOARD_MODULE = "bot.dashboard"


@dataclass(frozen=True, slots=True)
class WebDeps:
    """What route handlers need from the service. Built once, by the composition root."""

    settings: Settings
    store: Store
    clock: Clock
    catalogues: Catalogues
    # The running service: its dispatcher (`app.handle`), sender, scheduler and programmes.
    app: App
    services: Services
    # The member chat's transport: visitors, their event logs and open sockets.
    transport: WebTransport
    limits: RateLimits


DEPS = web.AppKey("piiri_web_deps", WebDeps)

Installer = Callable[[web.Application, WebDeps], None]


def default_installers() -> list[Installer]:
    """The member chat, and the staff dashboard when its package is there (`bot.dashboard`
    exposes `install(app, deps)`)."""
    member = importlib.import_module("bot.web.member")
    found: list[Installer] = [member.install]
    if importlib.util.find_spec(DASHBOARD_MODULE) is not None:
        dashboard = getattr(importlib.import_module(DASHBOARD_MODULE), "install", None)
        if dashboard is not None:
            found.append(dashboard)
    return found


def build_application(deps: WebDeps, installers: Sequence[Installer]) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[DEPS] = deps
    setup_templates(app, deps.catalogues, deps.settings.i18n.default_language)
    app.on_response_prepare.append(security_headers(deps.settings.web.embed_origins))
    for install in installers:
        install(app, deps)
    return app


class WebServer:
    def __init__(self, deps: WebDeps, installers: Sequence[Installer] | None = None) -> None:
        self.deps = deps
        self._installers = list(default_installers() if installers is None else installers)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    def application(self) -> web.Application:
        """A fresh application with every installer's routes (for aiohttp's test client too)."""
        return build_application(self.deps, self._installers)

    @property
    def port(self) -> int | None:
        """The port it listens on, once started."""
        return self._port

    async def start(self) -> None:
        settings = self.deps.settings.web
        # No access log: an address like /j/<code> carries an invite code.
        runner = web.AppRunner(
            self.application(), access_log=None, handle_signals=False, shutdown_timeout=2.0
        )
        await runner.setup()
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        addresses = runner.addresses  # the bound sockets' addresses (port 0 → the real one)
        self._port = int(addresses[0][1]) if addresses else settings.port
        log.info("web.started", port=self._port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            log.info("web.stopped")
