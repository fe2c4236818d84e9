"""What Piiri keeps to follow a group through its sessions and beyond: who was there, what
was done once after each session, check-ins sent, and topics members proposed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Attendance(Base):
    """A member was present in a session: they wrote, pressed or answered in its window."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    first_seen_at: Mapped[datetime]


class SessionFollowUp(Base):
    """Something done once for a session (its questionnaire asked, its summary sent, the
    end report): the row is the proof, so a restart or a second instance never repeats it."""

    __tablename__ = "session_followups"
    __table_args__ = (UniqueConstraint("session_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    done_at: Mapped[datetime]


class CheckIn(Base):
    """One private check-in after missed sessions; a run of absences is named by the session
    it began with, so the same run never gets a second one."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("membership_id", "run_start_session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    run_start_session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE")
    )
    sent_at: Mapped[datetime]


class Proposal(Base):
    """A topic or question a member proposed for a coming session (`/propose`)."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    text: Mapped[str | None] = mapped_column(Text)
    # "open" (facilitators see it), "held" (screening holds it for a moderator), "used"
    # (posted as a prompt), "dismissed".
    status: Mapped[str] = mapped_column(String(16), default="open")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
