"""Feedback and self-assessment answers, one per membership, item and occasion."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import SurveyResponse


class SurveyRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def record(
        self,
        membership_id: int,
        *,
        survey_key: str,
        item_key: str,
        occasion: str,
        value: int | None,
        comment: str | None = None,
        session_id: int | None = None,
    ) -> SurveyResponse:
        """Store an answer; answering the same item again on the same occasion replaces it."""
        result = await self._session.execute(
            select(SurveyResponse).where(
                SurveyResponse.membership_id == membership_id,
                SurveyResponse.survey_key == survey_key,
                SurveyResponse.item_key == item_key,
                SurveyResponse.occasion == occasion,
            )
        )
        row = result.scalar_one_or_none()
        if row is None:
            row = SurveyResponse(
                membership_id=membership_id,
                survey_key=survey_key,
                item_key=item_key,
                occasion=occasion,
                session_id=session_id,
                created_at=self._clock.now(),
            )
            self._session.add(row)
        row.value, row.comment = value, comment
        await self._session.flush()
        return row

    async def get(self, response_id: int) -> SurveyResponse | None:
        return await self._session.get(SurveyResponse, response_id)

    async def for_membership(self, membership_id: int) -> list[SurveyResponse]:
        result = await self._session.execute(
            select(SurveyResponse)
            .where(SurveyResponse.membership_id == membership_id)
            .order_by(SurveyResponse.id)
        )
        return list(result.scalars())

    async def erase_comments(self, membership_id: int) -> None:
        await self._session.execute(
            update(SurveyResponse)
            .where(SurveyResponse.membership_id == membership_id)
            .values(comment=None)
        )

    async def delete_for_membership(self, membership_id: int) -> int:
        result = await self._session.execute(
            delete(SurveyResponse).where(SurveyResponse.membership_id == membership_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)
