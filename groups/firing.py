"""Posting prompts when they fall due: each exactly once per recipient, on one or many instances.

A post moves pending → sending → sent | missed | failed. `fire_due` first claims due posts
under a lease (one short transaction; on PostgreSQL SKIP LOCKED keeps two instances off the
same rows), then fans each out in its own transaction: it locks the post, writes one outbox
row and one delivery record per recipient, and marks the post sent — all or nothing. A crash
before that commit leaves the post `sending` until its lease runs out, when any instance
takes it again; recipients already recorded are not written to twice. The outbox then
delivers at least once, so a crash mid-send can repeat one message to one recipient, never
a whole prompt.

A post found later than its grace window (Piiri was down) is marked missed and the group's
facilitators are told, instead of surprising members with a reminder for a session long over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from groups.fanout import Recipient, recipients, send_each, staff_recipients
from groups.programme import Programme, PromptKind, render
from groups.programme_file import programme_from_document
from groups.texts import N_, TextsFor, local_date, local_time
from groups.timezones import utc_to_local
from storage.clock import Clock
from storage.models import Group, GroupSession, GroupStatus, PostStatus, Priority, SessionStatus
from storage.repositories import ClaimedPost, NewDelivery
from storage.store import Store, Transaction

LEASE = timedelta(minutes=2)
BATCH = 200

MISSED_REPORT = N_(
    "Piiri was not running when a prompt of session {number} ({kind}) was due at {time}, "
    "and it is now more than {grace} minutes late, so it was not posted."
)

KIND_NAMES = {
    PromptKind.REMINDER: N_("reminder"),
    PromptKind.OPENING: N_("opening round"),
    PromptKind.EXERCISE: N_("exercise"),
    PromptKind.DISCUSSION: N_("discussion"),
    PromptKind.CLOSING: N_("closing round"),
    PromptKind.FEEDBACK: N_("feedback question"),
    PromptKind.INFO: N_("information"),
}


@dataclass(frozen=True, slots=True)
class Grace:
    in_session: timedelta = timedelta(minutes=10)
    reminder: timedelta = timedelta(hours=12)

    def allows(self, kind: str, lateness: timedelta) -> bool:
        limit = self.reminder if kind == PromptKind.REMINDER else self.in_session
        return lateness <= limit


@dataclass(slots=True)
class FireReport:
    sent: int = 0
    missed: int = 0
    failed: int = 0
    deliveries: int = 0
    lateness: list[timedelta] = field(default_factory=list)

    def add(self, other: FireReport) -> None:
        self.sent += other.sent
        self.missed += other.missed
        self.failed += other.failed
        self.deliveries += other.deliveries
        self.lateness.extend(other.lateness)


class ProgrammeCache:
    """Programmes by snapshot id; a snapshot never changes, so it is read once."""

    def __init__(self) -> None:
        self._by_id: dict[int, Programme] = {}

    async def get(self, tx: Transaction, snapshot_id: int | None) -> Programme | None:
        if snapshot_id is None:
            return None
        if snapshot_id not in self._by_id:
            snapshot = await tx.programmes.get(snapshot_id)
            if snapshot is None:
                return None
            self._by_id[snapshot_id] = programme_from_document(
                snapshot.content, f"snapshot {snapshot_id}"
            )
        return self._by_id[snapshot_id]


def prompt_values(
    group: Group, programme: Programme, session: GroupSession, language: str
) -> dict[str, object]:
    local = utc_to_local(session.starts_at, group.timezone)
    plan = programme.session(session.number)
    return {
        "group": group.name,
        "number": session.number,
        "count": len(programme.sessions),
        "title": plan.title.get(language, group.language) if plan else "",
        "date": local_date(local.date(), language),
        "time": local_time(local.time(), language),
        "minutes": round((session.ends_at - session.starts_at).total_seconds() / 60),
    }


class PromptFirer:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        texts_for: TextsFor,
        *,
        grace: Grace | None = None,
        programmes: ProgrammeCache | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._texts_for = texts_for
        self._grace = grace or Grace()
        self._programmes = programmes or ProgrammeCache()

    async def fire_due(self) -> FireReport:
        """Post everything due now, then move sessions and groups along their life-cycle."""
        report = FireReport()
        while True:
            async with self._store.transaction() as tx:
                claimed = await tx.schedule.claim_due(limit=BATCH, lease=LEASE)
            for post in claimed:
                report.add(await self._fire(post))
            if len(claimed) < BATCH:
                break
        await self.advance_lifecycle()
        return report

    async def next_due_at(self) -> datetime | None:
        async with self._store.transaction() as tx:
            return await tx.schedule.next_due_at()

    async def _fire(self, claimed: ClaimedPost) -> FireReport:
        report = FireReport()
        async with self._store.transaction() as tx:
            post = await tx.schedule.lock_post(claimed.id)
            if post is None or post.status is not PostStatus.SENDING:
                return report  # another instance finished it meanwhile
            session = await tx.schedule.get_session(post.session_id)
            group = await tx.groups.get(claimed.group_id)
            programme = await self._programmes.get(
                tx, group.programme_snapshot_id if group else None
            )
            plan = programme.session(session.number) if programme and session else None
            prompt = plan.prompt(post.prompt_key) if plan else None
            if group is None or session is None or programme is None or prompt is None:
                await tx.schedule.settle_post(post, PostStatus.FAILED)
                report.failed += 1
                return report
            lateness = self._clock.now() - post.due_at
            if not self._grace.allows(post.kind, lateness):
                await tx.schedule.settle_post(post, PostStatus.MISSED)
                await self._report_missed(tx, group, session, post.kind, post.due_at)
                report.missed += 1
                return report
            already_members, already_rooms = await tx.schedule.delivered_to(post.id)
            targets = [
                target
                for target in await recipients(tx, group)
                if target.membership_id not in already_members
                and target.room_binding_id not in already_rooms
            ]

            def text_for(target: Recipient) -> str:
                values = prompt_values(group, programme, session, target.language)
                return render(prompt.text.get(target.language, group.language), values)

            priority = (
                Priority.ROUTINE if post.kind == PromptKind.REMINDER else Priority.CONVERSATION
            )
            queued = await send_each(tx, targets, text_for, priority=priority)
            await tx.schedule.add_deliveries(
                post.id,
                [
                    NewDelivery(t.membership_id, t.room_binding_id, outbox_id)
                    for t, outbox_id in queued
                ],
            )
            await tx.schedule.settle_post(post, PostStatus.SENT)
            report.sent += 1
            report.deliveries += len(queued)
            report.lateness.append(max(lateness, timedelta(0)))
        return report

    async def _report_missed(
        self, tx: Transaction, group: Group, session: GroupSession, kind: str, due_at: datetime
    ) -> None:
        local = utc_to_local(due_at, group.timezone)
        grace = self._grace.reminder if kind == PromptKind.REMINDER else self._grace.in_session

        def text_for(target: Recipient) -> str:
            t = self._texts_for(target.language)
            return t.gettext(
                MISSED_REPORT,
                number=session.number,
                kind=t.gettext(KIND_NAMES.get(PromptKind(kind), kind)),
                time=local_date(local.date(), t.language)
                + " "
                + local_time(local.time(), t.language),
                grace=round(grace.total_seconds() / 60),
            )

        await send_each(
            tx,
            await staff_recipients(tx, group),
            text_for,
            priority=Priority.CONVERSATION,
            notice=True,
        )
        await tx.audit.append(
            "post.missed",
            actor_person_id=None,
            group_id=group.id,
            subject=f"session {session.number}",
            details={"kind": kind, "due_at": due_at.isoformat()},
        )

    async def advance_lifecycle(self) -> None:
        """Enrolling → running when session 1 begins; sessions done when they end; running →
        finished when no session is left to hold."""
        now = self._clock.now()
        async with self._store.transaction() as tx:
            for group_id in await tx.schedule.groups_started(now):
                group = await tx.groups.get(group_id)
                if group is not None:
                    await tx.groups.set_status(group, GroupStatus.RUNNING)
                    await tx.audit.append("group.running", actor_person_id=None, group_id=group_id)
            for session in await tx.schedule.ended_sessions(now):
                await tx.schedule.set_session_status(session, SessionStatus.DONE)
            for group_id in await tx.schedule.groups_complete():
                group = await tx.groups.get(group_id)
                if group is not None:
                    await tx.groups.set_status(group, GroupStatus.FINISHED)
                    await tx.audit.append("group.finished", actor_person_id=None, group_id=group_id)
