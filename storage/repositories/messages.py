"""Members' messages, their relayed copies, and the retention purge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.crypto import IdentityCipher
from storage.models import Message, MessageCopy, MessageState


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

    async def purge_text(self, older_than: datetime) -> int:
        """Drop the text of messages older than the retention limit; the rows stay for counts."""
        result = await self._session.execute(
            update(Message)
            .where(Message.created_at < older_than, Message.text.is_not(None))
            .values(text=None, text_purged_at=self._clock.now())
        )
        return int(getattr(result, "rowcount", 0) or 0)
