"""Creating a group from a programme and changing its schedule: skip, reschedule, pause, resume.

Every change is written to the store in the caller's transaction, audited, and — where members
would otherwise be surprised — announced to them through the outbox. Times are computed in the
group's own zone (`groups.schedule`) and stored in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from groups.fanout import Recipient, recipients, send_each
from groups.lifecycle import GroupError, check_transition
from groups.programme import Programme
from groups.proposals import proposal_id
from groups.schedule import ScheduleError, Series, plan, resume_dates, slot
from groups.texts import N_, TextsFor, local_date, local_time
from groups.timezones import UnknownZoneError, require_zone, utc_to_local
from storage.models import (
    Group,
    GroupMode,
    GroupSession,
    GroupStatus,
    PostStatus,
    Priority,
    SessionStatus,
)
from storage.store import Transaction

MAX_NAME = 120
GROUP_LANGUAGES = ("fi", "sv", "en")

SKIPPED = N_("Session {number} ({title}) on {date} will not be held.")
MOVED = N_("Session {number} ({title}) has moved to {date} at {time}.")
PAUSED = N_("The group is taking a break. I will tell you when it continues.")
RESUMED = N_("The group continues! The next session, {title}, is on {date} at {time}.")


@dataclass(frozen=True, slots=True)
class Change:
    """Who changes a group's schedule and when; `texts_for` words the notice to members."""

    now: datetime
    actor_person_id: int | None
    texts_for: TextsFor


@dataclass(frozen=True, slots=True)
class NewGroup:
    name: str
    programme: Programme
    series: Series
    language: str = "fi"
    mode: GroupMode = GroupMode.RELAY
    capacity: int | None = None
    status: GroupStatus = GroupStatus.ENROLLING
    session_minutes: int | None = None
    skip_dates: frozenset[date] = field(default_factory=frozenset)


def series_of(group: Group) -> Series:
    if group.start_date is None or group.start_time is None:
        raise GroupError(N_("The group has no schedule yet."))
    return Series(
        first_date=group.start_date,
        local_time=group.start_time,
        zone=group.timezone,
        every_days=group.every_days,
        skip_dates=frozenset(date.fromisoformat(day) for day in group.skip_dates),
    )


async def create_group(
    tx: Transaction, spec: NewGroup, *, now: datetime, actor_person_id: int | None, via: str
) -> Group:
    name = spec.name.strip()
    if not name or len(name) > MAX_NAME:
        raise GroupError(N_("A group's name is 1–{limit} characters."), limit=MAX_NAME)
    if spec.language not in GROUP_LANGUAGES:
        raise GroupError(N_("The group's language must be fi, sv or en."))
    programme = spec.programme
    minutes = spec.session_minutes or programme.session_minutes
    slots = plan(spec.series, len(programme.sessions), minutes)
    if slots[0].starts_at <= now:
        raise GroupError(N_("The first session must be in the future."))
    snapshot = await tx.programmes.snapshot(programme.key, programme.version, programme.content)
    group = await tx.groups.create(
        name,
        mode=spec.mode,
        language=spec.language,
        timezone=spec.series.zone,
        programme_snapshot_id=snapshot.id,
        capacity=spec.capacity,
    )
    group.start_date = spec.series.first_date
    group.start_time = spec.series.local_time
    group.weekday = spec.series.first_date.isoweekday()
    group.every_days = spec.series.every_days
    group.skip_dates = sorted(day.isoformat() for day in spec.series.skip_dates)
    group.session_minutes = minutes
    group.age_min, group.age_max = programme.age_min, programme.age_max
    if spec.status is not GroupStatus.DRAFT:
        check_transition(group, spec.status)
        group.status = spec.status
    for plan_session, place in zip(programme.sessions, slots, strict=True):
        session = await tx.schedule.add_session(
            group.id, plan_session.number, place.starts_at, place.ends_at
        )
        await tx.schedule.add_posts(
            session.id,
            (
                (p.key, p.kind.value, p.at.resolve(place.starts_at, place.ends_at))
                for p in plan_session.prompts
            ),
        )
    await tx.audit.append(
        "group.created",
        actor_person_id=actor_person_id,
        group_id=group.id,
        details={"programme": programme.key, "version": programme.version, "via": via},
    )
    return group


def check_zone(name: str) -> str:
    try:
        require_zone(name)
    except UnknownZoneError as exc:
        raise GroupError(
            N_("{zone} is not a time zone name like Europe/Helsinki."), zone=name
        ) from exc
    return name


async def _session(tx: Transaction, group: Group, number: int) -> GroupSession:
    session = await tx.schedule.session_by_number(group.id, number)
    if session is None:
        raise GroupError(N_("The group has no session {number}."), number=number)
    return session


def _require_upcoming(session: GroupSession, now: datetime) -> None:
    if session.status is not SessionStatus.SCHEDULED or session.starts_at <= now:
        raise GroupError(
            N_("Session {number} has already started or is over; it cannot be changed."),
            number=session.number,
        )


async def _retime_posts(tx: Transaction, programme: Programme, session: GroupSession) -> None:
    plan_session = programme.session(session.number)
    for post in await tx.schedule.posts(session.id):
        prompt = plan_session.prompt(post.prompt_key) if plan_session else None
        if post.status is not PostStatus.PENDING:
            continue
        if prompt is not None:
            await tx.schedule.set_due(post, prompt.at.resolve(session.starts_at, session.ends_at))
        elif proposal_id(post.prompt_key) is not None:  # a member's proposal: halfway through
            halfway = session.starts_at + (session.ends_at - session.starts_at) / 2
            await tx.schedule.set_due(post, halfway)


async def skip_session(
    tx: Transaction,
    group: Group,
    programme: Programme,
    number: int,
    change: Change,
) -> GroupSession:
    """Session `number` will not be held: its prompts are cancelled and members are told."""
    session = await _session(tx, group, number)
    _require_upcoming(session, change.now)
    await tx.schedule.set_session_status(session, SessionStatus.SKIPPED)
    await tx.schedule.cancel_pending(session.id)
    await _tell_members(tx, group, programme, session, SKIPPED, change.texts_for)
    await tx.audit.append(
        "session.skipped",
        actor_person_id=change.actor_person_id,
        group_id=group.id,
        subject=f"session {number}",
    )
    return session


async def reschedule_session(
    tx: Transaction,
    group: Group,
    programme: Programme,
    number: int,
    day: date,
    at: time,
    change: Change,
) -> GroupSession:
    """Move one session to a new local date and time; it must stay between its neighbours."""
    session = await _session(tx, group, number)
    _require_upcoming(session, change.now)
    place = slot(day, at, group.timezone, group.session_minutes)
    if place.starts_at <= change.now:
        raise GroupError(N_("The new time must be in the future."))
    for other in await tx.schedule.sessions(group.id):
        if other.status is SessionStatus.SKIPPED or other.id == session.id:
            continue
        if (other.number < number and other.ends_at > place.starts_at) or (
            other.number > number and other.starts_at < place.ends_at
        ):
            raise GroupError(
                N_("Session {number} would then not be between sessions {before} and {after}."),
                number=number,
                before=number - 1,
                after=number + 1,
            )
    before = session.starts_at
    await tx.schedule.move_session(session, place.starts_at, place.ends_at)
    await _retime_posts(tx, programme, session)
    await _tell_members(tx, group, programme, session, MOVED, change.texts_for)
    await tx.audit.append(
        "session.rescheduled",
        actor_person_id=change.actor_person_id,
        group_id=group.id,
        subject=f"session {number}",
        details={"from": before.isoformat(), "to": place.starts_at.isoformat()},
    )
    return session


async def pause_group(
    tx: Transaction,
    group: Group,
    programme: Programme,
    change: Change,
) -> None:
    """Stop posting. A session in progress ends here; the rest wait for `resume_group`."""
    check_transition(group, GroupStatus.PAUSED)
    for session in await tx.schedule.sessions(group.id):
        if session.status is SessionStatus.SCHEDULED and session.starts_at <= change.now:
            await tx.schedule.cancel_pending(session.id)
            await tx.schedule.set_session_status(session, SessionStatus.DONE)
    await tx.groups.set_status(group, GroupStatus.PAUSED)
    group.paused_at = change.now
    await _tell_members(tx, group, programme, None, PAUSED, change.texts_for)
    await tx.audit.append("group.paused", actor_person_id=change.actor_person_id, group_id=group.id)


async def resume_group(
    tx: Transaction,
    group: Group,
    programme: Programme,
    change: Change,
) -> list[GroupSession]:
    """Continue after a pause: the remaining sessions move on by whole periods."""
    if group.status is not GroupStatus.PAUSED:
        raise GroupError(N_("The group is not paused."))
    sessions = await tx.schedule.sessions(group.id)
    remaining = [s for s in sessions if s.status is SessionStatus.SCHEDULED]
    held = any(s.status is SessionStatus.DONE for s in sessions)
    series = series_of(group)
    local_dates = [utc_to_local(s.starts_at, group.timezone).date() for s in remaining]
    try:
        new_dates = resume_dates(series, local_dates, change.now)
    except ScheduleError as exc:
        raise GroupError(N_("The remaining sessions cannot be fitted into the calendar.")) from exc
    for session, day in zip(remaining, new_dates, strict=True):
        place = slot(day, series.local_time, group.timezone, group.session_minutes)
        await tx.schedule.move_session(session, place.starts_at, place.ends_at)
        await _retime_posts(tx, programme, session)
    target = GroupStatus.RUNNING if held else GroupStatus.ENROLLING
    if not remaining:
        target = GroupStatus.FINISHED
    await tx.groups.set_status(group, target)
    group.paused_at = None
    await _tell_members(
        tx, group, programme, remaining[0] if remaining else None, RESUMED, change.texts_for
    )
    await tx.audit.append(
        "group.resumed",
        actor_person_id=change.actor_person_id,
        group_id=group.id,
        details={"sessions_moved": len(remaining)},
    )
    return remaining


async def _tell_members(
    tx: Transaction,
    group: Group,
    programme: Programme,
    session: GroupSession | None,
    message: str,
    texts_for: TextsFor,
) -> None:
    if message is RESUMED and session is None:
        return

    def text_for(target: Recipient) -> str:
        t = texts_for(target.language)
        if session is None:
            return t.gettext(message)
        local = utc_to_local(session.starts_at, group.timezone)
        plan_session = programme.session(session.number)
        return t.gettext(
            message,
            number=session.number,
            title=plan_session.title.get(t.language, group.language) if plan_session else "",
            date=local_date(local.date(), t.language),
            time=local_time(local.time(), t.language),
        )

    await send_each(
        tx, await recipients(tx, group), text_for, priority=Priority.CONVERSATION, notice=True
    )
