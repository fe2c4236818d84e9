"""Attendance, once-per-session follow-ups, check-ins, proposals, and the answers and flags a
group's report is computed from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import (
    Attendance,
    CheckIn,
    Group,
    GroupSession,
    GroupStatus,
    Membership,
    Proposal,
    ReviewItem,
    SessionFollowUp,
    SessionStatus,
    SurveyResponse,
)
from storage.repositories._unique import insert_if_absent

HELD_SESSIONS = (SessionStatus.SCHEDULED, SessionStatus.DONE)
LIVE_GROUPS = (GroupStatus.ENROLLING, GroupStatus.RUNNING, GroupStatus.FINISHED)


@dataclass(frozen=True, slots=True)
class Answer:
    """One stored answer, for reports: whose (an internal id only), what and when asked."""

    membership_id: int
    survey_key: str
    item_key: str
    occasion: str
    value: int | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class Flag:
    category: str
    created_at: datetime


class FollowUpRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    # --- attendance ---------------------------------------------------------------------------

    async def mark_present(self, session_id: int, membership_id: int) -> bool:
        """True when this is the first sign of the member in the session."""
        exists = await self._session.execute(
            select(Attendance.id).where(
                Attendance.session_id == session_id, Attendance.membership_id == membership_id
            )
        )
        if exists.first() is not None:
            return False
        row = Attendance(
            session_id=session_id, membership_id=membership_id, first_seen_at=self._clock.now()
        )
        return await insert_if_absent(self._session, row)

    async def present(self, session_ids: Iterable[int]) -> dict[int, set[int]]:
        """Members present, by session id."""
        ids = list(session_ids)
        out: dict[int, set[int]] = {session_id: set() for session_id in ids}
        if not ids:
            return out
        result = await self._session.execute(
            select(Attendance.session_id, Attendance.membership_id).where(
                Attendance.session_id.in_(ids)
            )
        )
        for session_id, membership_id in result.all():
            out[session_id].add(membership_id)
        return out

    # --- once per session ---------------------------------------------------------------------

    async def claim(self, session_id: int, kind: str) -> bool:
        """Record that `kind` is done for the session; False when it already was."""
        row = SessionFollowUp(session_id=session_id, kind=kind, done_at=self._clock.now())
        return await insert_if_absent(self._session, row)

    async def sessions_without(
        self, kind: str, *, ended: bool, since: datetime, now: datetime
    ) -> list[GroupSession]:
        """Held sessions of live groups that began (or with `ended`, ended) between `since` and
        `now`, for which `kind` has not been done."""
        moment = GroupSession.ends_at if ended else GroupSession.starts_at
        done = select(SessionFollowUp.id).where(
            SessionFollowUp.session_id == GroupSession.id, SessionFollowUp.kind == kind
        )
        result = await self._session.execute(
            select(GroupSession)
            .join(Group, Group.id == GroupSession.group_id)
            .where(
                GroupSession.status.in_(HELD_SESSIONS),
                Group.status.in_(LIVE_GROUPS),
                moment > since,
                moment <= now,
                ~done.exists(),
            )
            .order_by(moment)
        )
        return list(result.scalars())

    async def next_moment(self, now: datetime, after_end: timedelta) -> datetime | None:
        """The next start, end, or end plus `after_end`, of a held session of a live group."""
        live = (
            select(func.min(GroupSession.starts_at), func.min(GroupSession.ends_at))
            .join(Group, Group.id == GroupSession.group_id)
            .where(GroupSession.status.in_(HELD_SESSIONS), Group.status.in_(LIVE_GROUPS))
        )
        starts, _ = (await self._session.execute(live.where(GroupSession.starts_at > now))).one()
        _, ends = (await self._session.execute(live.where(GroupSession.ends_at > now))).one()
        _, ended = (
            await self._session.execute(live.where(GroupSession.ends_at > now - after_end))
        ).one()
        moments = [m for m in (starts, ends, ended + after_end if ended else None) if m]
        return min(moments) if moments else None

    # --- check-ins ----------------------------------------------------------------------------

    async def record_checkin(self, membership_id: int, run_start_session_id: int) -> bool:
        """False when this run of absences already had its check-in."""
        row = CheckIn(
            membership_id=membership_id,
            run_start_session_id=run_start_session_id,
            sent_at=self._clock.now(),
        )
        return await insert_if_absent(self._session, row)

    async def checkins(self, membership_id: int) -> list[CheckIn]:
        result = await self._session.execute(
            select(CheckIn).where(CheckIn.membership_id == membership_id).order_by(CheckIn.id)
        )
        return list(result.scalars())

    # --- proposals ----------------------------------------------------------------------------

    async def add_proposal(
        self, group_id: int, membership_id: int, text: str, status: str
    ) -> Proposal:
        row = Proposal(
            group_id=group_id,
            membership_id=membership_id,
            text=text,
            status=status,
            created_at=self._clock.now(),
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def proposals(self, group_id: int, status: str = "open") -> list[Proposal]:
        result = await self._session.execute(
            select(Proposal)
            .where(Proposal.group_id == group_id, Proposal.status == status)
            .order_by(Proposal.id)
        )
        return list(result.scalars())

    async def proposal(self, proposal_id: int) -> Proposal | None:
        return await self._session.get(Proposal, proposal_id)

    async def proposals_by(self, membership_id: int) -> list[Proposal]:
        result = await self._session.execute(
            select(Proposal).where(Proposal.membership_id == membership_id).order_by(Proposal.id)
        )
        return list(result.scalars())

    async def purge_texts(self, older_than: datetime) -> int:
        """Drop the text of feedback comments and of proposals past the retention period (a
        proposal waiting to be posted keeps its text until its session is over)."""
        comments = await self._session.execute(
            update(SurveyResponse)
            .where(SurveyResponse.comment.is_not(None), SurveyResponse.created_at < older_than)
            .values(comment=None)
        )
        ended = select(GroupSession.id).where(GroupSession.ends_at < older_than)
        proposals = await self._session.execute(
            update(Proposal)
            .where(
                Proposal.text.is_not(None),
                Proposal.created_at < older_than,
                or_(Proposal.status.in_(("dismissed", "held")), Proposal.session_id.in_(ended)),
            )
            .values(text=None)
        )
        return sum(int(getattr(r, "rowcount", 0) or 0) for r in (comments, proposals))

    # --- answers and flags for reports --------------------------------------------------------

    async def answers(self, group_id: int) -> list[Answer]:
        result = await self._session.execute(
            select(SurveyResponse)
            .join(Membership, Membership.id == SurveyResponse.membership_id)
            .where(Membership.group_id == group_id)
            .order_by(SurveyResponse.id)
        )
        return [
            Answer(r.membership_id, r.survey_key, r.item_key, r.occasion, r.value, r.comment)
            for r in result.scalars()
        ]

    async def awaiting_comment(
        self, membership_ids: Sequence[int], now: datetime
    ) -> SurveyResponse | None:
        """The feedback answer whose comment Piiri is waiting for from these memberships."""
        if not membership_ids:
            return None
        result = await self._session.execute(
            select(SurveyResponse)
            .where(
                SurveyResponse.membership_id.in_(list(membership_ids)),
                SurveyResponse.comment_wanted_until > now,
            )
            .order_by(SurveyResponse.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def flags(self, group_id: int) -> list[Flag]:
        """What screening and members flagged in the group (categories only, never text)."""
        result = await self._session.execute(
            select(ReviewItem.category, ReviewItem.created_at)
            .where(ReviewItem.group_id == group_id)
            .order_by(ReviewItem.id)
        )
        return [Flag(category, at) for category, at in result.all()]

    async def volunteers(self, group_id: int) -> list[Membership]:
        result = await self._session.execute(
            select(Membership)
            .where(Membership.group_id == group_id, Membership.volunteered_at.is_not(None))
            .order_by(Membership.volunteered_at)
        )
        return list(result.scalars())

    async def groups_since(self, since: datetime) -> list[Group]:
        """Groups whose first session was on or after `since`, oldest first."""
        first = (
            select(GroupSession.group_id, func.min(GroupSession.starts_at).label("first"))
            .group_by(GroupSession.group_id)
            .subquery()
        )
        result = await self._session.execute(
            select(Group)
            .join(first, first.c.group_id == Group.id)
            .where(first.c.first >= since)
            .order_by(first.c.first)
        )
        return list(result.scalars())
