"""An in-memory transport for tests and the demo.

It plays the platform: tests `inject` inbound events (kept in a log like a platform's update
queue, so a restarted service resumes from its saved cursor), and everything the service sends
is recorded per chat, in order, with edits and deletions applied.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

from bot.ports import (
    Attachment,
    Button,
    ChatRef,
    CursorStore,
    Inbound,
    InboundKind,
    InboundSink,
    Keyboard,
    Outbound,
    SendError,
    SentMessage,
    UserRef,
)


@dataclass(slots=True)
class Received:
    """A message as its recipient sees it."""

    message_id: str
    text: str
    buttons: Keyboard = ()
    notice: bool = False
    attachment: Attachment | None = None
    reply_to: str | None = None
    deleted: bool = False
    edits: list[str] = field(default_factory=list)

    def button_data(self) -> list[str]:
        return [b.data for row in self.buttons for b in row]


CURSOR_EVERY = 100


class MemoryTransport:
    def __init__(self, name: str = "memory") -> None:
        self.name = name
        self._log: list[Inbound] = []
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._arrived = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.received: dict[str, list[Received]] = {}
        self.failures: list[SendError] = []
        self.processed_through = 0
        # Rooms where the bot is not allowed to remove messages (it is not an admin there).
        self.no_rights_in: set[str] = set()

    # --- the platform side, for tests -------------------------------------------------------

    def user(self, user_id: str) -> UserRef:
        return UserRef(self.name, user_id)

    def dm(self, user_id: str) -> ChatRef:
        return ChatRef(self.name, f"dm:{user_id}")

    def inject(self, event: Inbound) -> Inbound:
        self._log.append(event)
        self._idle.clear()
        self._arrived.set()
        return event

    def _event(
        self,
        user_id: str,
        kind: InboundKind,
        *,
        room_id: str | None = None,
        event_id: str | None = None,
        **fields: str | None,
    ) -> Inbound:
        """One inbound event from `user_id`: in their private chat, or in `room_id`."""
        chat = ChatRef(self.name, room_id) if room_id is not None else self.dm(user_id)
        return self.inject(
            Inbound(
                transport=self.name,
                event_id=event_id or f"ev-{next(self._ids)}",
                kind=kind,
                sender=self.user(user_id),
                chat=chat,
                is_private=room_id is None,
                **fields,
            )
        )

    def say(
        self,
        user_id: str,
        text: str | None,
        *,
        event_id: str | None = None,
        reply_to: str | None = None,
        media: str | None = None,
    ) -> Inbound:
        """The person `user_id` writes `text` to the bot in their private chat."""
        return self._event(
            user_id,
            InboundKind.MESSAGE,
            event_id=event_id,
            text=text,
            message_id=f"in-{next(self._ids)}",
            reply_to_message_id=reply_to,
            media=media,
        )

    def say_in_room(
        self, user_id: str, room_id: str, text: str | None, *, media: str | None = None
    ) -> Inbound:
        """The person writes in a shared room; everyone in it sees the message."""
        message_id = f"in-{next(self._ids)}"
        self.received.setdefault(room_id, []).append(Received(message_id, text or f"[{media}]"))
        return self._event(
            user_id,
            InboundKind.MESSAGE,
            room_id=room_id,
            text=text,
            message_id=message_id,
            media=media,
        )

    def edit_in_room(self, user_id: str, room_id: str, message_id: str, text: str) -> Inbound:
        """The person edits a message they wrote in a shared room; everyone sees the edit."""
        for item in self.received.get(room_id, []):
            if item.message_id == message_id:
                item.edits.append(item.text)
                item.text = text
        return self._event(
            user_id, InboundKind.EDIT, room_id=room_id, text=text, message_id=message_id
        )

    def edit_own(self, user_id: str, message_id: str, text: str) -> Inbound:
        """The person edits a message they sent to the bot."""
        return self._event(user_id, InboundKind.EDIT, text=text, message_id=message_id)

    def delete_own(self, user_id: str, message_id: str) -> Inbound:
        """The person deletes a message they sent to the bot."""
        return self._event(user_id, InboundKind.DELETE, message_id=message_id)

    def press(self, user_id: str, data: str, *, room_id: str | None = None) -> Inbound:
        """The person presses a button: on a message in their private chat, or in a room."""
        return self._event(user_id, InboundKind.BUTTON, room_id=room_id, button_data=data)

    def fail_next_sends(self, *errors: SendError) -> None:
        """The next sends raise these errors, in order, like a flaky platform."""
        self.failures.extend(errors)

    def inbox(self, user_id: str) -> list[Received]:
        return self.received.get(self.dm(user_id).chat_id, [])

    def texts(self, user_id: str) -> list[str]:
        return [m.text for m in self.inbox(user_id) if not m.deleted]

    async def wait_idle(self) -> None:
        """Until every injected event has been handed to the service and handled."""
        await self._idle.wait()

    # --- the Transport protocol ------------------------------------------------------------

    async def start(self, sink: InboundSink, cursors: CursorStore) -> None:
        saved = await cursors.load(self.name)
        self.processed_through = int(saved) if saved else 0
        self._stopping.clear()
        self._task = asyncio.create_task(self._pump(sink, cursors), name=f"{self.name}-inbound")

    async def _pump(self, sink: InboundSink, cursors: CursorStore) -> None:
        saved = self.processed_through
        while not self._stopping.is_set():
            if self.processed_through >= len(self._log):
                self._idle.set()
                self._arrived.clear()
                await self._wait_for_arrival()
                continue
            event = self._log[self.processed_through]
            await sink(event)
            self.processed_through += 1
            # Saved when the stream runs dry or every CURSOR_EVERY events, not after each: a
            # crash in between redelivers a few events, which the dispatcher de-duplicates.
            drained = self.processed_through >= len(self._log)
            if drained or self.processed_through % CURSOR_EVERY == 0:
                await cursors.save(self.name, str(self.processed_through))
                saved = self.processed_through
        if self.processed_through != saved:
            await cursors.save(self.name, str(self.processed_through))

    async def _wait_for_arrival(self) -> None:
        arrival = asyncio.create_task(self._arrived.wait())
        stopping = asyncio.create_task(self._stopping.wait())
        _, pending = await asyncio.wait({arrival, stopping}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def send(self, message: Outbound) -> SentMessage:
        if self.failures:
            raise self.failures.pop(0)
        message_id = f"out-{next(self._message_ids)}"
        self.received.setdefault(message.chat.chat_id, []).append(
            Received(
                message_id,
                message.text,
                message.buttons,
                message.notice,
                message.attachment,
                message.reply_to,
            )
        )
        return SentMessage(message.chat, message_id)

    def _find(self, sent: SentMessage) -> Received:
        for item in self.received.get(sent.chat.chat_id, []):
            if item.message_id == sent.message_id:
                return item
        raise SendError("message not found", permanent=True)

    async def edit(self, sent: SentMessage, text: str) -> None:
        item = self._find(sent)
        item.edits.append(item.text)
        item.text = text

    async def delete(self, sent: SentMessage) -> None:
        if sent.chat.chat_id in self.no_rights_in:
            raise SendError("not enough rights to delete messages", permanent=True)
        self._find(sent).deleted = True


__all__ = ["Button", "MemoryTransport", "Received"]
