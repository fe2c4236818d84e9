"""The nine sessions of a group, the prompts they post, and who each prompt reached."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, str_enum


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    SKIPPED = "skipped"
    DONE = "done"
    CANCELLED = "cancelled"


class PostStatus(enum.StrEnum):
    """pending → sending (claimed under a lease) → sent | failed | missed; or cancelled."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    MISSED = "missed"
    CANCELLED = "cancelled"


class GroupSession(Base):
    __tablename__ = "group_sessions"
    __table_args__ = (
        UniqueConstraint("group_id", "number"),
        Index("ix_group_sessions_status_ends", "status", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(SmallInteger)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus), default=SessionStatus.SCHEDULED
    )


class ScheduledPost(Base):
    """One prompt of one session at its computed UTC moment."""

    __tablename__ = "scheduled_posts"
    __table_args__ = (
        UniqueConstraint("session_id", "prompt_key"),
        Index("ix_scheduled_posts_status_due", "status", "due_at"),
        # "Has this session (or group) a post still to settle?" without walking every pending post.
        Index("ix_scheduled_posts_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True
    )
    prompt_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    status: Mapped[PostStatus] = mapped_column(str_enum(PostStatus), default=PostStatus.PENDING)
    # While sending: the claim runs out at this moment, and another instance may take it over.
    lease_until: Mapped[datetime | None]
    fired_at: Mapped[datetime | None]


class Delivery(Base):
    """Proof that a post reached one recipient; the unique keys make a second send impossible.

    A recipient is either a membership (relay mode, a private chat) or a bound room (room mode).
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("post_id", "membership_id"),
        UniqueConstraint("post_id", "room_binding_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("scheduled_posts.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE")
    )
    room_binding_id: Mapped[int | None] = mapped_column(
        ForeignKey("room_bindings.id", ondelete="CASCADE")
    )
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
