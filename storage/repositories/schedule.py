"""Sessions, their scheduled posts, and once-only delivery records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import (
    Delivery,
    GroupSession,
    PostStatus,
    ScheduledPost,
    SessionStatus,
)
from storage.repositories._unique import insert_if_absent


class ScheduleRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def add_session(
        self, group_id: int, number: int, starts_at: datetime, ends_at: datetime
    ) -> GroupSession:
        row = GroupSession(
            group_id=group_id,
            number=number,
            starts_at=starts_at,
            ends_at=ends_at,
            status=SessionStatus.SCHEDULED,
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def sessions(self, group_id: int) -> list[GroupSession]:
        result = await self._session.execute(
            select(GroupSession)
            .where(GroupSession.group_id == group_id)
            .order_by(GroupSession.number)
        )
        return list(result.scalars())

    async def add_post(
        self, session_id: int, prompt_key: str, kind: str, due_at: datetime
    ) -> ScheduledPost:
        row = ScheduledPost(
            session_id=session_id,
            prompt_key=prompt_key,
            kind=kind,
            due_at=due_at,
            status=PostStatus.PENDING,
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def due_posts(self, now: datetime, *, limit: int = 100) -> list[ScheduledPost]:
        result = await self._session.execute(
            select(ScheduledPost)
            .where(ScheduledPost.status == PostStatus.PENDING, ScheduledPost.due_at <= now)
            .order_by(ScheduledPost.due_at, ScheduledPost.id)
            .limit(limit)
        )
        return list(result.scalars())

    async def set_post_status(self, post: ScheduledPost, status: PostStatus) -> None:
        post.status = status
        await self._session.flush()

    async def record_delivery(
        self,
        post_id: int,
        *,
        membership_id: int | None = None,
        room_binding_id: int | None = None,
        outbox_id: int | None = None,
    ) -> bool:
        """Claim the right to deliver a post to one recipient; False if it was already done."""
        if (membership_id is None) == (room_binding_id is None):
            raise ValueError("a delivery goes to exactly one member or one room")
        row = Delivery(
            post_id=post_id,
            membership_id=membership_id,
            room_binding_id=room_binding_id,
            outbox_id=outbox_id,
            created_at=self._clock.now(),
        )
        return await insert_if_absent(self._session, row)

    async def deliveries(self, post_id: int) -> list[Delivery]:
        result = await self._session.execute(
            select(Delivery).where(Delivery.post_id == post_id).order_by(Delivery.id)
        )
        return list(result.scalars())
