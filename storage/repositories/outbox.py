"""The durable outbound queue: enqueue in a transaction, claim by priority, settle each send."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.crypto import IdentityCipher, chat_namespace
from storage.models import OutboxAction, OutboxMessage, OutboxStatus, Priority

_ERROR_LIMIT = 200


@dataclass(frozen=True, slots=True)
class QueuedButton:
    label: str
    data: str


@dataclass(frozen=True, slots=True)
class QueuedFile:
    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class NewSend:
    """A row to queue: a new message, or (EDIT/DELETE) a change to one another row sent."""

    transport: str
    chat_id: str
    text: str
    priority: Priority = Priority.CONVERSATION
    notice: bool = False
    action: OutboxAction = OutboxAction.SEND
    target_outbox_id: int | None = None
    target_message_id: str | None = None
    reply_to_outbox_id: int | None = None
    reply_to_message_id: str | None = None
    buttons: tuple[tuple[QueuedButton, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class ClaimedSend:
    """A send the caller now holds a lease on; settle it with mark_sent/retry/failed."""

    id: int
    transport: str
    chat_id: str
    text: str
    buttons: tuple[tuple[QueuedButton, ...], ...]
    notice: bool
    priority: int
    attempts: int
    created_at: datetime
    attachment: QueuedFile | None = None
    action: OutboxAction = OutboxAction.SEND
    # EDIT/DELETE: the platform id of the message to change, once the row that sent it has.
    target_message_id: str | None = None
    # The row the change is for failed or is gone, so there is nothing to change.
    target_lost: bool = False
    reply_to_message_id: str | None = None


class OutboxRepository:
    def __init__(self, session: AsyncSession, cipher: IdentityCipher, clock: Clock) -> None:
        self._session = session
        self._cipher = cipher
        self._clock = clock

    async def enqueue(
        self,
        transport: str,
        chat_id: str,
        text: str,
        *,
        buttons: Sequence[Sequence[QueuedButton]] = (),
        priority: Priority = Priority.CONVERSATION,
        notice: bool = False,
        attachment: QueuedFile | None = None,
    ) -> OutboxMessage:
        now = self._clock.now()
        row = OutboxMessage(
            transport=transport,
            chat_enc=self._cipher.encrypt(chat_namespace(transport), chat_id),
            text=text,
            buttons=[[{"label": b.label, "data": b.data} for b in row] for row in buttons],
            notice=notice,
            priority=int(priority),
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        if attachment is not None:
            row.attachment_name = attachment.name
            row.attachment_type = attachment.media_type
            row.attachment = attachment.data
        self._session.add(row)
        await self._session.flush()
        return row

    async def enqueue_many(self, sends: Sequence[NewSend]) -> list[int]:
        """Queue many texts in one statement; returns their ids in the order given."""
        if not sends:
            return []
        now = self._clock.now()
        rows: list[dict[str, object]] = [
            {
                "transport": send.transport,
                "chat_enc": self._cipher.encrypt(chat_namespace(send.transport), send.chat_id),
                "text": send.text,
                "buttons": [
                    [{"label": b.label, "data": b.data} for b in row] for row in send.buttons
                ],
                "notice": send.notice,
                "action": send.action,
                "target_outbox_id": send.target_outbox_id,
                "target_message_id": send.target_message_id,
                "reply_to_outbox_id": send.reply_to_outbox_id,
                "reply_to_message_id": send.reply_to_message_id,
                "priority": int(send.priority),
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for send in sends
        ]
        if self._session.bind is not None and self._session.bind.dialect.name == "sqlite":
            # SQLite numbers the rows in the order given, and the store lets one writer in at
            # a time, so sorting the ids restores that order; asking SQLAlchemy to keep the
            # order instead costs a statement per row there (20 times slower, measured).
            result = await self._session.execute(
                insert(OutboxMessage).returning(OutboxMessage.id), rows
            )
            return sorted(row_id for (row_id,) in result.all())
        result = await self._session.execute(
            insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True), rows
        )
        return [row_id for (row_id,) in result.all()]

    async def claim_due(
        self, transports: Sequence[str], *, limit: int, lease: timedelta
    ) -> list[ClaimedSend]:
        """Take up to `limit` due sends, most urgent first, under a lease.

        A send whose lease ran out (its sender crashed mid-send) becomes due again. On
        PostgreSQL, SKIP LOCKED lets several instances drain one queue without double sends.
        """
        now = self._clock.now()
        due = or_(
            and_(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            ),
            and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
        )
        query = (
            select(OutboxMessage)
            .where(due, OutboxMessage.transport.in_(list(transports)))
            .order_by(OutboxMessage.priority, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = (await self._session.execute(query)).scalars().all()
        referred = await self._sent_ids(
            {ref for row in rows for ref in (row.target_outbox_id, row.reply_to_outbox_id) if ref}
        )
        claimed = []
        for row in rows:
            row.status = OutboxStatus.SENDING
            row.lease_until = now + lease
            row.attempts += 1
            claimed.append(self._to_claimed(row, referred))
        await self._session.flush()
        return claimed

    async def _sent_ids(self, row_ids: set[int]) -> dict[int, tuple[OutboxStatus, str | None]]:
        """Each referred row's status and the platform id it was sent as, in one query."""
        if not row_ids:
            return {}
        result = await self._session.execute(
            select(
                OutboxMessage.id, OutboxMessage.status, OutboxMessage.transport_message_id
            ).where(OutboxMessage.id.in_(row_ids))
        )
        return {row_id: (OutboxStatus(status), sent) for row_id, status, sent in result.all()}

    def _to_claimed(
        self, row: OutboxMessage, referred: dict[int, tuple[OutboxStatus, str | None]]
    ) -> ClaimedSend:
        target_status, target_id = (
            referred.get(row.target_outbox_id, (OutboxStatus.FAILED, None))
            if row.target_outbox_id is not None
            else (None, None)
        )
        if row.target_message_id is not None:
            target_status, target_id = OutboxStatus.SENT, row.target_message_id
        reply_to = row.reply_to_message_id
        if row.reply_to_outbox_id is not None:
            reply_to = referred.get(row.reply_to_outbox_id, (None, None))[1] or reply_to
        buttons = tuple(
            tuple(QueuedButton(label=str(b["label"]), data=str(b["data"])) for b in line)
            for line in row.buttons
        )
        return ClaimedSend(
            id=row.id,
            transport=row.transport,
            chat_id=self._cipher.decrypt(chat_namespace(row.transport), row.chat_enc),
            text=row.text or "",
            buttons=buttons,
            notice=row.notice,
            priority=row.priority,
            attempts=row.attempts,
            created_at=row.created_at,
            attachment=(
                QueuedFile(row.attachment_name or "file", row.attachment_type or "", row.attachment)
                if row.attachment is not None
                else None
            ),
            action=OutboxAction(row.action),
            target_message_id=target_id,
            target_lost=target_status is OutboxStatus.FAILED,
            reply_to_message_id=reply_to,
        )

    async def revise_pending(self, send_id: int, text: str) -> bool:
        """Change the text of a row not yet sent; False when it is already on its way."""
        result = await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == send_id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(text=text)
        )
        return bool(getattr(result, "rowcount", 0))

    async def forget_chat(self, transport: str, chat_id: str | None) -> int:
        """Delete every row addressed to one chat, sent or not (a person asked to be forgotten).

        Chat ids are encrypted with a fresh nonce each, so rows are found by decrypting; this
        walks the transport's unsent rows in pages (a sent row keeps no address) and is meant
        for rare erasures, not hot paths.
        """
        if chat_id is None:
            return 0
        namespace = chat_namespace(transport)
        doomed: list[int] = []
        last = 0
        while True:
            page = (
                await self._session.execute(
                    select(OutboxMessage.id, OutboxMessage.chat_enc)
                    .where(
                        OutboxMessage.transport == transport,
                        OutboxMessage.status != OutboxStatus.SENT,
                        OutboxMessage.id > last,
                    )
                    .order_by(OutboxMessage.id)
                    .limit(1000)
                )
            ).all()
            if not page:
                break
            last = page[-1][0]
            doomed += [i for i, blob in page if self._cipher.decrypt(namespace, blob) == chat_id]
        for start in range(0, len(doomed), 500):
            await self._session.execute(
                delete(OutboxMessage).where(OutboxMessage.id.in_(doomed[start : start + 500]))
            )
        return len(doomed)

    async def mark_sent_many(self, done: Sequence[tuple[int, str | None]]) -> None:
        """Record many rows as sent in one statement: (row id, platform message id) each."""
        if not done:
            return
        now = self._clock.now()
        await self._session.execute(
            update(OutboxMessage),
            [
                {
                    "id": row_id,
                    "status": OutboxStatus.SENT,
                    "transport_message_id": message_id,
                    "sent_at": now,
                    "lease_until": None,
                    "last_error": None,
                    "text": None,
                    "buttons": [],
                    "attachment": None,
                    "chat_enc": b"",
                }
                for row_id, message_id in done
            ],
        )

    async def mark_sent(self, send_id: int, transport_message_id: str | None) -> None:
        await self._require(send_id)
        await self.mark_sent_many([(send_id, transport_message_id)])

    async def mark_retry(self, send_id: int, *, not_before: datetime, error: str) -> None:
        row = await self._require(send_id)
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = not_before
        row.lease_until = None
        row.last_error = error[:_ERROR_LIMIT]
        await self._session.flush()

    async def release(self, send_id: int) -> None:
        """Hand back a claim unattempted: due again now, and the attempt not counted."""
        row = await self._require(send_id)
        row.status = OutboxStatus.PENDING
        row.lease_until = None
        row.attempts = max(row.attempts - 1, 0)
        await self._session.flush()

    async def defer(self, send_id: int, *, not_before: datetime) -> None:
        """Hand back a claim unattempted, due again at `not_before` (the platform paces its
        chat): the attempt is not counted and no error is recorded."""
        row = await self._require(send_id)
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = not_before
        row.lease_until = None
        row.attempts = max(row.attempts - 1, 0)
        await self._session.flush()

    async def mark_failed(self, send_id: int, *, error: str) -> None:
        row = await self._require(send_id)
        row.status = OutboxStatus.FAILED
        row.lease_until = None
        row.last_error = error[:_ERROR_LIMIT]
        await self._session.flush()

    async def get(self, send_id: int) -> OutboxMessage | None:
        return await self._session.get(OutboxMessage, send_id)

    async def pending_for(
        self, transport: str, chat_id: str, *, limit: int = 200
    ) -> list[OutboxMessage]:
        """Texts waiting for one chat of a transport that Piiri does not send through but
        shows itself (the staff dashboard's inbox), oldest first. Chats are stored encrypted,
        so the transport's pending rows are read and matched here."""
        result = await self._session.execute(
            select(OutboxMessage)
            .where(
                OutboxMessage.transport == transport,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.action == OutboxAction.SEND,
            )
            .order_by(OutboxMessage.id)
        )
        namespace = chat_namespace(transport)
        found = [
            row
            for row in result.scalars()
            if self._cipher.decrypt(namespace, row.chat_enc) == chat_id
        ]
        return found[-limit:]

    async def count_by_status(self) -> dict[OutboxStatus, int]:
        result = await self._session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        counts: dict[OutboxStatus, int] = {status: 0 for status in OutboxStatus}
        for status, count in result.all():
            counts[OutboxStatus(status)] = int(count)
        return counts

    async def next_due_at(self, transports: Sequence[str]) -> datetime | None:
        result = await self._session.execute(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.transport.in_(list(transports)),
            )
        )
        return result.scalar_one_or_none()

    async def _require(self, send_id: int) -> OutboxMessage:
        row = await self._session.get(OutboxMessage, send_id)
        if row is None:
            raise LookupError(f"outbox row {send_id} does not exist")
        return row
