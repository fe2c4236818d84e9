"""The moderators' review queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import ReviewItem, ReviewStatus


class ReviewRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def open(
        self,
        *,
        group_id: int,
        message_id: int | None,
        category: str,
        severity: str,
        action: str,
        spans: Sequence[Sequence[Any]] = (),
    ) -> ReviewItem:
        item = ReviewItem(
            group_id=group_id,
            message_id=message_id,
            category=category,
            severity=severity,
            action=action,
            spans=[list(span) for span in spans],
            status=ReviewStatus.OPEN,
            escalation_level=0,
            created_at=self._clock.now(),
        )
        self._session.add(item)
        await self._session.flush()
        return item

    async def get(self, item_id: int) -> ReviewItem | None:
        return await self._session.get(ReviewItem, item_id)

    async def acknowledge(self, item: ReviewItem, person_id: int) -> bool:
        """First acknowledgement wins; False if someone already took it."""
        if item.status is not ReviewStatus.OPEN:
            return False
        item.status = ReviewStatus.ACKNOWLEDGED
        item.acknowledged_by = person_id
        item.acknowledged_at = self._clock.now()
        await self._session.flush()
        return True

    async def resolve(self, item: ReviewItem, resolution: str) -> None:
        item.status = ReviewStatus.RESOLVED
        item.resolution = resolution
        item.resolved_at = self._clock.now()
        await self._session.flush()

    async def escalate(self, item: ReviewItem) -> None:
        item.escalation_level += 1
        await self._session.flush()

    async def queue(self, group_ids: Sequence[int] | None = None) -> list[ReviewItem]:
        """Unresolved items, oldest first."""
        query = select(ReviewItem).where(ReviewItem.status != ReviewStatus.RESOLVED)
        if group_ids is not None:
            query = query.where(ReviewItem.group_id.in_(list(group_ids)))
        result = await self._session.execute(query.order_by(ReviewItem.created_at, ReviewItem.id))
        return list(result.scalars())
