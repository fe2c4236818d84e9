"""The join flow in progress (one draft per person) and failed invite-code attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import JoinAttempt, JoinDraft


class JoinRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def draft(self, person_id: int) -> JoinDraft | None:
        """The person's flow in progress, or None if there is none or it has run out."""
        draft = await self._session.get(JoinDraft, person_id)
        if draft is not None and draft.expires_at <= self._clock.now():
            await self._session.delete(draft)
            await self._session.flush()
            return None
        return draft

    async def start(
        self,
        person_id: int,
        group_id: int,
        *,
        invite_id: int | None,
        step: str,
        waiting: bool,
        expires_at: datetime,
    ) -> JoinDraft:
        """Begin a flow, replacing any earlier one of the same person."""
        await self.discard(person_id)
        draft = JoinDraft(
            person_id=person_id,
            group_id=group_id,
            invite_id=invite_id,
            step=step,
            waiting=waiting,
            suggestions=[],
            started_at=self._clock.now(),
            expires_at=expires_at,
        )
        self._session.add(draft)
        await self._session.flush()
        return draft

    async def save(self, draft: JoinDraft) -> None:
        await self._session.flush()

    async def discard(self, person_id: int) -> bool:
        draft = await self._session.get(JoinDraft, person_id)
        if draft is None:
            return False
        await self._session.delete(draft)
        await self._session.flush()
        return True

    async def purge_expired(self) -> int:
        result = await self._session.execute(
            delete(JoinDraft).where(JoinDraft.expires_at <= self._clock.now())
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def record_failure(self, person_id: int) -> None:
        self._session.add(JoinAttempt(person_id=person_id, at=self._clock.now()))
        await self._session.flush()

    async def failures_since(self, person_id: int, since: datetime) -> list[datetime]:
        result = await self._session.execute(
            select(JoinAttempt.at)
            .where(JoinAttempt.person_id == person_id, JoinAttempt.at >= since)
            .order_by(JoinAttempt.at)
        )
        return list(result.scalars())

    async def forget_failures(self, person_id: int) -> None:
        await self._session.execute(delete(JoinAttempt).where(JoinAttempt.person_id == person_id))

    async def prune_failures(self, older_than: datetime) -> int:
        result = await self._session.execute(delete(JoinAttempt).where(JoinAttempt.at < older_than))
        return int(getattr(result, "rowcount", 0) or 0)
