"""The transport port: what Piiri's core needs from a chat platform, in neutral types.

Telegram, Matrix and the web chat implement `Transport` inside `bot/transports/<platform>/`
and convert to and from these types there; nothing else sees a platform object.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A chat on one platform: a private chat with the bot, a group room or a staff room."""

    transport: str
    chat_id: str

    def __repr__(self) -> str:  # platform ids never reach a log through a repr
        return f"ChatRef({self.transport}, …)"


@dataclass(frozen=True, slots=True)
class UserRef:
    transport: str
    user_id: str

    def __repr__(self) -> str:
        return f"UserRef({self.transport}, …)"


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


class InboundKind(enum.StrEnum):
    MESSAGE = "message"
    EDIT = "edit"
    DELETE = "delete"
    BUTTON = "button"


@dataclass(frozen=True, slots=True)
class Inbound:
    """One event from a platform. `event_id` is unique per transport and stable on redelivery."""

    transport: str
    event_id: str
    kind: InboundKind
    sender: UserRef
    chat: ChatRef
    is_private: bool
    text: str | None = None
    message_id: str | None = None
    reply_to_message_id: str | None = None
    button_data: str | None = None
    # "photo", "voice" or "file" when the message carried media; its text is then the caption.
    media: str | None = None

    def __repr__(self) -> str:
        return f"Inbound({self.transport}, {self.kind}, event={self.event_id})"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A small file sent with a message (a calendar file, a report)."""

    name: str
    media_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"Attachment({self.media_type}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class Outbound:
    chat: ChatRef
    text: str
    buttons: Keyboard = ()
    notice: bool = False
    attachment: Attachment | None = None
    # The platform id of a message in the same chat this one answers.
    reply_to: str | None = None

    def __repr__(self) -> str:
        return f"Outbound({self.chat!r}, {len(self.text)} chars)"


@dataclass(frozen=True, slots=True)
class SentMessage:
    chat: ChatRef
    message_id: str


class SendError(Exception):
    """A send did not happen. `permanent` means retrying cannot help (the user blocked the bot).

    `retry_after` is the platform's own wait in seconds, when it gave one.
    """

    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


class MissingRights(SendError):
    """The platform refused because the bot lacks a right in that room (an admin can give it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, permanent=True)


InboundSink = Callable[[Inbound], Awaitable[None]]


class CursorStore(Protocol):
    """Where a transport keeps its position in the platform's event stream."""

    async def load(self, transport: str) -> str | None: ...

    async def save(self, transport: str, cursor: str) -> None: ...


class Transport(Protocol):
    name: str

    async def start(self, sink: InboundSink, cursors: CursorStore) -> None:
        """Begin streaming inbound events to `sink`.

        The transport advances and saves its cursor past an event only after `sink` returned
        for it, so a crash means redelivery (de-duplicated by the dispatcher), never loss.
        """
        ...

    async def stop(self) -> None:
        """Stop taking new events; return once the event in hand is finished."""
        ...

    async def send(self, message: Outbound) -> SentMessage: ...

    async def edit(self, sent: SentMessage, text: str) -> None: ...

    async def delete(self, sent: SentMessage) -> None: ...


@runtime_checkable
class Paced(Protocol):
    """A transport whose platform limits how fast one chat may receive messages.

    The outbound queue asks before each send and, while a chat must wait, puts its messages
    back for that long instead of waiting, so other chats are not held up behind it.
    """

    def wait_before(self, chat: ChatRef) -> float:
        """Seconds until `chat` may receive its next message; 0 when it may now."""
        ...


@runtime_checkable
class BatchSending(Protocol):
    """A transport that takes several messages at once, e.g. writing them in one transaction
    (the web chat). The outbound queue hands it all of a batch's new messages for it, in
    order; it answers each with what `send` would have returned or raised."""

    name: str

    async def send_many(self, messages: Sequence[Outbound]) -> list[SentMessage | SendError]: ...


@runtime_checkable
class Restricting(Protocol):
    """A transport that can stop one person posting in a group room for a while (a mute in
    room mode), and let them again. Both raise `SendError`; `MissingRights` when the bot may
    not restrict people there."""

    name: str

    async def restrict(self, room: ChatRef, user: UserRef, until: datetime) -> None: ...

    async def unrestrict(self, room: ChatRef, user: UserRef) -> None: ...


@dataclass(slots=True)
class TransportSet:
    """The transports one running service talks through, by name."""

    by_name: dict[str, Transport] = field(default_factory=dict)

    def add(self, transport: Transport) -> None:
        if transport.name in self.by_name:
            raise ValueError(f"two transports are called {transport.name!r}")
        self.by_name[transport.name] = transport

    def get(self, name: str) -> Transport | None:
        return self.by_name.get(name)

    def names(self) -> list[str]:
        return list(self.by_name)
