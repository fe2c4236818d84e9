"""Who was present in a session: a member who wrote, pressed a button or answered a question
during the session's window (its start to two hours after its end, when the feedback question
is answered) counts as present. Only internal ids are kept, never what they did."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from storage.models import Group, GroupSession, Membership, SessionStatus
from storage.store import Transaction

# Answers to the closing prompts and the feedback question come in after the session ends.
AFTER_END = timedelta(hours=2)
HELD = (SessionStatus.SCHEDULED, SessionStatus.DONE)


def session_at(sessions: Sequence[GroupSession], now: datetime) -> GroupSession | None:
    """The held session whose window `now` falls in."""
    for session in sessions:
        if session.status in HELD and session.starts_at <= now <= session.ends_at + AFTER_END:
            return session
    return None


async def note_presence(
    tx: Transaction, group: Group, membership: Membership, now: datetime
) -> bool:
    """Count the member present in the session under way, if any; True if newly counted."""
    session = session_at(await tx.schedule.sessions(group.id), now)
    if session is None:
        return False
    return await tx.followup.mark_present(session.id, membership.id)


def missed_run(
    sessions: Sequence[GroupSession], present: dict[int, set[int]], membership: Membership
) -> list[GroupSession]:
    """The sessions the member has missed in a row up to the last one held (those held since
    they joined); empty when they were at the last one."""
    run: list[GroupSession] = []
    for session in sessions:
        if session.status not in HELD or session.starts_at < membership.joined_at:
            continue
        if membership.id in present.get(session.id, set()):
            run = []
        else:
            run.append(session)
    return run
