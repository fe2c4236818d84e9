"""The web chat's transport (being built: the event log and sockets come next)."""

from __future__ import annotations

from bot.ports import CursorStore, InboundSink, Outbound, SendError, SentMessage

WEB = "web"


class WebTransport:
    name = WEB

    def __init__(self) -> None:
        self._sink: InboundSink | None = None

    async def start(self, sink: InboundSink, cursors: CursorStore) -> None:
        self._sink = sink

    async def stop(self) -> None:
        self._sink = None

    async def send(self, message: Outbound) -> SentMessage:
        raise SendError("the web chat is not ready yet")

    async def edit(self, sent: SentMessage, text: str) -> None:
        raise SendError("the web chat is not ready yet")

    async def delete(self, sent: SentMessage) -> None:
        raise SendError("the web chat is not ready yet")
