"""A person, known to Piiri only through an encrypted platform id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Person(Base):
    """One account on one transport. The same human on two platforms is two persons."""

    __tablename__ = "persons"
    __table_args__ = (UniqueConstraint("external_id_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transport: Mapped[str] = mapped_column(String(20))
    external_id_hash: Mapped[str] = mapped_column(String(64))
    external_id_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # The private chat the bot uses to reach this person; on Matrix a DM room, not the user id.
    dm_chat_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    language: Mapped[str | None] = mapped_column(String(8))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # The group a member's free text goes to when they belong to several.
    active_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL")
    )
    # Set by /forgetme: the row stays as a tombstone for counts, with no identity left in it.
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
