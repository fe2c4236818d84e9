"""Issue 10 done: a nine-session group runs on the in-memory transport with a fake clock, with
scripted attendance, feedback and self-assessment answers. The end report's figures equal the
ones worked out by hand below; its charts are a valid PNG; a member absent twice gets exactly
one check-in; a proposal becomes a prompt of a later session; an alumnus joins a new group as
a peer supporter."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from groups.firing import ProgrammeCache
from groups.report_data import report_for_group
from storage.models import GroupStatus, PostStatus, Role, ScheduledPost
from tests.feedback_helpers import HELSINKI, sessions
from tests.harness import Harness
from tests.joining import STAFF_ROOM, join, joinable_group, last, press_shown
from tests.programmes import make_programme

A, B, C, D, E = "aino", "bo", "chris", "dani", "eero"
PEOPLE = (A, B, C, D, E)
# Who writes in each session (1–9): E misses 2 to 5 (one run of absences: one check-in) and
# 7; D misses 3, 5 and 7, never two in a row; C misses 5.
PRESENT = {
    1: (A, B, C, D, E),
    2: (A, B, C, D),
    3: (A, B, C),
    4: (A, B, C, D),
    5: (A, B),
    6: (A, B, C, D, E),
    7: (A, B, C),
    8: (A, B, C, D, E),
    9: (A, B, C, D, E),
}
# Feedback taps per session (only people present tap).
FEEDBACK = {
    1: {A: 5, B: 4, C: 3, D: 4, E: 4},
    2: {A: 4, B: 4},
    3: {A: 5, B: 3, C: 4},
    4: {A: 4, B: 5, C: 3},
    5: {A: 5, B: 4},
    6: {A: 3, B: 4, C: 5, D: 4},
    7: {A: 4, B: 4, C: 4},
    8: {A: 5, B: 5, C: 4, D: 2},
    9: {A: 5, B: 5, C: 4, D: 4, E: 5},
}
# Self-assessment (items wellbeing, belonging; scale 1–3; None skips) at 1 and 9.
BEFORE = {A: (1, 2), B: (2, 2), C: (1, 1), D: (2, None), E: (1, 1)}
AFTER = {A: (3, 3), B: (2, 3), C: (3, None), D: (3, 3), E: (2, None)}
TOPIC = "Miten pitää puoliaan ystävällisesti?"
PHONE = "soita mulle 040 123 4567"


async def walk_to(h: Harness, moment: datetime) -> None:
    """Every prompt due before `moment` at its own minute, then `moment`."""
    async with h.app.store.transaction() as tx:
        due = await tx.session.execute(
            select(ScheduledPost.due_at)
            .where(ScheduledPost.status == PostStatus.PENDING, ScheduledPost.due_at <= moment)
            .distinct()
        )
        moments = sorted(m for m in due.scalars() if m > h.clock.now())
    for step in [*moments, moment]:
        h.clock.set(max(step, h.clock.now()))
        await h.settle()


async def answer_questionnaire(h: Harness, session_id: int, answers: dict[str, tuple]) -> None:
    for person, values in answers.items():
        for index, value in enumerate(values):
            choice = "s" if value is None else str(value)
            await h.presses(person, f"sa:{session_id}:{index}:{choice}")


def check_ins(h: Harness, person: str) -> list[str]:
    return [m.text for m in h.transport.inbox(person) if "Emme ole nähneet sinua" in m.text]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_whole_programme_with_its_report_check_ins_proposal_and_alumnus(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    opened = await joinable_group(
        h.app, h.transport, date(2027, 1, 12), programme=make_programme(questionnaire=True)
    )
    names = {person: await join(h, person, opened.code) for person in PEOPLE}
    plan = await sessions(h, opened.id)

    for session in plan:
        number = session.number
        await walk_to(h, session.starts_at + timedelta(minutes=1))
        if number == 1:
            await answer_questionnaire(h, session.id, BEFORE)
        for person in PRESENT[number]:
            h.transport.say(person, PHONE if (number, person) == (4, A) else f"{person} täällä")
        await h.settle()
        await walk_to(h, session.ends_at)
        for person, value in FEEDBACK[number].items():
            await h.presses(person, f"fb:{session.id}:{value}")
        if number == 1:
            await h.says(A, "Hyvä alku")
        if number == 9:
            await answer_questionnaire(h, session.id, AFTER)
        await walk_to(h, session.ends_at + timedelta(hours=2, minutes=1))
        if number == 2:  # between sessions 2 and 3: a proposal, added to session 3
            await h.says(B, f"/ehdota {TOPIC}")
            await h.says("ohjaaja", "/ehdotukset")
            await press_shown(h, "ohjaaja", last(h.transport, "ohjaaja").button_data()[0])

    # Exactly one check-in, to the member absent twice (and a third time) in a row.
    assert [len(check_ins(h, p)) for p in PEOPLE] == [0, 0, 0, 0, 1]
    # The proposal reached everyone in session 3, without its proposer's name.
    prompt = f"Jäsenen ehdottama aihe tälle kerralle: {TOPIC}"
    assert all(prompt in h.transport.texts(p) for p in PEOPLE)

    async with h.app.store.transaction() as tx:
        group = await tx.groups.get(opened.id)
        assert group is not None and group.status is GroupStatus.FINISHED
        report = await report_for_group(tx, opened.id, ProgrammeCache(), h.clock.now())
    assert report is not None

    # By hand: attendance is who wrote or tapped; five members throughout.
    assert (
        [round(s.present.value or 0) for s in report.sessions]
        == [len(PRESENT[n]) for n in range(1, 10)]
        == [5, 4, 3, 4, 2, 5, 3, 5, 5]
    )
    assert [s.members for s in report.sessions] == [5] * 9
    # Feedback: averages where three or more answered, "too few answers" where two did.
    expected = [20 / 5, None, 12 / 3, 12 / 3, None, 16 / 4, 12 / 3, 16 / 4, 23 / 5]
    for row, average in zip(report.sessions, expected, strict=True):
        assert row.feedback.value == (pytest.approx(average) if average is not None else None)
    assert [s.feedback.n for s in report.sessions] == [5, 2, 3, 3, 2, 4, 3, 4, 5]
    every = [v for answers in FEEDBACK.values() for v in answers.values()]
    assert (sum(every), len(every)) == (128, 31)
    assert report.feedback.value == pytest.approx(128 / 31)
    assert report.feedback.n == 5, "five people answered"
    # Before/after, paired only: wellbeing all five (1,2,1,2,1 → 3,2,3,3,2); belonging only
    # A and B (2 → 3 each; C skipped after, D before, E after), so suppressed.
    wellbeing, belonging = report.items
    assert wellbeing.change.n == 5
    assert wellbeing.before.value == pytest.approx(7 / 5)
    assert wellbeing.after.value == pytest.approx(13 / 5)
    assert wellbeing.change.value == pytest.approx(6 / 5)
    assert belonging.change.n == 2
    assert (belonging.before.value, belonging.after.value, belonging.change.value) == (None,) * 3
    # Moderation: the phone number in session 4 (a number, and asking to be called).
    assert dict(report.flags) == {"contact_exchange": 1, "personal_info": 1}
    assert dict(report.sessions[3].flags) == {"contact_exchange": 1, "personal_info": 1}
    assert [r.value for r in report.retention] == [5] * 9
    assert report.sessions[0].comments == ("Hyvä alku",)

    # The facilitators got a summary after every session and the full report with its charts.
    room = h.transport.received[STAFF_ROOM]
    assert sum(m.text.startswith("Ryhmän Iltapiiri tapaaminen") for m in room) == 9
    second = next(m.text for m in room if "Ryhmän Iltapiiri tapaaminen 2 on" in m.text)
    assert "Palaute: liian vähän vastauksia (2 vastausta)" in second
    document = next(
        m.attachment for m in room if m.attachment and m.attachment.name.endswith(".md")
    )
    assert document is not None
    text = document.data.decode()
    assert "| Voin hyvin. | 1,4 | 2,6 | +1,2 | 5 |" in text
    assert "| Kuulun joukkoon. | liian vähän vastauksia | liian vähän vastauksia |" in text
    assert (
        "| 2 | tiistaina 19.1.2027 | 4 / 5 | 80 % | liian vähän vastauksia (2) | ei yhtään |"
        in text
    )
    assert not any(name in text for name in names.values())
    charts = next(m.attachment for m in room if m.attachment and m.attachment.name.endswith(".png"))
    assert charts is not None
    with Image.open(io.BytesIO(charts.data)) as image:
        assert image.format == "PNG" and image.height > image.width >= 800
    (tmp_path / "report.png").write_bytes(charts.data)
    (tmp_path / "report.md").write_text(text)

    # The alumnus: A offers to help, and joins a new group as a peer supporter.
    asked = next(
        m for m in h.transport.inbox(A) if any(d.startswith("hv:") for d in m.button_data())
    )
    h.transport.press(A, asked.button_data()[0])
    await h.settle()
    new = await joinable_group(h.app, h.transport, date(2027, 4, 6), staff_room_id="room:uusi")
    async with h.app.store.transaction() as tx:
        group = await tx.groups.get(new.id)
        assert group is not None
        group.name = "Kevätpiiri"
    await h.says("ohjaaja", "/vertaistukijat")
    offer = last(h.transport, "ohjaaja")
    assert offer.text == f"{names[A]} (Iltapiiri)"
    await h.presses("ohjaaja", offer.button_data()[0])
    await press_shown(h, A, last(h.transport, A).button_data()[0])
    await press_shown(h, A, "j:ok")
    await press_shown(h, A, "j:n:0")
    await press_shown(h, A, "j:l:fi")
    async with h.app.store.transaction() as tx:
        alumnus = await tx.persons.find("memory", A)
        assert alumnus is not None
        membership = await tx.memberships.find(new.id, alumnus.id)
        assert membership is not None and membership.role is Role.PEER_SUPPORTER
        assert membership.pseudonym != names[A]
