"""A real Piiri service with the web chat on a loopback port: the store in a SQLite file with
every migration, the web server on a free port, and an in-memory transport for members who
are not on the web (a third member, the facilitator and the facilitators' room).

`web_service` is the fixture (import it into a test module); `WebMember` is a member in a
browser-less client: their own cookie jar and socket, reading the chat as the page does.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import App, build_app
from bot.config import Settings
from bot.transports.memory import MemoryTransport
from storage.clock import SystemClock
from storage.crypto import IdentityCipher
from tests.databases import copy_sqlite, sqlite_url
from tests.joining import OpenGroup, joinable_group

WAIT_SECONDS = 10.0
OPENING = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_for(check: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    """Until `check()` holds; fails the test naming `what` after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


class WebService:
    """The running service. `restart()` stops it and starts a new one on the same store and
    port, like a server restart; the memory transport (the "platform") lives on."""

    def __init__(self, database: Path, cipher: IdentityCipher, settings: dict[str, Any]) -> None:
        self.database = database
        self.cipher = cipher
        self.port = free_port()
        self.settings = Settings.model_validate(
            {
                **settings,
                "database": {"url": sqlite_url(database)},
                "web": {"enabled": True, "host": "127.0.0.1", "port": self.port}
                | settings.get("web", {}),
            }
        )
        self.memory = MemoryTransport()
        self.app = self._build()
        self._used = False

    def _build(self) -> App:
        return build_app(self.settings, self.cipher, [self.memory], clock=SystemClock())

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    async def start(self) -> None:
        """Starts the service; after a `stop()`, a new one on the same store and port."""
        if self._used:
            self.app = self._build()
        self._used = True
        await self.app.start()

    async def stop(self) -> None:
        await self.app.stop()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def open_group(self, **options: Any) -> OpenGroup:
        """An enrolling group with a facilitator on the memory transport; see
        `tests.joining.joinable_group` for the options."""
        first = SystemClock().now().date() + timedelta(days=7)
        return await joinable_group(self.app, self.memory, first, **options)

    def join_link(self, group: OpenGroup) -> str:
        return self.url(f"/j/{group.code}")

    async def memory_says(self, person: str, text: str) -> None:
        self.memory.say(person, text)
        await self.memory.wait_idle()

    async def memory_join(self, person: str, code: str, *, language: str = "fi") -> str:
        """A member on the memory transport joins with the first suggested pseudonym."""
        inbox = self.memory.inbox
        self.memory.say(person, f"/start {code}")
        await wait_for(lambda: "j:ok" in _last_buttons(inbox(person)), "the join intro")
        self.memory.press(person, "j:ok")
        await wait_for(lambda: "j:n:0" in _last_buttons(inbox(person)), "name suggestions")
        pseudonym = inbox(person)[-1].buttons[0][0].label
        self.memory.press(person, "j:n:0")
        await wait_for(lambda: f"j:l:{language}" in _last_buttons(inbox(person)), "languages")
        count = len(inbox(person))
        self.memory.press(person, f"j:l:{language}")
        await wait_for(lambda: len(inbox(person)) > count, "the welcome")
        return pseudonym

    def memory_texts(self, person: str) -> list[str]:
        return self.memory.texts(person)


def _last_buttons(inbox: list[Any]) -> list[str]:
    return inbox[-1].button_data() if inbox else []


@asynccontextmanager
async def running_web_service(
    database: Path, cipher: IdentityCipher, *, settings: dict[str, Any] | None = None
) -> AsyncIterator[WebService]:
    service = WebService(database, cipher, settings or {})
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture
async def web_service(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher
) -> AsyncIterator[WebService]:
    """A running service with the web chat on a free loopback port (see the module)."""
    target = tmp_path / "piiri.db"
    copy_sqlite(sqlite_template, target)
    async with running_web_service(target, cipher) as service:
        yield service


class WebMember:
    """A member in a browser-less client: their own cookies and one socket to `/ws`."""

    def __init__(self, service: WebService, *, language: str = "fi") -> None:
        self.service = service
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            headers={"Accept-Language": language},
        )
        self.events: list[dict[str, Any]] = []
        self.replies: list[dict[str, Any]] = []
        # What the page was told of its group's next meeting (None: no group yet), in order.
        self.meetings: list[dict[str, Any] | None] = []
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        self.closed_with: int | None = None

    async def close(self) -> None:
        await self.disconnect()
        await self.session.close()

    async def get(self, path: str, **options: Any) -> aiohttp.ClientResponse:
        return await self.session.get(self.service.url(path), **options)

    async def open_link(self, code: str) -> aiohttp.ClientResponse:
        """Opens `/j/<code>` and follows it to the chat page, through the page that opens the
        link again from the site itself when the browser sent no cookie (a browser follows
        its `<meta http-equiv="refresh">`)."""
        response = await self.get(f"/j/{code}")
        found = OPENING.search(await response.text())
        if found is None:
            return response
        return await self.get(html.unescape(found.group(1)))

    @property
    def last_seq(self) -> int:
        return max((e["seq"] for e in self.events), default=0)

    async def connect(self, last_seq: int | None = None) -> None:
        self.ready.clear()
        self._ws = await self.session.ws_connect(
            self.service.url("/ws").replace("http", "ws", 1),
            origin=self.service.base_url,
        )
        after = self.last_seq if last_seq is None else last_seq
        await self._ws.send_json({"type": "hello", "last_seq": after})
        self._reader = asyncio.create_task(self._read(self._ws))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            if data["type"] == "event":
                self.events.append(data)
            elif data["type"] == "ready":
                self.ready.set()
            elif data["type"] == "meeting":
                self.meetings.append(data["meeting"])
            else:
                self.replies.append(data)
        self.closed_with = ws.close_code

    async def disconnect(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None

    async def send(self, message: dict[str, Any]) -> str:
        assert self._ws is not None, "connect first"
        message.setdefault("id", uuid.uuid4().hex)
        await self._ws.send_json(message)
        return str(message["id"])

    async def says(self, text: str, *, reply_to: str | None = None) -> str:
        """Writes `text`; returns the message's id once the service acknowledged it."""
        sent = await self.send({"type": "text", "text": text, "reply_to": reply_to})
        await self.acknowledged(sent)
        return sent

    async def acknowledged(self, message_id: str) -> dict[str, Any]:
        await wait_for(
            lambda: any(r.get("id") == message_id for r in self.replies), "an acknowledgement"
        )
        return next(r for r in self.replies if r.get("id") == message_id)

    async def presses(self, data: str) -> None:
        shown = [b["data"] for e in self.events for row in e.get("buttons", []) for b in row]
        assert data in shown, f"the page never showed a button {data}: {shown}"
        await self.acknowledged(await self.send({"type": "button", "data": data}))

    def sent(self) -> list[dict[str, Any]]:
        """Piiri's messages to this member, as the page shows them now (edits applied)."""
        messages: dict[str, dict[str, Any]] = {}
        for event in self.events:
            if event["kind"] == "send":
                messages[event["id"]] = dict(event)
            elif event["kind"] == "edit" and event["id"] in messages:
                messages[event["id"]]["text"] = event["text"]
            elif event["kind"] == "delete":
                messages.pop(event["id"], None)
        return list(messages.values())

    def texts(self) -> list[str]:
        return [m["text"] or "" for m in self.sent()]

    async def wait_for_text(self, part: str) -> dict[str, Any]:
        await wait_for(lambda: any(part in t for t in self.texts()), f"a message with {part!r}")
        return next(m for m in self.sent() if part in (m["text"] or ""))

    def state_of(self, message_id: str) -> str | None:
        states = [e["state"] for e in self.events if e["kind"] == "state" and e["id"] == message_id]
        return states[-1] if states else None

    async def join(self, code: str, *, pick: int = 0, language: str = "fi") -> str:
        """The whole join flow on the page, pressing the buttons shown; returns the pseudonym."""
        await self.open_link(code)
        await self.connect()
        await wait_for(lambda: self._offers("j:ok"), "the join intro")
        await self.presses("j:ok")
        await wait_for(lambda: self._offers(f"j:n:{pick}"), "name suggestions")
        offer = self._offering(f"j:n:{pick}")
        pseudonym = next(
            b["label"] for row in offer["buttons"] for b in row if b["data"] == f"j:n:{pick}"
        )
        await self.presses(f"j:n:{pick}")
        await wait_for(lambda: self._offers(f"j:l:{language}"), "languages")
        count = len(self.sent())
        await self.presses(f"j:l:{language}")
        await wait_for(lambda: len(self.sent()) > count, "the welcome")
        return pseudonym

    def _offering(self, data: str) -> dict[str, Any]:
        return next(
            m
            for m in reversed(self.sent())
            for row in m.get("buttons", [])
            for b in row
            if b["data"] == data
        )

    def _offers(self, data: str) -> bool:
        messages = self.sent()
        return bool(messages) and any(
            b["data"] == data for row in messages[-1].get("buttons", []) for b in row
        )


@asynccontextmanager
async def web_member(service: WebService, *, language: str = "fi") -> AsyncIterator[WebMember]:
    member = WebMember(service, language=language)
    try:
        yield member
    finally:
        await member.close()
