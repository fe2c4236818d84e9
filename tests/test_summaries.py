"""After each session the facilitators get a short summary: attendance, the feedback average
and count, flags by category, and comments without names, only when three or more answered."""

from __future__ import annotations

from datetime import timedelta

from tests.feedback_helpers import at, hold_session, joined_group, sessions
from tests.harness import Harness
from tests.joining import STAFF_ROOM


def summaries(h: Harness) -> list[str]:
    return [m.text for m in h.transport.received[STAFF_ROOM] if "on päättynyt" in m.text]


async def test_the_facilitators_hear_how_each_session_went_without_names(
    harness: Harness,
) -> None:
    h = harness
    group_id, names = await joined_group(h)
    plan = await sessions(h, group_id)
    await at(h, plan[0].starts_at + timedelta(minutes=1))
    for person in ("aino", "bo", "chris"):
        h.transport.say(person, "moi")
    await h.settle()
    await at(h, plan[0].ends_at)
    for person, value in (("aino", 4), ("bo", 5), ("chris", 3)):
        await h.presses(person, f"fb:{plan[0].id}:{value}")
    await h.says("aino", "Kiva kerta")
    assert summaries(h) == [], "not before the answers are in"
    await at(h, plan[0].ends_at + timedelta(hours=2, minutes=1))

    (first,) = summaries(h)
    assert first == (
        "Ryhmän Iltapiiri tapaaminen 1 on päättynyt.\n"
        "Paikalla: 3/3\n"
        "Palaute: 4,0 (3 vastausta)\n"
        "Liputukset: ei yhtään\n"
        "Kommentit (ilman nimiä):\n"
        "– Kiva kerta"
    )
    assert not any(name in first for name in names.values())

    await hold_session(h, plan[1], ("aino",), press=("aino", "bo"))
    second = summaries(h)[1]
    assert second.splitlines()[1:] == [
        "Paikalla: 2/3",
        "Palaute: liian vähän vastauksia (2 vastausta)",
        "Liputukset: ei yhtään",
    ]
    assert len(summaries(h)) == 2, "once per session"
