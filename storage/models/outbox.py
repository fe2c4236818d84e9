"""The durable outbound queue: every text Piiri sends is written here first.

Rows are written in the same transaction as the effects that caused them, so a crash can never
lose a reply, and a sender loop delivers them by priority with retries.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, str_enum


class Priority(enum.IntEnum):
    """Lower is sooner: a crisis reply never waits behind a reminder."""

    URGENT = 0
    CONVERSATION = 10
    ROUTINE = 20


class OutboxAction(enum.StrEnum):
    """What a row asks of the transport: a new message, or a change to one already sent."""

    SEND = "send"
    EDIT = "edit"
    DELETE = "delete"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "priority", "next_attempt_at"),
        Index("ix_outbox_transport_message_id", "transport_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transport: Mapped[str] = mapped_column(String(20))
    chat_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # Cleared once sent: the outbox is a queue, not an archive of conversations.
    text: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    notice: Mapped[bool] = mapped_column(default=False)
    # A small file sent with the text; cleared with it once sent.
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment_type: Mapped[str | None] = mapped_column(String(60))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    action: Mapped[OutboxAction] = mapped_column(
        str_enum(OutboxAction, length=8), default=OutboxAction.SEND, server_default="send"
    )
    # EDIT and DELETE act on the message another row sent; resolved when this row is sent.
    target_outbox_id: Mapped[int | None]
    # Or a platform message Piiri did not send (a member's message removed from a room).
    target_message_id: Mapped[str | None] = mapped_column(String(128))
    # A reply: to the message another row sent, or to a platform message id in the same chat.
    reply_to_outbox_id: Mapped[int | None]
    reply_to_message_id: Mapped[str | None] = mapped_column(String(128))
    priority: Mapped[int] = mapped_column(SmallInteger, default=int(Priority.CONVERSATION))
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    transport_message_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
