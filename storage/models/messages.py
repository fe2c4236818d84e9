"""Members' messages and every copy the relay made of them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, str_enum


class MessageState(enum.StrEnum):
    ACCEPTED = "accepted"
    HELD = "held"
    BLOCKED = "blocked"
    REMOVED = "removed"
    # Written while the group was closed: waits for the author to choose deliver-later or drop.
    CLOSED = "closed"
    # The author chose to have it delivered when the group opens (`deliver_at`).
    DEFERRED = "deferred"
    # Written to Piiri alone (a feedback comment, a proposal) and kept for a moderator because
    # screening found something in it; never relayed to the group.
    PRIVATE = "private"


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("source_transport", "source_ref_hash"),
        Index("ix_messages_state_deliver", "state", "deliver_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="SET NULL")
    )
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    state: Mapped[MessageState] = mapped_column(str_enum(MessageState))
    # Text is kept only for the retention period; `text_purged_at` records when it went.
    text: Mapped[str | None] = mapped_column(Text)
    text_purged_at: Mapped[datetime | None]
    source_transport: Mapped[str] = mapped_column(String(20))
    # Keyed hash of the platform's chat and message id, to map edits and deletions back here.
    source_ref_hash: Mapped[str] = mapped_column(String(64))
    # The platform's id of the original within its author's own chat (not an identity: a
    # counter per chat), so a reply can point at the author's own copy.
    source_message_id: Mapped[str | None] = mapped_column(String(128))
    # "photo", "voice" or "file" when the message carried media instead of (or with) text.
    media_kind: Mapped[str | None] = mapped_column(String(16))
    deliver_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    edited_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]


class MessageCopy(Base):
    """One relayed copy of a message, so an edit or removal can reach every copy."""

    __tablename__ = "message_copies"
    __table_args__ = (
        UniqueConstraint("message_id", "membership_id"),
        UniqueConstraint("message_id", "room_binding_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE")
    )
    room_binding_id: Mapped[int | None] = mapped_column(
        ForeignKey("room_bindings.id", ondelete="CASCADE")
    )
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    # The platform's id for the sent copy; filled in once the transport has sent it.
    transport_message_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
