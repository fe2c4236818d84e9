"""After the programme: the facilitators keep the group as an open peer room or close it (from
the buttons under the final report, or a command; audited); members who offer to help are
invited to a new group as peer supporters; proposals become prompts of a coming session."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from groups.staff import PlatformRef, StaffRole, add_staff
from storage.models import AuditEvent, GroupStatus, Role
from tests.feedback_helpers import HELSINKI, at, joined_group, sessions
from tests.harness import Harness
from tests.joining import STAFF_ROOM, join, joinable_group, last, press_shown
from tests.programmes import make_programme


async def two_session_group(h: Harness) -> tuple[int, dict[str, str]]:
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(
        h.app, h.transport, date(2027, 1, 12), programme=make_programme(sessions=2)
    )
    names = {p: await join(h, p, group.code) for p in ("aino", "bo")}
    plan = await sessions(h, group.id)
    for session in plan:
        await at(h, session.starts_at)
        await at(h, session.ends_at + timedelta(hours=2, minutes=1))
    return group.id, names


async def audit(h: Harness, action: str) -> list[AuditEvent]:
    async with h.app.store.transaction() as tx:
        rows = await tx.session.execute(select(AuditEvent).where(AuditEvent.action == action))
        return list(rows.scalars())


async def test_the_facilitators_keep_the_group_open_as_a_peer_room_then_close_it(
    harness: Harness,
) -> None:
    h = harness
    group_id, names = await two_session_group(h)
    room = h.transport.received[STAFF_ROOM]
    final = next(m for m in room if m.attachment and m.attachment.name.endswith(".md"))
    assert "Ohjelma on päättynyt" in final.text or "ohjelma on päättynyt" in final.text
    assert final.attachment is not None and b"| 2 |" in final.attachment.data
    charts = next(m for m in room if m.attachment and m.attachment.name.endswith(".png"))
    assert charts.attachment is not None and charts.attachment.data[:4] == b"\x89PNG"
    choice = next(m for m in room if f"ap:open:{group_id}" in m.button_data())
    assert "/jatkossa" in choice.text
    bo_before = len(h.transport.inbox("bo"))
    await h.says("aino", "Onko täällä vielä joku?")
    assert len(h.transport.inbox("bo")) == bo_before, "a finished group relays nothing"

    h.transport.press("ohjaaja", f"ap:open:{group_id}", room_id=STAFF_ROOM)
    await h.settle()
    assert "vertaistilana" in h.transport.texts("aino")[-1]
    assert "jatkaa avoimena vertaistilana" in h.transport.received[STAFF_ROOM][-1].text
    assert await h.says("aino", "Moi vaan kaikille") == []
    assert h.transport.texts("bo")[-1] == f"{names['aino']}: Moi vaan kaikille"
    async with h.app.store.transaction() as tx:
        group = await tx.groups.get(group_id)
        assert group is not None and group.status is GroupStatus.FINISHED
        assert await tx.schedule.next_due_at() is None, "no more prompts"

    done = await h.says("ohjaaja", "/jatkossa sulje")
    assert "Iltapiiri on suljettu; jäsenille kerrottiin." in done
    assert "on nyt suljettu" in h.transport.texts("bo")[-1]
    bo_before = len(h.transport.inbox("bo"))
    await h.says("aino", "Entä nyt?")
    assert len(h.transport.inbox("bo")) == bo_before
    trail = await audit(h, "group.after_programme")
    assert [(e.details["choice"], e.details["via"]) for e in trail] == [
        ("open", "chat"),
        ("closed", "chat"),
    ]
    (refused,) = await h.presses("aino", f"ap:open:{group_id}")
    assert "ei ole enää käytössä" in refused


async def test_an_alumnus_joins_a_new_group_as_a_peer_supporter(harness: Harness) -> None:
    h = harness
    old_id, names = await two_session_group(h)
    asked = last(h.transport, "aino")
    assert "vertaistukijana" in asked.text
    await press_shown(h, "aino", asked.button_data()[0])
    await press_shown(h, "bo", last(h.transport, "bo").button_data()[0])
    new = await joinable_group(h.app, h.transport, date(2027, 3, 2), staff_room_id="room:uusi")
    async with h.app.store.transaction() as tx:
        group = await tx.groups.get(new.id)
        assert group is not None
        group.name = "Kevätpiiri"
        await add_staff(tx, PlatformRef("memory", "ohjaaja"), StaffRole.FACILITATOR, group)

    listed = await h.says("ohjaaja", "/vertaistukijat")
    assert listed[0].startswith("Nämä haluaisivat auttaa")
    offers = h.transport.inbox("ohjaaja")[-2:]
    assert [m.text for m in offers] == [
        f"{names['aino']} (Iltapiiri)",
        f"{names['bo']} (Iltapiiri)",
    ]
    assert [b.label for b in offers[0].buttons[0]] == ["Kutsu ryhmään Kevätpiiri"]

    for person, button in (
        ("aino", offers[0].button_data()[0]),
        ("bo", offers[1].button_data()[0]),
    ):
        (sent,) = await h.presses("ohjaaja", button)
        assert sent == f"Kutsu lähetetty: {names[person]}."
        invitation = last(h.transport, person)
        assert "Kevätpiiri" in invitation.text and names[person] in invitation.text
        await press_shown(h, person, invitation.button_data()[0])
    await press_shown(h, "aino", "j:ok")
    await press_shown(h, "aino", "j:n:0")
    await press_shown(h, "aino", "j:l:fi")
    await press_shown(h, "bo", "j:ok")
    await h.says("bo", names["bo"])  # chooses to keep the old pseudonym
    await press_shown(h, "bo", "j:l:fi")

    async with h.app.store.transaction() as tx:
        joined = {m.person_id: m for m in await tx.memberships.for_group(new.id)}
        aino = await tx.persons.find("memory", "aino")
        bo = await tx.persons.find("memory", "bo")
        assert aino is not None and bo is not None
        assert joined[aino.id].role is Role.PEER_SUPPORTER
        assert joined[aino.id].pseudonym != names["aino"]
        assert joined[bo.id].role is Role.PEER_SUPPORTER
        assert joined[bo.id].pseudonym == names["bo"]
    trail = await audit(h, "helper.invited")
    assert [e.group_id for e in trail] == [new.id, new.id]
    assert all(e.details["from_group"] == old_id for e in trail)


async def test_a_proposal_becomes_a_prompt_of_the_next_session(harness: Harness) -> None:
    h = harness
    group_id, names = await joined_group(h)
    plan = await sessions(h, group_id)
    topic = "Miten sanoa ei ystävällisesti?"
    (thanks,) = await h.says("bo", f"/ehdota {topic}")
    assert "ilman nimimerkkiäsi" in thanks
    notice = h.transport.received[STAFF_ROOM][-1].text
    assert topic in notice and names["bo"] not in notice

    listed = await h.says("ohjaaja", "/ehdotukset")
    assert listed[0] == "Ryhmän Iltapiiri jäsenten ehdotukset:"
    offer = last(h.transport, "ohjaaja")
    assert offer.text.endswith(topic) and names["bo"] not in offer.text
    add = offer.button_data()[0]
    (added,) = await h.presses("ohjaaja", add)
    assert added.startswith("Lisätty kertaan 1: se lähetetään tiistaina 12.1.2027 18.45")
    assert await h.says("ohjaaja", "/ehdotukset") == [
        "Ryhmässä Iltapiiri ei ole avoimia ehdotuksia."
    ]
    (again,) = await h.presses("ohjaaja", add)
    assert again == "Ehdotus ei ole enää avoinna."

    # Moving the session moves the proposal with it, halfway through.
    await h.says("ohjaaja", "/siirra 1 2027-01-13 18:00")
    moved = (await sessions(h, group_id))[0]
    assert moved.starts_at != plan[0].starts_at
    await at(h, moved.starts_at + timedelta(minutes=44))
    prompt = f"Jäsenen ehdottama aihe tälle kerralle: {topic}"
    assert prompt not in h.transport.texts("aino")
    await at(h, moved.starts_at + timedelta(minutes=45))
    for person in ("aino", "bo", "chris"):
        assert prompt in h.transport.texts(person)
    assert any(m.text == prompt for m in h.transport.received[STAFF_ROOM])
    trail = await audit(h, "proposal.added")
    assert [e.details["session"] for e in trail] == [1]


async def test_a_crisis_in_a_proposal_reaches_a_moderator_not_the_facilitators_list(
    harness: Harness,
) -> None:
    h = harness
    await joined_group(h, ("aino",))
    crisis = "mä haluun kuolla tänä yönä, en jaksa enää"
    answer = await h.says("aino", f"/ehdota {crisis}")
    assert "112" in answer[0]
    alert = h.transport.received[STAFF_ROOM][-1]
    assert alert.text.startswith("🚨") and crisis in alert.text
    assert await h.says("ohjaaja", "/ehdotukset") == [
        "Ryhmässä Iltapiiri ei ole avoimia ehdotuksia."
    ]
    (refused,) = await h.says("aino", "/ehdotukset")
    assert "ohjaajille" in refused
