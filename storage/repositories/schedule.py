"""Sessions, their scheduled posts, and once-only delivery records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import (
    Delivery,
    Group,
    GroupSession,
    GroupStatus,
    PostStatus,
    ScheduledPost,
    SessionStatus,
)
from storage.repositories._unique import insert_if_absent

# Only these groups' prompts are posted; a draft or paused group's wait.
FIRING_STATUSES = (GroupStatus.ENROLLING, GroupStatus.RUNNING)


@dataclass(frozen=True, slots=True)
class ClaimedPost:
    id: int
    session_id: int
    group_id: int
    prompt_key: str
    kind: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class NewDelivery:
    post_id: int
    membership_id: int | None
    room_binding_id: int | None
    outbox_id: int


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

    async def add_posts(self, session_id: int, posts: Iterable[tuple[str, str, datetime]]) -> None:
        """Many posts of one session at once: (prompt_key, kind, due_at)."""
        rows = [
            {
                "session_id": session_id,
                "prompt_key": key,
                "kind": kind,
                "due_at": due_at,
                "status": PostStatus.PENDING,
            }
            for key, kind, due_at in posts
        ]
        if rows:
            await self._session.execute(insert(ScheduledPost), rows)

    async def session_by_number(self, group_id: int, number: int) -> GroupSession | None:
        result = await self._session.execute(
            select(GroupSession).where(
                GroupSession.group_id == group_id, GroupSession.number == number
            )
        )
        return result.scalar_one_or_none()

    async def move_session(
        self, session: GroupSession, starts_at: datetime, ends_at: datetime
    ) -> None:
        session.starts_at, session.ends_at = starts_at, ends_at
        await self._session.flush()

    async def set_session_status(self, session: GroupSession, status: SessionStatus) -> None:
        session.status = status
        await self._session.flush()

    async def posts(self, session_id: int) -> list[ScheduledPost]:
        result = await self._session.execute(
            select(ScheduledPost)
            .where(ScheduledPost.session_id == session_id)
            .order_by(ScheduledPost.due_at, ScheduledPost.id)
        )
        return list(result.scalars())

    async def set_due(self, post: ScheduledPost, due_at: datetime) -> None:
        post.due_at = due_at
        await self._session.flush()

    async def cancel_pending(self, session_id: int) -> int:
        result = await self._session.execute(
            update(ScheduledPost)
            .where(
                ScheduledPost.session_id == session_id,
                # A post another round has claimed but not yet posted is stopped too.
                ScheduledPost.status.in_([PostStatus.PENDING, PostStatus.SENDING]),
            )
            .values(status=PostStatus.CANCELLED, lease_until=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def claim_due(self, *, limit: int, lease: timedelta) -> list[ClaimedPost]:
        """Take posts that are due now (or whose claim ran out) in groups that are running.

        The claimed rows become `sending` with a lease. On PostgreSQL the rows are locked with
        SKIP LOCKED, so two instances claiming at once take different posts; on SQLite the
        write transaction is exclusive anyway.
        """
        now = self._clock.now()
        due = or_(
            and_(ScheduledPost.status == PostStatus.PENDING, ScheduledPost.due_at <= now),
            and_(ScheduledPost.status == PostStatus.SENDING, ScheduledPost.lease_until < now),
        )
        query = (
            select(ScheduledPost, GroupSession.group_id)
            .join(GroupSession, GroupSession.id == ScheduledPost.session_id)
            .join(Group, Group.id == GroupSession.group_id)
            .where(due, Group.status.in_(FIRING_STATUSES))
            .order_by(ScheduledPost.due_at, ScheduledPost.id)
            .limit(limit)
            .with_for_update(of=ScheduledPost, skip_locked=True)
        )
        claimed = []
        for post, group_id in (await self._session.execute(query)).all():
            post.status = PostStatus.SENDING
            post.lease_until = now + lease
            claimed.append(
                ClaimedPost(
                    post.id, post.session_id, group_id, post.prompt_key, post.kind, post.due_at
                )
            )
        await self._session.flush()
        return claimed

    async def lock_posts(self, post_ids: Sequence[int]) -> list[ScheduledPost]:
        """Several posts, locked for the rest of the transaction, in id order."""
        result = await self._session.execute(
            select(ScheduledPost)
            .where(ScheduledPost.id.in_(list(post_ids)))
            .order_by(ScheduledPost.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(result.scalars())

    async def sessions_by_id(self, session_ids: Iterable[int]) -> dict[int, GroupSession]:
        result = await self._session.execute(
            select(GroupSession).where(GroupSession.id.in_(list(set(session_ids))))
        )
        return {session.id: session for session in result.scalars()}

    async def delivered_to_many(
        self, post_ids: Sequence[int]
    ) -> dict[int, tuple[set[int], set[int]]]:
        """For each post, the (membership ids, room binding ids) it already reached."""
        reached: dict[int, tuple[set[int], set[int]]] = {pid: (set(), set()) for pid in post_ids}
        result = await self._session.execute(
            select(Delivery.post_id, Delivery.membership_id, Delivery.room_binding_id).where(
                Delivery.post_id.in_(list(post_ids))
            )
        )
        for post_id, membership_id, room_id in result.all():
            members, rooms = reached[post_id]
            if membership_id is not None:
                members.add(membership_id)
            if room_id is not None:
                rooms.add(room_id)
        return reached

    async def settle_posts(self, post_ids: Sequence[int], status: PostStatus) -> None:
        if not post_ids:
            return
        await self._session.execute(
            update(ScheduledPost)
            .where(ScheduledPost.id.in_(list(post_ids)))
            .values(status=status, lease_until=None, fired_at=self._clock.now())
            .execution_options(synchronize_session=False)
        )

    async def release_posts(self, post_ids: Sequence[int]) -> None:
        """Hand claimed posts back to waiting (their group was paused meanwhile)."""
        if not post_ids:
            return
        await self._session.execute(
            update(ScheduledPost)
            .where(ScheduledPost.id.in_(list(post_ids)))
            .values(status=PostStatus.PENDING, lease_until=None)
            .execution_options(synchronize_session=False)
        )

    async def settle_post(self, post: ScheduledPost, status: PostStatus) -> None:
        post.status = status
        post.lease_until = None
        post.fired_at = self._clock.now()
        await self._session.flush()

    async def next_due_at(self) -> datetime | None:
        """The earliest moment a post in a running group is due, or a claim runs out."""
        pending = await self._session.execute(
            select(func.min(ScheduledPost.due_at))
            .join(GroupSession, GroupSession.id == ScheduledPost.session_id)
            .join(Group, Group.id == GroupSession.group_id)
            .where(ScheduledPost.status == PostStatus.PENDING, Group.status.in_(FIRING_STATUSES))
        )
        leased = await self._session.execute(
            select(func.min(ScheduledPost.lease_until)).where(
                ScheduledPost.status == PostStatus.SENDING
            )
        )
        moments = [m for m in (pending.scalar_one_or_none(), leased.scalar_one_or_none()) if m]
        return min(moments) if moments else None

    async def ended_sessions(self, now: datetime) -> list[GroupSession]:
        """Scheduled sessions of running groups whose end has passed."""
        result = await self._session.execute(
            select(GroupSession)
            .join(Group, Group.id == GroupSession.group_id)
            .where(
                GroupSession.status == SessionStatus.SCHEDULED,
                GroupSession.ends_at <= now,
                Group.status.in_(FIRING_STATUSES),
            )
            .order_by(GroupSession.ends_at)
        )
        return list(result.scalars())

    async def groups_started(self, now: datetime) -> list[int]:
        """Enrolling groups whose first session has begun (driven from the few enrolling ones)."""
        begun = select(GroupSession.id).where(
            GroupSession.group_id == Group.id,
            GroupSession.status == SessionStatus.SCHEDULED,
            GroupSession.starts_at <= now,
        )
        result = await self._session.execute(
            select(Group.id).where(Group.status == GroupStatus.ENROLLING, begun.exists())
        )
        return list(result.scalars())

    async def groups_complete(self, among: Iterable[int] | None = None) -> list[int]:
        """Running groups (of `among`, if given) with no session to hold and no post to settle."""
        open_sessions = select(GroupSession.id).where(
            GroupSession.group_id == Group.id, GroupSession.status == SessionStatus.SCHEDULED
        )
        open_posts = (
            select(ScheduledPost.id)
            .join(GroupSession, GroupSession.id == ScheduledPost.session_id)
            .where(
                GroupSession.group_id == Group.id,
                ScheduledPost.status.in_([PostStatus.PENDING, PostStatus.SENDING]),
            )
        )
        query = select(Group.id).where(
            Group.status == GroupStatus.RUNNING, ~open_sessions.exists(), ~open_posts.exists()
        )
        if among is not None:
            query = query.where(Group.id.in_(list(set(among))))
        return list((await self._session.execute(query)).scalars())

    async def add_deliveries(self, deliveries: Sequence[NewDelivery]) -> None:
        """Record many deliveries at once; the caller holds the posts' locks and checked first."""
        if not deliveries:
            return
        now = self._clock.now()
        await self._session.execute(
            insert(Delivery),
            [
                {
                    "post_id": d.post_id,
                    "membership_id": d.membership_id,
                    "room_binding_id": d.room_binding_id,
                    "outbox_id": d.outbox_id,
                    "created_at": now,
                }
                for d in deliveries
            ],
        )

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
