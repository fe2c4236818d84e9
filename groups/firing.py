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

from groups.fanout import Recipient, recipients_of, send_each, staff_recipients
from groups.feedback import rating_buttons
from groups.programme import Programme, PromptKind, render
from groups.programme_file import programme_from_document
from groups.proposals import PROMPT as PROPOSED
from groups.proposals import proposal_text
from groups.texts import N_, TextsFor, local_date, local_time
from groups.timezones import utc_to_local
from storage.clock import Clock
from storage.errors import is_transient
from storage.eventlog import get_logger
from storage.models import (
    Group,
    GroupMode,
    GroupSession,
    GroupStatus,
    PostStatus,
    Priority,
    SessionStatus,
)
from storage.repositories import ClaimedPost, NewDelivery, NewSend, QueuedButton
from storage.repositories.schedule import FIRING_STATUSES
from storage.store import Store, Transaction

log = get_logger(__name__)

LEASE = timedelta(minutes=2)
BATCH = 200
FULL_CHECK = timedelta(minutes=10)
# Posts fanned out per transaction: fewer commits, and no post waits long behind another.
CHUNK = 50

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


def _answer_buttons(
    kind: PromptKind, group: Group, session: GroupSession, target: Recipient
) -> tuple[tuple[QueuedButton, ...], ...]:
    """The feedback question carries its 1–5 scale for members (in their private chats, or in
    the group's room); the facilitators' mirror has none."""
    if kind is not PromptKind.FEEDBACK:
        return ()
    if target.membership_id is None and group.mode is not GroupMode.ROOM:
        return ()
    return rating_buttons(session.id)


class PromptFirer:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        texts_for: TextsFor,
        *,
        grace: Grace | None = None,
        programmes: ProgrammeCache | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        """`lease`: how long a claimed post is this process's alone; when a crashed
        process's claim runs out, another takes the post again."""
        self._store = store
        self._lease = lease
        self._clock = clock
        self._texts_for = texts_for
        self._grace = grace or Grace()
        self._programmes = programmes or ProgrammeCache()
        self._last_full_check: datetime | None = None

    async def fire_due(self) -> FireReport:
        """Post everything due now, then move sessions and groups along their life-cycle."""
        report = FireReport()
        touched: set[int] = set()
        while True:
            async with self._store.transaction() as tx:
                claimed = await tx.schedule.claim_due(limit=BATCH, lease=self._lease)
            touched.update(post.group_id for post in claimed)
            for start in range(0, len(claimed), CHUNK):
                report.add(await self.fire_claimed(claimed[start : start + CHUNK]))
            if len(claimed) < BATCH:
                break
        await self.advance_lifecycle(touched)
        return report

    async def next_due_at(self) -> datetime | None:
        async with self._store.transaction() as tx:
            return await tx.schedule.next_due_at()

    async def fire_claimed(self, claimed: list[ClaimedPost]) -> FireReport:
        """Fan out posts this instance claimed: together in one transaction, or if that fails
        each alone, so one bad post cannot hold the others back."""
        try:
            async with self._store.transaction() as tx:
                return await self._fire_in(tx, claimed)
        except Exception as exc:
            if is_transient(exc):
                raise
            log.warning("scheduler.chunk_failed", posts=len(claimed), error=type(exc).__name__)
        report = FireReport()
        for post in claimed:
            try:
                async with self._store.transaction() as tx:
                    report.add(await self._fire_in(tx, [post]))
            except Exception as exc:
                if is_transient(exc):
                    raise
                log.exception("scheduler.post_failed", post_id=post.id)
                async with self._store.transaction() as tx:
                    await tx.schedule.settle_posts([post.id], PostStatus.FAILED)
                report.failed += 1
        return report

    async def _fire_in(self, tx: Transaction, claimed: list[ClaimedPost]) -> FireReport:
        report = FireReport()
        group_of = {post.id: post.group_id for post in claimed}
        # Another instance may have finished some since we claimed them.
        posts = [
            post
            for post in await tx.schedule.lock_posts(list(group_of))
            if post.status is PostStatus.SENDING
        ]
        if not posts:
            return report
        sessions = await tx.schedule.sessions_by_id(post.session_id for post in posts)
        groups = await tx.groups.get_many(group_of.values())
        reached = await tx.schedule.delivered_to_many([post.id for post in posts])
        audiences = await recipients_of(tx, list(groups.values()))
        values: dict[tuple[int, str], dict[str, object]] = {}
        sends: list[tuple[int, Recipient, NewSend]] = []
        sent: list[int] = []
        failed: list[int] = []
        held_back: list[int] = []
        cancelled: list[int] = []
        now = self._clock.now()
        for post in posts:
            session = sessions.get(post.session_id)
            group = groups.get(group_of[post.id])
            # Paused or skipped since the claim: back to waiting, or not at all.
            if group is not None and group.status not in FIRING_STATUSES:
                held_back.append(post.id)
                continue
            if session is not None and session.status in (
                SessionStatus.SKIPPED,
                SessionStatus.CANCELLED,
            ):
                cancelled.append(post.id)
                continue
            snapshot_id = group.programme_snapshot_id if group else None
            programme = await self._programmes.get(tx, snapshot_id)
            plan = programme.session(session.number) if programme and session else None
            prompt = plan.prompt(post.prompt_key) if plan else None
            proposed = await proposal_text(tx, post.prompt_key) if prompt is None else None
            if group is None or session is None or programme is None or not (prompt or proposed):
                log.error("scheduler.post_unreadable", post_id=post.id)
                failed.append(post.id)
                continue
            lateness = now - post.due_at
            if not self._grace.allows(post.kind, lateness):
                await tx.schedule.settle_post(post, PostStatus.MISSED)
                await self._report_missed(tx, group, session, post.kind, post.due_at)
                report.missed += 1
                continue
            members, rooms = reached[post.id]
            reminder = post.kind == PromptKind.REMINDER
            priority = Priority.ROUTINE if reminder else Priority.CONVERSATION
            for target in audiences[group.id]:
                if target.membership_id in members or target.room_binding_id in rooms:
                    continue
                key = (session.id, target.language)
                if key not in values:
                    values[key] = prompt_values(group, programme, session, target.language)
                if prompt is None:
                    text = self._texts_for(target.language).gettext(PROPOSED, text=proposed)
                    buttons: tuple[tuple[QueuedButton, ...], ...] = ()
                else:
                    text = render(prompt.text.get(target.language, group.language), values[key])
                    buttons = _answer_buttons(prompt.kind, group, session, target)
                send = NewSend(target.transport, target.chat_id, text, priority, buttons=buttons)
                sends.append((post.id, target, send))
            sent.append(post.id)
            report.lateness.append(max(lateness, timedelta(0)))
        outbox_ids = await tx.outbox.enqueue_many([send for _, _, send in sends])
        await tx.schedule.add_deliveries(
            [
                NewDelivery(post_id, target.membership_id, target.room_binding_id, outbox_id)
                for (post_id, target, _), outbox_id in zip(sends, outbox_ids, strict=True)
            ]
        )
        await tx.schedule.settle_posts(sent, PostStatus.SENT)
        await tx.schedule.settle_posts(failed, PostStatus.FAILED)
        await tx.schedule.settle_posts(cancelled, PostStatus.CANCELLED)
        await tx.schedule.release_posts(held_back)
        report.sent += len(sent)
        report.failed += len(failed)
        report.deliveries += len(sends)
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

    async def advance_lifecycle(self, touched: set[int] | None = None) -> None:
        """Enrolling → running when session 1 begins; sessions done when they end; running →
        finished when no session is left to hold.

        Only groups touched in this round (posts fired, sessions ended) are checked for being
        finished, plus every running group once per `FULL_CHECK`, which catches the rest (a
        group whose last session was skipped) without probing thousands of groups each round.
        """
        now = self._clock.now()
        full = self._last_full_check is None or now - self._last_full_check >= FULL_CHECK
        candidates = set(touched or ())
        async with self._store.transaction() as tx:
            for group_id in await tx.schedule.groups_started(now):
                group = await tx.groups.get(group_id)
                if group is not None:
                    await tx.groups.set_status(group, GroupStatus.RUNNING)
                    await tx.audit.append("group.running", actor_person_id=None, group_id=group_id)
            for session in await tx.schedule.ended_sessions(now):
                await tx.schedule.set_session_status(session, SessionStatus.DONE)
                candidates.add(session.group_id)
            if not full and not candidates:
                return
            complete = await tx.schedule.groups_complete(None if full else candidates)
            if full:
                self._last_full_check = now
            for group_id in complete:
                group = await tx.groups.get(group_id)
                if group is not None:
                    await tx.groups.set_status(group, GroupStatus.FINISHED)
                    await tx.audit.append("group.finished", actor_person_id=None, group_id=group_id)
