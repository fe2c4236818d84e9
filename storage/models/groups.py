"""Groups, the rooms they are bound to, and the people in them."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, str_enum


class GroupStatus(enum.StrEnum):
    DRAFT = "draft"
    ENROLLING = "enrolling"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    ARCHIVED = "archived"


class GroupMode(enum.StrEnum):
    RELAY = "relay"
    ROOM = "room"


class RoomPurpose(enum.StrEnum):
    ROOM = "room"
    FACILITATORS = "facilitators"
    MODERATORS = "moderators"


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    PEER_SUPPORTER = "peer_supporter"
    FACILITATOR = "facilitator"
    MODERATOR = "moderator"


class MembershipStatus(enum.StrEnum):
    ACTIVE = "active"
    WAITING = "waiting"
    LEFT = "left"
    REMOVED = "removed"


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    programme_snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_snapshots.id", ondelete="RESTRICT")
    )
    status: Mapped[GroupStatus] = mapped_column(
        str_enum(GroupStatus), default=GroupStatus.DRAFT, index=True
    )
    mode: Mapped[GroupMode] = mapped_column(str_enum(GroupMode), default=GroupMode.RELAY)
    language: Mapped[str] = mapped_column(String(8), default="fi")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Helsinki")
    # The series in the group's own zone: the first session's date and local time, repeated
    # every `every_days` days, passing over `skip_dates` (ISO dates). ISO weekday 1 = Monday.
    weekday: Mapped[int | None] = mapped_column(SmallInteger)
    start_time: Mapped[time | None] = mapped_column(Time)
    start_date: Mapped[date | None] = mapped_column(Date)
    every_days: Mapped[int] = mapped_column(SmallInteger, default=7, server_default="7")
    skip_dates: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    paused_at: Mapped[datetime | None]
    session_minutes: Mapped[int] = mapped_column(Integer, default=90)
    capacity: Mapped[int | None] = mapped_column(Integer)
    age_min: Mapped[int | None] = mapped_column(SmallInteger)
    age_max: Mapped[int | None] = mapped_column(SmallInteger)
    # When members may write: "always", "sessions", or "sessions" plus `open_extra_hours`.
    open_policy: Mapped[str] = mapped_column(String(16), default="always", server_default="always")
    open_extra_hours: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    # Photos, voice and files: "off" (text only) or "review" (held for a moderator).
    media_policy: Mapped[str] = mapped_column(String(16), default="off", server_default="off")
    finished_at: Mapped[datetime | None]
    # Per-group overrides of the moderation policy: {category: action | {severity: action}}.
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # One gentle private check-in after two missed sessions in a row.
    checkins: Mapped[bool] = mapped_column(default=True, server_default=true())
    # After the last session: None (not decided), "open" (an open peer room), "closed".
    after_programme: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RoomBinding(Base):
    """A platform room tied to a group: its shared room (room mode) or a staff room."""

    __tablename__ = "room_bindings"
    __table_args__ = (
        UniqueConstraint("group_id", "purpose", "transport"),
        UniqueConstraint("room_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[RoomPurpose] = mapped_column(str_enum(RoomPurpose))
    transport: Mapped[str] = mapped_column(String(20))
    room_hash: Mapped[str] = mapped_column(String(64))
    room_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # When the facilitators were told the bot lacks the rights it needs here (told once).
    rights_warned_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("group_id", "person_id"),
        UniqueConstraint("group_id", "pseudonym_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.PARTICIPANT)
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus), default=MembershipStatus.ACTIVE
    )
    pseudonym: Mapped[str] = mapped_column(String(40))
    # Case-folded pseudonym; the unique constraint on it keeps "Kettu" and "kettu" apart.
    pseudonym_key: Mapped[str] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(8))
    age_band: Mapped[str | None] = mapped_column(String(16))
    muted_until: Mapped[datetime | None]
    # A waiting-list place offered: the person may take it until this moment.
    offer_expires_at: Mapped[datetime | None]
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    # The member said they would like to help a future group as a peer supporter.
    volunteered_at: Mapped[datetime | None]
