"""The staff dashboard under test: a running Piiri on the in-memory transport with its web
server's application behind aiohttp's test client, staff accounts made as an operator would,
and forms posted the way a browser posts them (with the page's CSRF token)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_app
from bot.config import Settings
from bot.dashboard import install
from bot.dashboard.accounts import make_account, set_password
from bot.dashboard.runtime import DASHBOARD
from bot.transports.memory import MemoryTransport
from bot.web.ratelimit import RateLimits
from bot.web.server import WebDeps, WebServer
from groups.staff import PlatformRef, StaffRole, add_staff
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from storage.models import Group
from storage.store import Store
from tests.databases import copy_sqlite, sqlite_url
from tests.harness import Harness

if TYPE_CHECKING:
    from bot.transports.web import WebTransport

# aiohttp-jinja2 keeps its per-request context under a plain string key, which aiohttp warns
# about; the warning is the library's, not Piiri's.
WARNINGS = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")
PASSWORD = "kissa-istuu-puussa-7"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64}|[0-9a-f]*)"')

Client = TestClient[web.Request, web.Application]


@dataclass
class Desk:
    """Piiri with its dashboard; `client` is one browser (its own cookies)."""

    harness: Harness
    server: WebServer
    client: Client
    clients: list[Client] = field(default_factory=list)

    @property
    def store(self) -> Store:
        return self.harness.app.store

    async def browser(self) -> Client:
        """Another browser, with no cookies."""
        other: Client = TestClient(TestServer(self.server.application()))
        await other.start_server()
        self.clients.append(other)
        return other

    async def account(
        self,
        username: str,
        role: StaffRole | None = None,
        group: int | None = None,
        *,
        password: str | None = PASSWORD,
    ) -> int:
        """A dashboard account `staff:username` with a role, as `piiri staff add` gives it."""
        async with self.harness.app.store.transaction() as tx:
            found: Group | None = await tx.groups.get(group) if group is not None else None
            if role is not None:
                await add_staff(tx, PlatformRef("staff", username), role, found)
            person = await make_account(tx, username)
            if password is not None:
                await set_password(tx, person, password, actor_person_id=None, via="test")
            return person.id

    async def csrf(self, path: str, client: Client | None = None) -> str:
        page = await (client or self.client).get(path)
        assert page.status == 200, f"{path}: {page.status}"
        found = CSRF.search(await page.text())
        assert found is not None, f"no form token on {path}"
        return found.group(1)

    async def login(
        self, username: str, password: str = PASSWORD, client: Client | None = None
    ) -> ClientResponse:
        client = client or self.client
        token = await self.csrf("/staff/login", client)
        return await client.post(
            "/staff/login",
            data={"csrf": token, "username": username, "password": password},
            allow_redirects=False,
        )

    async def post(
        self,
        path: str,
        data: dict[str, str] | None = None,
        *,
        page: str = "/staff",
        client: Client | None = None,
    ) -> ClientResponse:
        """A form posted from `page`, with that page's token."""
        client = client or self.client
        token = await self.csrf(page, client)
        return await client.post(path, data={"csrf": token, **(data or {})}, allow_redirects=False)

    def live_seconds(self, seconds: float) -> None:
        for client in (self.client, *self.clients):
            client.app[DASHBOARD].live_seconds = seconds


@asynccontextmanager
async def running_desk(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[Desk]:
    target = tmp_path / "piiri.db"
    copy_sqlite(sqlite_template, target)
    settings = Settings.model_validate(
        {"database": {"url": sqlite_url(target)}, "web": {"enabled": False}}
    )
    transport = MemoryTransport()
    app = build_app(settings, cipher, [transport], clock=clock)
    # Only the dashboard's routes, on the service's own parts (the member chat has its tests).
    server = WebServer(
        WebDeps(
            settings=settings,
            store=app.store,
            clock=clock,
            catalogues=app.catalogues,
            app=app,
            services=app.dispatcher._services,
            transport=cast("WebTransport", None),
            limits=RateLimits.defaults(),
        ),
        installers=[install],
    )
    await app.start()
    desk = Desk(
        Harness(app, transport, clock), server, TestClient(TestServer(server.application()))
    )
    await desk.client.start_server()
    try:
        yield desk
    finally:
        for client in (desk.client, *desk.clients):
            await client.close()
        await app.stop()
