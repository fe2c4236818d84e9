"""Answers to feedback questions and self-assessments, paired per membership."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("membership_id", "survey_key", "item_key", "occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="SET NULL")
    )
    survey_key: Mapped[str] = mapped_column(String(64))
    item_key: Mapped[str] = mapped_column(String(64))
    # When it was asked, e.g. "session-3" or "before"; pairs before/after answers.
    occasion: Mapped[str] = mapped_column(String(32))
    value: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # A feedback answer whose one-line comment Piiri is waiting for, until this moment.
    comment_wanted_until: Mapped[datetime | None]
