"""Attendance and check-ins: a member counts as present when they wrote, pressed or answered in
the session's window; two missed sessions in a row bring one gentle private check-in, told to
nobody else and never twice for the same run of absences."""

from __future__ import annotations

from groups.settings import GroupRules, change_rules
from tests.feedback_helpers import hold_session, joined_group, sessions
from tests.harness import Harness
from tests.joining import STAFF_ROOM

CHECK_IN = "Emme ole nähneet sinua"


def check_ins(h: Harness, person: str) -> list[str]:
    return [m.text for m in h.transport.inbox(person) if CHECK_IN in m.text]


async def test_two_missed_sessions_bring_one_check_in_per_run_of_absences(
    harness: Harness,
) -> None:
    h = harness
    group_id, names = await joined_group(h)
    plan = await sessions(h, group_id)
    await hold_session(h, plan[0], ("aino", "bo", "chris"))
    await hold_session(h, plan[1], ("aino", "chris"))
    assert check_ins(h, "bo") == []
    await hold_session(h, plan[2], ("aino",), press=("chris",))

    (first,) = check_ins(h, "bo")
    assert first.startswith(f"Hei {names['bo']}!") and "Iltapiiri" in first
    assert "Seuraava tapaaminen on tiistaina 2.2.2027 18.00." in first
    for other in ("aino", "chris", "ohjaaja"):
        assert check_ins(h, other) == []
    assert not any(CHECK_IN in m.text for m in h.transport.received[STAFF_ROOM])

    await hold_session(h, plan[3], ("aino", "chris"))  # the same run goes on: nothing more
    assert len(check_ins(h, "bo")) == 1
    await hold_session(h, plan[4], ("aino",), press=("bo",))  # back, by a press
    await hold_session(h, plan[5], ("aino", "chris"))
    await hold_session(h, plan[6], ("aino", "chris"))
    assert len(check_ins(h, "bo")) == 2, "a new run of absences, a new check-in"
    assert check_ins(h, "chris") == [] and check_ins(h, "aino") == []

    async with h.app.store.transaction() as tx:
        present = await tx.followup.present(s.id for s in plan[:7])
        ids = {m.pseudonym: m.id for m in await tx.memberships.for_group(group_id) if m.pseudonym}
    by_session = [sorted(n for n, i in ids.items() if i in present[s.id]) for s in plan[:7]]
    aino, bo, chris = names["aino"], names["bo"], names["chris"]
    assert by_session == [
        sorted([aino, bo, chris]),
        sorted([aino, chris]),
        sorted([aino, chris]),
        sorted([aino, chris]),
        sorted([aino, bo]),
        sorted([aino, chris]),
        sorted([aino, chris]),
    ]


async def test_a_group_can_turn_check_ins_off(harness: Harness) -> None:
    h = harness
    group_id, _names = await joined_group(h, ("aino", "bo"))
    async with h.app.store.transaction() as tx:
        group = await tx.groups.get(group_id)
        assert group is not None and group.checkins
        await change_rules(tx, group, GroupRules(checkins=False), actor_person_id=None, via="test")
    plan = await sessions(h, group_id)
    for session in plan[:3]:
        await hold_session(h, session, ("aino",))
    assert check_ins(h, "bo") == []
