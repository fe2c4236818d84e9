"""Inbound bookkeeping: which events are processed, and where each transport's stream stands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import ProcessedEvent, TransportCursor
from storage.repositories._unique import insert_if_absent


class InboundRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def claim_event(self, transport: str, event_id: str) -> bool:
        """Record an event as processed; False if it already was.

        Call it in the same transaction as the event's effects: if they roll back, so does the
        claim, and the redelivered event is processed again.
        """
        values = {"transport": transport, "event_id": event_id, "processed_at": self._clock.now()}
        bind = self._session.get_bind()
        # One statement, no savepoint: this runs for every inbound event.
        dialect_insert = pg_insert if bind.dialect.name == "postgresql" else sqlite_insert
        result = await self._session.execute(
            dialect_insert(ProcessedEvent).values(**values).on_conflict_do_nothing()
        )
        return bool(getattr(result, "rowcount", 0))

    async def prune_processed(self, older_than: datetime) -> int:
        result = await self._session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.processed_at < older_than)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def get_cursor(self, transport: str) -> str | None:
        result = await self._session.execute(
            select(TransportCursor.cursor).where(TransportCursor.transport == transport)
        )
        return result.scalar_one_or_none()

    async def set_cursor(self, transport: str, cursor: str) -> None:
        row = await self._session.get(TransportCursor, transport)
        if row is None:
            row = TransportCursor(transport=transport, cursor=cursor, updated_at=self._clock.now())
            if await insert_if_absent(self._session, row):
                return
            row = await self._session.get(TransportCursor, transport, populate_existing=True)
            if row is None:  # pragma: no cover
                raise RuntimeError("cursor row vanished")
        row.cursor = cursor
        row.updated_at = self._clock.now()
        await self._session.flush()
