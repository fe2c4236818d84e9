"""Invite codes, the join flow in progress, and failed code attempts (for rate limiting)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Invite(Base):
    """A code that lets people join one group. Only its keyed hash is stored."""

    __tablename__ = "invites"
    __table_args__ = (UniqueConstraint("code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    # The code's first characters, so staff can tell their invites apart in a list.
    hint: Mapped[str] = mapped_column(String(8))
    # "participant", or "peer_supporter": someone who finished a programme, invited to help.
    role: Mapped[str] = mapped_column(
        String(20), default="participant", server_default="participant"
    )
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_by_person_id: Mapped[int | None]
    created_at: Mapped[datetime]


class JoinDraft(Base):
    """One person's join flow in progress; deleted when they finish or leave it."""

    __tablename__ = "join_drafts"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id", ondelete="SET NULL"))
    step: Mapped[str] = mapped_column(String(16))
    # The group was full when they started: they are joining its waiting list.
    waiting: Mapped[bool] = mapped_column(default=False)
    age_band: Mapped[str | None] = mapped_column(String(16))
    pseudonym: Mapped[str | None] = mapped_column(String(40))
    suggestions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class JoinAttempt(Base):
    """A code that did not work; too many in a window and the person must wait."""

    __tablename__ = "join_attempts"
    __table_args__ = (Index("ix_join_attempts_person_at", "person_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    at: Mapped[datetime]
