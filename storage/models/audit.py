"""The append-only audit trail of privileged acts.

The migration adds triggers on both engines that refuse UPDATE and DELETE on this table.
Events refer to people by internal id and pseudonym only, never by platform id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    # Plain ids, not foreign keys: the trail must outlive an erased person or a deleted group.
    actor_person_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(64))
    group_id: Mapped[int | None] = mapped_column(index=True)
    subject: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Keyed hash of the previous event's `chain` and this event's content: an event changed,
    # removed or slipped in breaks every link after it (`AuditRepository.verify`).
    chain: Mapped[str | None] = mapped_column(String(64))
