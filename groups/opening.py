"""When members may write to their group: always, only during sessions, or during sessions
plus some hours after each. A message written while the group is closed is never lost: its
author chooses to have it delivered at the next opening, or to drop it."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime, timedelta

from storage.models import Group, GroupSession, GroupStatus, SessionStatus


class OpenPolicy(enum.StrEnum):
    ALWAYS = "always"
    SESSIONS = "sessions"


ENDED = (GroupStatus.FINISHED, GroupStatus.ARCHIVED)
# A finished group its facilitators keep as an open peer room: no more prompts, but members
# still talk through the relay, screened as ever.
OPEN_ROOM = "open"


def has_ended(group: Group) -> bool:
    """Finished or archived, unless kept as an open peer room after its last session."""
    kept = group.status is GroupStatus.FINISHED and group.after_programme == OPEN_ROOM
    return group.status in ENDED and not kept


def _windows(group: Group, sessions: Sequence[GroupSession]) -> list[tuple[datetime, datetime]]:
    after = timedelta(hours=group.open_extra_hours or 0)
    return [
        (session.starts_at, session.ends_at + after)
        for session in sessions
        if session.status in (SessionStatus.SCHEDULED, SessionStatus.DONE)
    ]


def is_open(group: Group, sessions: Sequence[GroupSession], now: datetime) -> bool:
    if has_ended(group):
        return False
    if group.open_policy != OpenPolicy.SESSIONS or group.status is GroupStatus.FINISHED:
        return True
    if group.status is GroupStatus.PAUSED:
        return False
    return any(start <= now < end for start, end in _windows(group, sessions))


def next_opening(group: Group, sessions: Sequence[GroupSession], now: datetime) -> datetime | None:
    """When the group next opens after `now`; None when no opening is scheduled."""
    if group.status in ENDED or group.status is GroupStatus.PAUSED:
        return None
    starts = [start for start, _ in _windows(group, sessions) if start > now]
    return min(starts) if starts else None
