"""A running Piiri on the in-memory transport: "person A sends X", then read what they got."""

from __future__ import annotations

from bot.app import App
from bot.demo import settle
from bot.ports import Inbound
from bot.transports.memory import MemoryTransport
from storage.clock import ManualClock


class Harness:
    def __init__(self, app: App, transport: MemoryTransport, clock: ManualClock) -> None:
        self.app = app
        self.transport = transport
        self.clock = clock

    async def settle(self) -> None:
        """Handle everything injected, then send everything due, moving the clock for retries."""
        await settle(self.app, self.transport, self.clock)

    async def says(self, person: str, text: str, *, event_id: str | None = None) -> list[str]:
        """`person` writes `text`; returns the texts they received in answer."""
        before = len(self.transport.inbox(person))
        self.transport.say(person, text, event_id=event_id)
        await self.settle()
        return [m.text for m in self.transport.inbox(person)[before:]]

    async def presses(self, person: str, data: str) -> list[str]:
        before = len(self.transport.inbox(person))
        self.transport.press(person, data)
        await self.settle()
        return [m.text for m in self.transport.inbox(person)[before:]]

    async def deliver(self, event: Inbound) -> None:
        self.transport.inject(event)
        await self.settle()
