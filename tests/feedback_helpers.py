"""A joined group for the feedback tests, and moving the clock to a session's moments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.models import GroupSession
from tests.harness import Harness
from tests.joining import join, joinable_group
from tests.programmes import make_programme

HELSINKI = ZoneInfo("Europe/Helsinki")


async def joined_group(
    h: Harness,
    people: tuple[str, ...] = ("aino", "bo", "chris"),
    *,
    questionnaire: bool = False,
) -> tuple[int, dict[str, str]]:
    """An enrolling nine-session group from 12 January 2027, with these members joined."""
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    programme = make_programme(questionnaire=questionnaire)
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12), programme=programme)
    names = {person: await join(h, person, group.code) for person in people}
    return group.id, names


async def sessions(h: Harness, group_id: int) -> list[GroupSession]:
    async with h.app.store.transaction() as tx:
        return await tx.schedule.sessions(group_id)


async def at(h: Harness, moment: datetime) -> None:
    """Move the clock to `moment` and let everything due happen."""
    h.clock.set(moment)
    await h.settle()


async def to_feedback(h: Harness, session: GroupSession) -> None:
    """Walk the session: its start, then its end (the feedback question)."""
    await at(h, session.starts_at)
    await at(h, session.ends_at)
    await at(h, session.ends_at + timedelta(seconds=1))


async def hold_session(
    h: Harness, session: GroupSession, present: tuple[str, ...], *, press: tuple[str, ...] = ()
) -> None:
    """A session where `present` write a line and `press` answer the feedback question; then
    the clock goes to two hours after its end, when the follow-ups are done."""
    await at(h, session.starts_at + timedelta(minutes=1))
    for person in present:
        h.transport.say(person, f"{person} täällä")
    await h.settle()
    await at(h, session.ends_at)
    for person in press:
        h.transport.press(person, f"fb:{session.id}:4")
    await h.settle()
    await at(h, session.ends_at + timedelta(hours=2, minutes=1))
