"""Dashboard sign-in for staff: a password per staff person, their browser sessions, and
one-time links to set a password.

A dashboard account is a `Person` on the transport "staff" whose external id is the username
(encrypted and hashed like every platform id), so roles are given to it as to anyone
(`piiri staff add staff:anna --role facilitator --group 3`). Tokens are stored only as hashes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class StaffCredential(Base):
    __tablename__ = "staff_credentials"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    # argon2id, in its own encoded form; None until the person has set one.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    password_set_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class StaffSession(Base):
    """A signed-in browser: the cookie's random token, kept as its SHA-256."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # The absolute end, however active the session is.
    expires_at: Mapped[datetime]


class StaffLink(Base):
    """A one-time link to set a password (the first admin's, a new staff member's, a reset)."""

    __tablename__ = "staff_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
