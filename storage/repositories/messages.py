"""Members' messages, their relayed copies, and the retention purge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.crypto import IdentityCipher
from storage.models import Group, Message, MessageCopy, MessageState, OutboxMessage


@dataclass(frozen=True, slots=True)
class NewCopy:
    """One relayed copy: to a member or to a bound room, sent by one outbox row."""

    membership_id: int | None
    room_binding_id: int | None
    outbox_id: int


class MessageRepository:
    def __init__(self, session: AsyncSession, cipher: IdentityCipher, clock: Clock) -> None:
        self._session = session
        self._cipher = cipher
        self._clock = clock

    def _source_hash(self, transport: str, chat_id: str, message_id: str) -> str:
        return self._cipher.lookup_hash(f"{transport}:message", f"{chat_id}\x00{message_id}")

    async def add(
        self,
        *,
        group_id: int,
        membership_id: int,
        text: str,
        state: MessageState,
        source_transport: str,
        source_chat_id: str,
        source_message_id: str,
        session_id: int | None = None,
        reply_to_id: int | None = None,
        media_kind: str | None = None,
        deliver_at: datetime | None = None,
    ) -> Message:
        message = Message(
            group_id=group_id,
            membership_id=membership_id,
            session_id=session_id,
            reply_to_id=reply_to_id,
            state=state,
            text=text,
            source_transport=source_transport,
            source_ref_hash=self._source_hash(source_transport, source_chat_id, source_message_id),
            source_message_id=source_message_id,
            media_kind=media_kind,
            deliver_at=deliver_at,
            created_at=self._clock.now(),
        )
        self._session.add(message)
        await self._session.flush()
        return message

    async def get(self, message_id: int) -> Message | None:
        return await self._session.get(Message, message_id)

    async def find_by_source(self, transport: str, chat_id: str, message_id: str) -> Message | None:
        result = await self._session.execute(
            select(Message).where(
                Message.source_transport == transport,
                Message.source_ref_hash == self._source_hash(transport, chat_id, message_id),
            )
        )
        return result.scalar_one_or_none()

    async def before(self, message: Message, *, limit: int = 5) -> list[Message]:
        """The group's messages just before this one, oldest first, as moderators see them in
        an alert: what was said leading up to it (any state, text or not)."""
        result = await self._session.execute(
            select(Message)
            .where(
                Message.group_id == message.group_id,
                Message.id < message.id,
                # Written to Piiri alone: never context for another member's alert.
                Message.state != MessageState.PRIVATE,
            )
            .order_by(Message.id.desc())
            .limit(limit)
        )
        return list(reversed(result.scalars().all()))

    async def recent_by(self, membership_id: int, since: datetime) -> list[tuple[datetime, str]]:
        """A member's own messages since a moment, oldest first: for spotting repeats and
        floods."""
        result = await self._session.execute(
            select(Message.created_at, Message.text)
            .where(Message.membership_id == membership_id, Message.created_at >= since)
            .order_by(Message.id)
        )
        return [(at, text or "") for at, text in result.all()]

    async def add_copy(
        self,
        message: Message,
        *,
        membership_id: int | None = None,
        room_binding_id: int | None = None,
        outbox_id: int | None = None,
    ) -> MessageCopy:
        if (membership_id is None) == (room_binding_id is None):
            raise ValueError("a copy goes to exactly one member or one room")
        copy = MessageCopy(
            message_id=message.id,
            membership_id=membership_id,
            room_binding_id=room_binding_id,
            outbox_id=outbox_id,
            created_at=self._clock.now(),
        )
        self._session.add(copy)
        await self._session.flush()
        return copy

    async def add_copies(self, message_id: int, copies: Sequence[NewCopy]) -> None:
        if not copies:
            return
        now = self._clock.now()
        # render_nulls: member and room copies in one statement, not one batch per shape.
        await self._session.execute(
            insert(MessageCopy).execution_options(render_nulls=True),
            [
                {
                    "message_id": message_id,
                    "membership_id": c.membership_id,
                    "room_binding_id": c.room_binding_id,
                    "outbox_id": c.outbox_id,
                    "created_at": now,
                }
                for c in copies
            ],
        )

    async def received_as(self, membership_id: int, transport_message_id: str) -> Message | None:
        """The message whose copy reached this member as that platform message."""
        result = await self._session.execute(
            select(Message)
            .join(MessageCopy, MessageCopy.message_id == Message.id)
            .join(OutboxMessage, OutboxMessage.id == MessageCopy.outbox_id)
            .where(
                MessageCopy.membership_id == membership_id,
                OutboxMessage.transport_message_id == transport_message_id,
            )
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def copies(self, message_id: int) -> list[MessageCopy]:
        result = await self._session.execute(
            select(MessageCopy).where(MessageCopy.message_id == message_id).order_by(MessageCopy.id)
        )
        return list(result.scalars())

    async def edit(self, message: Message, text: str) -> None:
        message.text = text
        message.edited_at = self._clock.now()
        await self._session.flush()

    async def set_state(self, message: Message, state: MessageState) -> None:
        message.state = state
        if state is MessageState.REMOVED:
            message.removed_at = self._clock.now()
        await self._session.flush()

    async def deferred_due(self, now: datetime, *, limit: int = 100) -> list[Message]:
        result = await self._session.execute(
            select(Message)
            .where(Message.state == MessageState.DEFERRED, Message.deliver_at <= now)
            .order_by(Message.deliver_at, Message.id)
            .limit(limit)
        )
        return list(result.scalars())

    async def next_deferred_at(self) -> datetime | None:
        result = await self._session.execute(
            select(func.min(Message.deliver_at)).where(Message.state == MessageState.DEFERRED)
        )
        return result.scalar_one_or_none()

    async def drop(self, message: Message) -> None:
        """Delete a message outright (the author chose not to send it after all)."""
        await self._session.delete(message)
        await self._session.flush()

    async def purge_finished_groups(self, finished_before: datetime) -> int:
        """Drop all text of groups that finished before the moment; the rows stay for counts."""

        finished = select(Group.id).where(
            Group.finished_at.is_not(None),
            Group.finished_at < finished_before,
            # An open peer room lives on; its messages follow the ordinary text retention.
            or_(Group.after_programme.is_(None), Group.after_programme != "open"),
        )
        result = await self._session.execute(
            update(Message)
            .where(Message.group_id.in_(finished), Message.text.is_not(None))
            .values(text=None, text_purged_at=self._clock.now())
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def for_membership(self, membership_id: int) -> list[Message]:
        result = await self._session.execute(
            select(Message).where(Message.membership_id == membership_id).order_by(Message.id)
        )
        return list(result.scalars())

    async def erase(self, message: Message, now: datetime) -> None:
        """No text, and no way back to the author's chat: the row stays only as a count."""
        message.text = None
        message.text_purged_at = now
        message.source_ref_hash = f"erased:{message.id}"
        message.source_message_id = None
        message.deliver_at = None
        if message.state is not MessageState.REMOVED:
            message.state = MessageState.REMOVED
            message.removed_at = now
        await self._session.flush()

    async def purge_blocked(self, older_than: datetime) -> int:
        """Drop the text of blocked messages no one chose to resend: it holds what screening
        kept from the group (a phone number, an address), so it is not kept for long."""
        result = await self._session.execute(
            update(Message)
            .where(
                Message.state == MessageState.BLOCKED,
                Message.created_at < older_than,
                Message.text.is_not(None),
            )
            .values(text=None, text_purged_at=self._clock.now())
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def purge_text(self, older_than: datetime) -> int:
        """Drop the text of messages older than the retention limit; the rows stay for counts."""
        result = await self._session.execute(
            update(Message)
            .where(Message.created_at < older_than, Message.text.is_not(None))
            .values(text=None, text_purged_at=self._clock.now())
        )
        return int(getattr(result, "rowcount", 0) or 0)
