"""The append-only audit trail. There is deliberately no update or delete here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import AuditEvent


class AuditRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def append(
        self,
        action: str,
        *,
        actor_person_id: int | None,
        group_id: int | None = None,
        subject: str | None = None,
        reason: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEvent:
        event = AuditEvent(
            at=self._clock.now(),
            actor_person_id=actor_person_id,
            action=action,
            group_id=group_id,
            subject=subject,
            reason=reason,
            details=dict(details or {}),
        )
        self._session.add(event)
        await self._session.flush()
        return event

    async def recent(self, *, group_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        if group_id is not None:
            query = query.where(AuditEvent.group_id == group_id)
        return list((await self._session.execute(query.limit(limit))).scalars())
