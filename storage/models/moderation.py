"""Review items: what the screening flagged and what moderators did about it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, str_enum


class ReviewStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


CLOSED_STATUSES = (ReviewStatus.RESOLVED, ReviewStatus.DISMISSED)


class ReviewSource(enum.StrEnum):
    SCREEN = "screen"  # the moderation pipeline found it
    REPORT = "report"  # a member reported it


class ReviewItem(Base):
    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    # Whose message it is, for sanctions; kept when the message's text is long gone.
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    source: Mapped[ReviewSource] = mapped_column(
        str_enum(ReviewSource, 16), default=ReviewSource.SCREEN, server_default="screen"
    )
    # Members who reported it (each once; who they are is never kept, see ReviewReport).
    reports: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(8))
    # Character spans the detectors matched: [[start, end, label], ...]; never the text itself.
    spans: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[ReviewStatus] = mapped_column(
        str_enum(ReviewStatus), default=ReviewStatus.OPEN, index=True
    )
    escalation_level: Mapped[int] = mapped_column(SmallInteger, default=0)
    acknowledged_by: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # When an unacknowledged alert is raised again, to the backup contacts too; None when
    # nothing is to be escalated (acknowledged, closed, or not an alerting category).
    escalate_at: Mapped[datetime | None] = mapped_column(index=True)


class ReviewReport(Base):
    """One member's report of a message. The reporter is kept only as a keyed hash, enough to
    merge a second report from the same person and never enough to say who it was."""

    __tablename__ = "review_reports"
    __table_args__ = (UniqueConstraint("review_item_id", "reporter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_item_id: Mapped[int] = mapped_column(
        ForeignKey("review_items.id", ondelete="CASCADE"), index=True
    )
    reporter_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ReviewAlert(Base):
    """An alert sent about a review item (one row per place it went), so that acknowledging it
    can mark every copy of the alert as taken."""

    __tablename__ = "review_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_item_id: Mapped[int] = mapped_column(
        ForeignKey("review_items.id", ondelete="CASCADE"), index=True
    )
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    level: Mapped[int] = mapped_column(SmallInteger, default=0)


class PrivateContact(Base):
    """A moderator talking with one member through the bot: the member sees "Moderator", the
    moderator sees the pseudonym."""

    __tablename__ = "private_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    moderator_person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    review_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_items.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class ContactMessage(Base):
    """One message of a private contact, by the outbox row that carried it: a reply to it on
    the platform continues the private conversation. The text lives only in the outbox (and
    is dropped there once sent)."""

    __tablename__ = "contact_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("private_contacts.id", ondelete="CASCADE"), index=True
    )
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), index=True
    )
    to_member: Mapped[bool]
    created_at: Mapped[datetime]
