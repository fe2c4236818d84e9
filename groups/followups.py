"""What Piiri does around each session besides its prompts, once per session, on one instance
or many: the self-assessment at the start of its first session and the end of the others;
and two hours after a session ends (when its feedback is in), the check-ins for members who
missed two in a row and the facilitators' summary, and after the last session the full report
and the invitation to help future groups. The scheduler's timer runs it alongside the prompts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from groups.attendance import AFTER_END
from groups.checkins import send_checkins
from groups.firing import ProgrammeCache
from groups.programme import Programme
from groups.self_assessment import ask_all
from groups.summaries import send_summary
from groups.texts import TextsFor
from storage.clock import Clock
from storage.eventlog import get_logger
from storage.models import Group, GroupSession
from storage.store import Store, Transaction

log = get_logger(__name__)

# A follow-up more than this late (Piiri was down) is not done at all.
LOOKBACK = timedelta(days=1)
AfterSession = Callable[[Transaction, TextsFor, Group, Programme, GroupSession], Awaitable[object]]
AFTER_SESSION: tuple[AfterSession, ...] = (send_checkins, send_summary)


class FollowUps:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        texts_for: TextsFor,
        programmes: ProgrammeCache,
        *,
        after_session: tuple[AfterSession, ...] = AFTER_SESSION,
    ) -> None:
        self._store = store
        self._clock = clock
        self._texts_for = texts_for
        self._programmes = programmes
        self._after_session = after_session

    async def run(self) -> int:
        """Do what is due; returns how many follow-ups were done."""
        now = self._clock.now()
        done = 0
        async with self._store.transaction() as tx:
            for kind, ended, moment in (
                ("start", False, now),
                ("end", True, now),
                ("after", True, now - AFTER_END),
            ):
                due = await tx.followup.sessions_without(
                    kind, ended=ended, since=moment - LOOKBACK, now=moment
                )
                for session in due:
                    if await tx.followup.claim(session.id, kind):
                        await self._do(tx, kind, session)
                        done += 1
        if done:
            log.info("followups.done", count=done)
        return done

    async def _do(self, tx: Transaction, kind: str, session: GroupSession) -> None:
        group = await tx.groups.get(session.group_id)
        programme = await self._programmes.get(tx, group.programme_snapshot_id if group else None)
        if group is None or programme is None:
            return
        questionnaire = programme.questionnaire
        if kind == "after":
            for step in self._after_session:
                await step(tx, self._texts_for, group, programme, session)
            return
        if questionnaire is None:
            return
        at_start = kind == "start" and questionnaire.asked_at_start(session.number)
        if at_start or (kind == "end" and questionnaire.asked_at_end(session.number)):
            asked = await ask_all(tx, self._texts_for, group, session, questionnaire)
            log.info("self_assessment.asked", group_id=group.id, members=asked)

    async def next_due_at(self) -> datetime | None:
        async with self._store.transaction() as tx:
            return await tx.followup.next_moment(self._clock.now(), AFTER_END)
