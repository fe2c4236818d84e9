"""Open pages, by visitor: where a new event in a chat's log is pushed at once.

A page's connection is a `Listener`; it gets every event of its visitor's log as it is
written, and itself takes care of order and gaps (see `bot/web/member/socket.py`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Protocol

EventData = dict[str, Any]


class Listener(Protocol):
    def offer(self, event: EventData) -> None: ...

    async def close(self) -> None: ...


class Hub:
    def __init__(self) -> None:
        self._listeners: defaultdict[int, set[Listener]] = defaultdict(set)

    def add(self, visitor_id: int, listener: Listener) -> None:
        self._listeners[visitor_id].add(listener)

    def remove(self, visitor_id: int, listener: Listener) -> None:
        listeners = self._listeners.get(visitor_id)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self._listeners[visitor_id]

    def publish(self, visitor_id: int, event: EventData) -> None:
        for listener in tuple(self._listeners.get(visitor_id, ())):
            listener.offer(event)

    def count_for(self, visitor_id: int) -> int:
        return len(self._listeners.get(visitor_id, ()))

    def count(self) -> int:
        return sum(len(listeners) for listeners in self._listeners.values())

    async def close_all(self) -> None:
        """Close every page's connection (the server is stopping); pages reconnect later."""
        listeners = [listener for group in self._listeners.values() for listener in group]
        self._listeners.clear()
        for listener in listeners:
            await listener.close()
