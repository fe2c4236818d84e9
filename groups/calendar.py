"""A group's schedule as an iCalendar file, for facilitators' and members' own calendars.

Times are written in UTC, which every calendar converts to its own zone; skipped sessions are
left out. Event ids are stable, so importing the file again after a reschedule updates the
events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from icalendar import Calendar, Event

from groups.programme import Programme
from storage.models import Group, GroupSession, SessionStatus

PRODUCT_ID = "-//Piiri//Piiri schedule//FI"


def schedule_ics(
    group: Group,
    programme: Programme,
    sessions: Sequence[GroupSession],
    *,
    language: str,
    now: datetime,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", group.name)
    for session in sessions:
        if session.status in (SessionStatus.SKIPPED, SessionStatus.CANCELLED):
            continue
        plan = programme.session(session.number)
        title = plan.title.get(language, group.language) if plan else ""
        event = Event()
        event.add("uid", f"piiri-group-{group.id}-session-{session.number}@piiri")
        event.add("dtstamp", now)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{group.name} {session.number}/{len(programme.sessions)}: {title}")
        calendar.add_component(event)
    return calendar.to_ical()
