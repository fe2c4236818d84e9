"""Inbound bookkeeping per transport: the durable cursor and the ids already processed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class TransportCursor(Base):
    __tablename__ = "transport_cursors"

    transport: Mapped[str] = mapped_column(String(20), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(512))
    updated_at: Mapped[datetime]


class ProcessedEvent(Base):
    """An inbound event whose effects are committed; a redelivery with the same id is skipped."""

    __tablename__ = "processed_events"

    transport: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(index=True)
