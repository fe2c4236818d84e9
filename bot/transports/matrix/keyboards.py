"""The buttons on the bot's recent messages, so a reaction or a written number can be read as
a press. Kept in memory, bounded; the data also travels in each message's content, which the
transport reads back for a message sent before a restart."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

KEEP = 5_000


@dataclass(frozen=True, slots=True)
class Offered:
    event_id: str
    labels: tuple[str, ...]
    data: tuple[str, ...]


class Keyboards:
    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._by_event: OrderedDict[str, Offered] = OrderedDict()
        # The bot's latest message in each room: a written number answers only that one.
        self._latest: dict[str, str] = {}

    def sent(self, room_id: str, event_id: str, choices: list[tuple[str, str]]) -> None:
        self._latest[room_id] = event_id
        if choices:
            labels = tuple(label for label, _data in choices)
            self.remember(Offered(event_id, labels, tuple(data for _label, data in choices)))

    def remember(self, offered: Offered) -> None:
        self._by_event[offered.event_id] = offered
        self._by_event.move_to_end(offered.event_id)
        while len(self._by_event) > self._keep:
            self._by_event.popitem(last=False)

    def on(self, event_id: str) -> Offered | None:
        return self._by_event.get(event_id)

    def knows_latest(self, room_id: str) -> bool:
        """Whether the bot has sent in the room since this start."""
        return room_id in self._latest

    def latest(self, room_id: str) -> Offered | None:
        """The buttons of the bot's latest message in the room, if it had any."""
        event_id = self._latest.get(room_id)
        return self._by_event.get(event_id) if event_id is not None else None
