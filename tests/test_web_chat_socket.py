"""A page's connection sends each event of its log once, in order, whatever order the pushes
come in: a gap is filled from the store, and what it already sent is skipped."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from aiohttp import WSCloseCode, web

from bot.transports.web.transport import Visitor, WebTransport
from bot.web.member.socket import MAX_QUEUED, Connection


class Page:
    def __init__(self) -> None:
        self.got: list[dict[str, Any]] = []
        self.closed_with: int | None = None

    async def send_json(self, data: dict[str, Any]) -> None:
        self.got.append(data)

    async def close(self, *, code: int = 1000, **_: Any) -> None:
        self.closed_with = code


class Log:
    """The store's log of one chat: events 1..n, only those "committed" so far."""

    def __init__(self) -> None:
        self.committed: list[dict[str, Any]] = []

    def commit(self, seq: int) -> dict[str, Any]:
        event = {"type": "event", "seq": seq, "kind": "send", "id": f"s{seq}", "text": str(seq)}
        self.committed.append(event)
        return event

    async def events_after(self, visitor_id: int, seq: int) -> list[dict[str, Any]]:
        return [e for e in self.committed if e["seq"] > seq]


async def test_events_arrive_once_and_in_order_whatever_the_pushes_do() -> None:
    log, page = Log(), Page()
    for seq in (1, 2):
        log.commit(seq)
    connection = Connection(
        cast(web.WebSocketResponse, page),
        cast(WebTransport, log),
        Visitor(1, "chat", 2),
        after=1,
    )
    writer = asyncio.create_task(connection.run())
    await asyncio.sleep(0.01)
    three, four, five = log.commit(3), log.commit(4), log.commit(5)
    connection.offer(five)  # pushed first: 3 and 4 come from the store before it
    connection.offer(three)
    connection.offer(four)
    connection.tell({"type": "ack", "id": "x"})
    await asyncio.sleep(0.05)
    writer.cancel()
    seqs = [m["seq"] for m in page.got if m["type"] == "event"]
    assert seqs == [2, 3, 4, 5]
    assert page.got[1] == {"type": "ready", "last_seq": 2}
    assert page.got[-1] == {"type": "ack", "id": "x"}


class BrokenLog:
    async def events_after(self, visitor_id: int, seq: int) -> list[dict[str, Any]]:
        raise RuntimeError("the store went away")


async def test_a_writer_that_cannot_read_the_log_closes_the_page_so_it_reconnects() -> None:
    page = Page()
    connection = Connection(
        cast(web.WebSocketResponse, page),
        cast(WebTransport, BrokenLog()),
        Visitor(1, "chat", 0),
        after=0,
    )
    await asyncio.wait_for(connection.run(), 1)
    assert page.closed_with == WSCloseCode.INTERNAL_ERROR


class SlowPage(Page):
    async def send_json(self, data: dict[str, Any]) -> None:
        await asyncio.sleep(0.0005)
        self.got.append(data)


async def test_a_slow_page_holds_few_events_in_memory_and_still_gets_them_all() -> None:
    log, page = Log(), SlowPage()
    connection = Connection(
        cast(web.WebSocketResponse, page),
        cast(WebTransport, log),
        Visitor(1, "chat", 0),
        after=0,
    )
    writer = asyncio.create_task(connection.run())
    await asyncio.sleep(0.01)
    for seq in range(1, 1001):
        connection.offer(log.commit(seq))
        assert connection._queue.qsize() <= MAX_QUEUED
    for _ in range(400):
        if len(page.got) >= 1001:
            break
        await asyncio.sleep(0.01)
    writer.cancel()
    seqs = [m["seq"] for m in page.got if m["type"] == "event"]
    assert seqs == list(range(1, 1001))
