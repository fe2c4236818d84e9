"""`/ws`: the live chat. The page says `hello` with the last event number it has; it gets
exactly the events after it, then each new one as it is written. What the page sends
(texts, button presses, edits, deletions, commands) goes to the service as inbound events
whose ids come from the page, so a resend after a reconnect is taken only once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from yarl import URL

from bot.logs import get_logger
from bot.transports.web.hub import EventData
from bot.transports.web.transport import StoppingError, Visitor, WebTransport
from bot.web.member.cookies import member_token
from bot.web.security import client_address
from bot.web.server import DEPS, WebDeps

log = get_logger(__name__)

# Page ids are long enough never to look like Piiri's own message ids ("s<seq>").
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_TEXT = 4000
MAX_DATA = 64
HELLO_SECONDS = 10.0
MAX_QUEUED = 256
COMMANDS = {"mydata": "/mydata", "forgetme": "/forgetme"}
NOT_A_MEMBER = 4401
# How often a page's question about its meeting reaches the store.
MEETING_SECONDS = 60.0
# How often a page's question about its held messages reaches the store.
STATES_SECONDS = 10.0
TOO_MANY_PAGES = 4429
# Open pages one member may have at once (tabs, devices); more is a runaway script.
PAGES_PER_MEMBER = 8


class Connection:
    """One open page: everything it is sent goes through one queue and one writer, in order;
    log events only once each and never out of order, filling any gap from the store.

    A page that reads slower than events come keeps at most `MAX_QUEUED` of them in memory;
    past that, events are left in the store and read from there once the page catches up.
    """

    def __init__(
        self, ws: web.WebSocketResponse, transport: WebTransport, visitor: Visitor, after: int
    ) -> None:
        self._ws = ws
        self._transport = transport
        self._visitor = visitor
        self.sent = after
        self._queue: asyncio.Queue[EventData] = asyncio.Queue()
        self._behind = False

    def offer(self, event: EventData) -> None:
        if self._queue.qsize() >= MAX_QUEUED:
            self._behind = True
            return
        self._queue.put_nowait(event)

    def tell(self, message: EventData) -> None:
        self._queue.put_nowait(message)

    async def close(self) -> None:
        await self._ws.close(code=WSCloseCode.GOING_AWAY)

    async def run(self) -> None:
        """Send until the page goes; if sending fails for another reason, close the socket so
        the page reconnects and resumes, rather than waiting on a connection that says nothing."""
        try:
            await self._send_all()
        except (asyncio.CancelledError, ConnectionError):
            raise
        except Exception as exc:
            log.warning(
                "web.socket_writer_failed", visitor=self._visitor.id, error=type(exc).__name__
            )
            await self._ws.close(code=WSCloseCode.INTERNAL_ERROR)

    async def _send_all(self) -> None:
        await self._catch_up()
        await self._ws.send_json({"type": "ready", "last_seq": self.sent})
        while True:
            item = await self._queue.get()
            seq = item.get("seq")
            if not isinstance(seq, int):
                await self._ws.send_json(item)
                continue
            if seq > self.sent + 1:
                await self._catch_up()
            if seq == self.sent + 1:
                await self._ws.send_json(item)
                self.sent = seq
            if self._behind and self._queue.empty():
                self._behind = False
                await self._catch_up()

    async def _catch_up(self) -> None:
        while True:
            events = await self._transport.events_after(self._visitor.id, self.sent)
            if not events:
                return
            for event in events:
                await self._ws.send_json(event)
                self.sent = event["seq"]


class Meeting:
    """The page's session timer: the meeting on now or next, told when the page connects and
    when it asks again (every few minutes, or after news while it knows of none: a member who
    has just joined). A known meeting is read again at most once a minute."""

    def __init__(self, transport: WebTransport, visitor: Visitor, connection: Connection) -> None:
        self._transport = transport
        self._visitor = visitor
        self._connection = connection
        self._asked = -MEETING_SECONDS
        self._last: EventData = {"type": "meeting", "meeting": None}

    async def tell(self) -> None:
        now = asyncio.get_running_loop().time()
        known = self._last["meeting"] is not None
        if not known or now - self._asked >= MEETING_SECONDS:
            self._asked = now
            meeting = await self._transport.meeting(self._visitor)
            self._last = {"type": "meeting", "meeting": meeting}
        self._connection.tell(self._last)


class States:
    """A page showing a message as held (or waiting for the group to open) asks now and then
    whether it has moved on: a moderator released it. Asked at most every few seconds."""

    def __init__(self, transport: WebTransport, visitor: Visitor) -> None:
        self._transport = transport
        self._visitor = visitor
        self._asked = -STATES_SECONDS

    async def refresh(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._asked >= STATES_SECONDS:
            self._asked = now
            await self._transport.refresh_states(self._visitor)


def _same_origin(request: web.Request, deps: WebDeps) -> bool:
    """A page of this site opened the socket (no other site may use the member's cookie)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser page: the cookie is still required
    allowed = {f"{request.scheme}://{request.host}"}
    if deps.settings.web.public_url:
        public = URL(deps.settings.web.public_url)
        allowed.add(f"{public.scheme}://{public.raw_authority}")
    return origin in allowed


async def socket(request: web.Request) -> web.WebSocketResponse:
    deps = request.app[DEPS]
    ws = web.WebSocketResponse(heartbeat=30.0, max_msg_size=32 * 1024)
    visitor = await deps.transport.visitor(member_token(request))
    await ws.prepare(request)
    if visitor is None or not _same_origin(request, deps):
        await ws.close(code=NOT_A_MEMBER, message=b"not a member")
        return ws
    if deps.transport.hub.count_for(visitor.id) >= PAGES_PER_MEMBER:
        await ws.close(code=TOO_MANY_PAGES, message=b"too many open pages")
        return ws
    try:
        hello = await ws.receive_json(timeout=HELLO_SECONDS)
    except (TimeoutError, ValueError, TypeError):
        await ws.close(code=WSCloseCode.POLICY_VIOLATION)
        return ws
    after = hello.get("last_seq") if isinstance(hello, dict) else None
    after = after if isinstance(after, int) and after >= 0 else 0
    latest = await _latest(deps, visitor)
    if after > latest:  # the page knows a log that is gone (erased): start over
        await ws.send_json({"type": "reset"})
        after = 0
    await deps.transport.refresh_states(visitor)
    connection = Connection(ws, deps.transport, visitor, after)
    deps.transport.hub.add(visitor.id, connection)
    writer = asyncio.create_task(connection.run(), name="web-socket-writer")
    address = client_address(request, deps.settings.web.trusted_proxy_header)
    meeting = Meeting(deps.transport, visitor, connection)
    await meeting.tell()
    states = States(deps.transport, visitor)
    try:
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            try:
                data = json.loads(message.data)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("type") == "meeting":
                await meeting.tell()
            elif isinstance(data, dict) and data.get("type") == "states":
                await states.refresh()
            elif isinstance(data, dict):
                try:
                    await _act(deps, visitor, connection, address, data)
                except StoppingError:
                    break
    finally:
        deps.transport.hub.remove(visitor.id, connection)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await writer
    return ws


async def _latest(deps: WebDeps, visitor: Visitor) -> int:
    fresh = await deps.transport.visitor_by_id(visitor.id)
    return fresh.last_seq if fresh is not None else 0


def _text(data: dict[str, Any], key: str, limit: int) -> str | None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        return None
    return value


async def _act(
    deps: WebDeps, visitor: Visitor, connection: Connection, address: str, data: dict[str, Any]
) -> None:
    kind = data.get("type")
    client_id = data.get("id")
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        return
    limits = deps.limits
    if not (
        limits.messages_per_member.take(str(visitor.id))
        and limits.messages_per_address.take(address)
    ):
        connection.tell({"type": "refused", "id": client_id})
        return
    transport = deps.transport
    if kind == "text":
        text = _text(data, "text", MAX_TEXT)
        reply_to = data.get("reply_to")
        reply_to = reply_to if isinstance(reply_to, str) and len(reply_to) <= 64 else None
        if text is None:
            return
        state = await transport.say(visitor, client_id, text, reply_to)
        connection.tell({"type": "ack", "id": client_id, "state": state})
    elif kind == "button":
        button = _text(data, "data", MAX_DATA)
        if button is not None:
            await transport.press(visitor, client_id, button)
        connection.tell({"type": "ack", "id": client_id})
    elif kind == "edit":
        text = _text(data, "text", MAX_TEXT)
        target = _text(data, "message", 64)
        if text is not None and target is not None:
            await transport.edit_own(visitor, client_id, target, text)
        connection.tell({"type": "ack", "id": client_id})
    elif kind == "delete":
        target = _text(data, "message", 64)
        if target is not None:
            await transport.delete_own(visitor, client_id, target)
        connection.tell({"type": "ack", "id": client_id})
    elif kind == "command" and data.get("name") in COMMANDS:
        await transport.command(visitor, client_id, COMMANDS[str(data["name"])])
        connection.tell({"type": "ack", "id": client_id})
