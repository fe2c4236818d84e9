"""A young person in crisis writes to the group: they get help at once, the group does not see
it, the moderators are alerted with context and one-tap actions, and an alert nobody
acknowledges is raised again at the configured minute, to the backup contacts too."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dashboard.accounts import inbox_chat, make_account
from groups.staff import DASHBOARD, PlatformRef, StaffRole, add_staff, bind_rooms
from storage.models import MessageState, ReviewStatus, RoomPurpose
from tests.harness import Harness
from tests.joining import STAFF_ROOM, join, joinable_group

HELSINKI = ZoneInfo("Europe/Helsinki")
MODERATORS_ROOM = "room:moderators"
CRISIS = "mä haluun kuolla tänä yönä, en jaksa enää"


async def crisis_group(h: Harness) -> tuple[int, dict[str, str]]:
    """A group with a moderator, a moderators' room, an admin on call, and two members."""
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    async with h.app.store.transaction() as tx:
        g = await tx.groups.get(group.id)
        assert g is not None
        await add_staff(
            tx, PlatformRef("memory", "moderaattori"), StaffRole.MODERATOR, g, name="Mira"
        )
        await tx.persons.identify("memory", "moderaattori", dm_chat="dm:moderaattori")
        await bind_rooms(tx, g, {RoomPurpose.MODERATORS: PlatformRef("memory", MODERATORS_ROOM)})
        admin = await tx.persons.identify("memory", "paivystaja", dm_chat="dm:paivystaja")
        await tx.persons.set_admin(admin, True)
    names = {p: await join(h, p, group.code) for p in ("aino", "bo")}
    return group.id, names


def room(h: Harness) -> list[str]:
    return [m.text for m in h.transport.received.get(MODERATORS_ROOM, [])]


async def test_a_crisis_reaches_the_moderators_and_escalates_until_acknowledged(
    harness: Harness,
) -> None:
    h = harness
    group_id, names = await crisis_group(h)
    before = len(h.transport.texts("bo"))
    h.transport.say("bo", "Moi kaikki, tänään oli raskas päivä")
    await h.settle()

    answer = await h.says("aino", CRISIS)

    # The author: help at once, warm, with the configured numbers; the message kept back.
    (help_now,) = answer
    assert "112" in help_now and "09 2525 0111" in help_now
    assert "moderaattori" in help_now.casefold() or "moderator" in help_now.casefold()
    # The group: nothing of it.
    assert not any(CRISIS in text for text in h.transport.texts("bo")[before:])
    # The moderators' room: the alert, with the pseudonym, the message, what came before it,
    # and one-tap actions.
    [alert] = [m for m in h.transport.received[MODERATORS_ROOM]]
    assert ("Kriisi" in alert.text or "Crisis" in alert.text) and "Iltapiiri" in alert.text
    assert names["aino"] in alert.text and CRISIS in alert.text
    assert f"{names['bo']}: Moi kaikki, tänään oli raskas päivä" in alert.text
    assert "aino" not in alert.text.replace(names["aino"], ""), "no platform id in the alert"
    async with h.app.store.transaction() as tx:
        [item] = await tx.reviews.queue([group_id])
    assert item.category == "crisis" and item.severity == "high"
    buttons = alert.button_data()
    assert {f"mq:a:{item.id}", f"mq:r:{item.id}", f"mq:x:{item.id}"} <= set(buttons)

    # Nobody acknowledges: nothing more before the fifth minute ...
    h.clock.advance(timedelta(minutes=4, seconds=59))
    await h.app.scheduler.tick()
    await h.settle()
    assert len(room(h)) == 1
    assert h.transport.texts("paivystaja") == []
    # ... and at the fifth minute the alert is raised again, to the admin on call too.
    h.clock.advance(timedelta(seconds=1))
    await h.app.scheduler.tick()
    await h.settle()
    assert len(room(h)) == 2 and "2" in room(h)[-1].splitlines()[1]
    [backup] = h.transport.texts("paivystaja")
    assert CRISIS in backup

    # The moderator acknowledges with one tap in the room: escalation stops.
    h.transport.press("moderaattori", f"mq:a:{item.id}", room_id=MODERATORS_ROOM)
    await h.settle()
    assert f"#{item.id}" in room(h)[-1] and "Mira" in room(h)[-1], "the room sees who has it"
    async with h.app.store.transaction() as tx:
        taken = await tx.reviews.get(item.id)
        assert taken is not None and taken.status is ReviewStatus.ACKNOWLEDGED
        assert taken.escalate_at is None
    h.clock.advance(timedelta(minutes=30))
    await h.app.scheduler.tick()
    await h.settle()
    assert len(room(h)) == 3, "no alert after the acknowledgement"
    # The admin on call, who had the alert too, is told who has it: no one starts on it twice.
    [_alert, note] = h.transport.inbox("paivystaja")
    assert note.text == f"✓ Mira (moderaattori) kuittasi hälytyksen #{item.id}." and note.notice

    # And releases it to the group after talking with the author.
    h.transport.press("moderaattori", f"mq:r:{item.id}", room_id=MODERATORS_ROOM)
    await h.settle()
    assert h.transport.texts("bo")[-1] == f"{names['aino']}: {CRISIS}"
    assert (
        h.transport.texts("paivystaja")[-1]
        == f"✓ Mira (moderaattori) päästi viestin #{item.id} ryhmään."
    )
    assert not any(text.startswith("✓") for text in room(h)), "the room saw it done"
    async with h.app.store.transaction() as tx:
        closed = await tx.reviews.get(item.id)
        assert closed is not None and closed.status is ReviewStatus.RESOLVED
        events = [e.action for e in await tx.audit.recent(group_id=group_id)]
    assert "review.acknowledge" in events and "review.release" in events


async def test_a_member_cannot_act_on_an_alert(harness: Harness) -> None:
    h = harness
    group_id, _names = await crisis_group(h)
    await h.says("aino", CRISIS)
    async with h.app.store.transaction() as tx:
        [item] = await tx.reviews.queue([group_id])
    (refused,) = await h.presses("bo", f"mq:r:{item.id}")
    assert refused  # refused kindly, and nothing done
    async with h.app.store.transaction() as tx:
        still = await tx.reviews.get(item.id)
        assert still is not None and still.status is ReviewStatus.OPEN
        message = await tx.messages.get(still.message_id or 0)
        assert message is not None and message.state is MessageState.HELD


async def test_a_report_lands_in_the_queue_without_the_reporter(harness: Harness) -> None:
    h = harness
    group_id, names = await crisis_group(h)
    h.transport.say("aino", "Mun mielestä koko tää ryhmä on ihan turha")
    await h.settle()
    copy = h.transport.inbox("bo")[-1]
    assert copy.text == f"{names['aino']}: Mun mielestä koko tää ryhmä on ihan turha"
    h.transport.say("bo", "/report", reply_to=copy.message_id)
    await h.settle()
    thanks = h.transport.texts("bo")[-1]
    h.transport.say("bo", "/report", reply_to=copy.message_id)
    await h.settle()
    assert h.transport.texts("bo")[-1] != thanks, "a second report from the same person merges"
    async with h.app.store.transaction() as tx:
        reports = [i for i in await tx.reviews.queue([group_id]) if i.category == "report"]
    [item] = reports
    assert item.reports == 1
    alerts = [t for t in room(h) if f"#{item.id}" in t]
    assert alerts and "bo" not in alerts[0].replace(names["aino"], "")
    assert names["bo"] not in alerts[0], "the reporter is never named"
    (_heading, *items) = await h.says("moderaattori", "/jono")
    assert any(f"#{item.id}" in line for line in items)


async def test_a_moderator_and_the_member_talk_privately(harness: Harness) -> None:
    h = harness
    group_id, names = await crisis_group(h)
    await h.says("aino", CRISIS)
    async with h.app.store.transaction() as tx:
        [item] = await tx.reviews.queue([group_id])
    bo_before = len(h.transport.texts("bo"))

    h.transport.press("moderaattori", f"mq:c:{item.id}", room_id=MODERATORS_ROOM)
    await h.settle()
    how_to = h.transport.texts("moderaattori")[-1]
    assert names["aino"] in how_to and f"{item.id}" in how_to

    await h.says("moderaattori", f"/msg {item.id} Hei, olen täällä. Miten voit nyt?")
    to_member = h.transport.inbox("aino")[-1]
    assert to_member.text.endswith("Hei, olen täällä. Miten voit nyt?")
    assert "Mira" not in to_member.text and "moderaattori" not in to_member.text.split(":")[-1]

    h.transport.say("aino", "Vähän paremmin kun joku vastas", reply_to=to_member.message_id)
    await h.settle()
    from_member = h.transport.inbox("moderaattori")[-1]
    assert from_member.text == f"{names['aino']} (#{item.id}): Vähän paremmin kun joku vastas"

    h.transport.say("moderaattori", "Hyvä. Soitetaanko?", reply_to=from_member.message_id)
    await h.settle()
    assert h.transport.texts("aino")[-1].endswith("Hyvä. Soitetaanko?")

    # Nothing of it reached the group.
    assert h.transport.texts("bo")[bo_before:] == []
    await h.says("moderaattori", f"/endcontact {item.id}")
    async with h.app.store.transaction() as tx:
        events = [e.action for e in await tx.audit.recent(group_id=group_id)]
    assert events.count("contact.open") == 1 and "contact.close" in events


async def test_a_moderator_who_never_answers_gets_three_more_alerts_then_the_queue_holds_it(
    harness: Harness,
) -> None:
    h = harness
    group_id, _names = await crisis_group(h)
    await h.says("aino", CRISIS)
    for _minute in range(6):
        h.clock.advance(timedelta(minutes=5))
        await h.app.scheduler.tick()
        await h.settle()
    assert len(room(h)) == 4, "the first alert and `escalations` = 3 more"
    assert len(h.transport.texts("paivystaja")) == 3
    async with h.app.store.transaction() as tx:
        [item] = await tx.reviews.queue([group_id])
    assert item.status is ReviewStatus.OPEN and item.escalation_level == 3
    assert item.escalate_at is None
    (_heading, first, *_rest) = await h.says("moderaattori", "/jono")
    assert first.startswith(f"#{item.id}"), "the crisis is first in the queue"


async def test_escalation_survives_a_restart(harness: Harness) -> None:
    h = harness
    _group_id, _names = await crisis_group(h)
    await h.says("aino", CRISIS)
    await h.app.stop()
    h.clock.advance(timedelta(minutes=6))
    await h.app.start()
    await h.app.scheduler.tick()
    await h.settle()
    assert len(room(h)) == 2, "the store, not the process, remembers the alert is due"


async def test_a_muted_member_is_told_kindly_and_nothing_reaches_the_group(
    harness: Harness,
) -> None:
    h = harness
    group_id, names = await crisis_group(h)
    h.transport.say("aino", "Mun mielestä koko tää ryhmä on ihan turha")
    await h.settle()
    h.transport.say("bo", "/report", reply_to=h.transport.inbox("bo")[-1].message_id)
    await h.settle()
    async with h.app.store.transaction() as tx:
        [item] = await tx.reviews.queue([group_id])
    (done,) = await h.says("moderaattori", f"/hiljenna {item.id} 2h viestejä liian tiuhaan")
    assert names["aino"] in done
    told = h.transport.texts("aino")[-1]
    assert "Iltapiiri" in told and "moderaattori" in told.casefold()
    bo_before = len(h.transport.texts("bo"))
    (note,) = await h.says("aino", "Onko täällä ketään?")
    assert "moderaattori" in note.casefold()
    assert h.transport.texts("bo")[bo_before:] == []
    h.clock.advance(timedelta(hours=2, minutes=1))
    await h.says("aino", "Anteeksi äskeinen")
    assert h.transport.texts("bo")[-1] == f"{names['aino']}: Anteeksi äskeinen"
    async with h.app.store.transaction() as tx:
        [event] = [e for e in await tx.audit.recent(group_id=group_id) if e.action == "member.mute"]
    assert event.reason == "viestejä liian tiuhaan" and event.actor_person_id is not None


async def test_revealing_an_identity_takes_a_moderator_and_a_reason_and_is_audited(
    harness: Harness,
) -> None:
    h = harness
    group_id, _names = await crisis_group(h)
    await h.says("aino", CRISIS)
    async with h.app.store.transaction() as tx:
        [item] = await tx.reviews.queue([group_id])
    (refused,) = await h.says("ohjaaja", f"/paljasta {item.id} huoli turvallisuudesta")
    assert "aino" not in refused, "a facilitator may not reveal"
    (no_reason,) = await h.says("moderaattori", f"/paljasta {item.id}")
    assert "aino" not in no_reason
    (shown,) = await h.says("moderaattori", f"/paljasta {item.id} hätätilanne, soitetaan 112")
    assert "aino" in shown and "memory" in shown
    async with h.app.store.transaction() as tx:
        reveals = [
            e for e in await tx.audit.recent(group_id=group_id) if e.action == "identity.reveal"
        ]
    [event] = reveals
    assert event.reason == "hätätilanne, soitetaan 112"
    assert "aino" not in str(event.details), "the audit log says who looked, not what they saw"


async def test_a_crisis_in_a_room_alerts_the_moderators_and_helps_the_author_privately(
    harness: Harness,
) -> None:
    from tests.test_room_mode import ROOM, _room_group

    h = harness
    group_id = await _room_group(h)
    async with h.app.store.transaction() as tx:
        group = await tx.groups.get(group_id)
        assert group is not None
        await bind_rooms(
            tx, group, {RoomPurpose.MODERATORS: PlatformRef("memory", MODERATORS_ROOM)}
        )
    await h.says("aino", "/start")
    h.transport.say_in_room("aino", ROOM, "en jaksa enää, haluun vaan kuolla")
    await h.settle()
    assert "112" in h.transport.texts("aino")[-1]
    [alert] = room(h)
    assert "en jaksa enää, haluun vaan kuolla" in alert
    assert h.transport.received[ROOM][-1].deleted, "held: taken out of the room"


async def test_a_held_threat_is_told_to_the_moderators_once_without_escalation(
    harness: Harness,
) -> None:
    h = harness
    group_id, names = await crisis_group(h)
    bo_before = len(h.transport.texts("bo"))
    (waits,) = await h.says("aino", "tapan sut jos nään sut koulussa")
    assert "moderaattori" in waits.casefold()
    assert h.transport.texts("bo")[bo_before:] == []
    [alert] = room(h)
    assert alert.startswith("⚑") and names["aino"] in alert
    h.clock.advance(timedelta(hours=2))
    await h.app.scheduler.tick()
    await h.settle()
    assert len(room(h)) == 1 and h.transport.texts("paivystaja") == []
    async with h.app.store.transaction() as tx:
        [item] = await tx.reviews.queue([group_id])
    assert item.category == "harassment" and item.action == "hold"


async def test_an_edit_that_shows_a_crisis_gets_the_same_help_and_alert(harness: Harness) -> None:
    h = harness
    _group_id, names = await crisis_group(h)
    said = h.transport.say("aino", "Moi, mitä kuuluu?")
    await h.settle()
    h.transport.edit_own("aino", said.message_id or "", CRISIS)
    await h.settle()
    assert "112" in h.transport.texts("aino")[-1]
    assert h.transport.texts("bo")[-1] == f"{names['aino']}: Moi, mitä kuuluu?"
    assert any(CRISIS in text for text in room(h))


async def test_a_new_members_link_waits_a_day_and_staff_share_links_at_once(
    harness: Harness,
) -> None:
    h = harness
    _group_id, names = await crisis_group(h)
    (told, *_rest) = await h.says("aino", "katsokaa tää https://esimerkki.example.com/video")
    assert "linkki" in told.casefold()
    assert not any("esimerkki" in t for t in h.transport.texts("bo"))
    h.transport.say("ohjaaja", "Lisää apua: https://mieli.fi/")
    await h.settle()
    assert h.transport.texts("bo")[-1].endswith("Lisää apua: https://mieli.fi/")
    h.clock.advance(timedelta(hours=25))
    await h.says("aino", "katsokaa tää https://esimerkki.example.com/video")
    assert (
        h.transport.texts("bo")[-1]
        == f"{names['aino']}: katsokaa tää https://esimerkki.example.com/video"
    )


async def test_a_dashboard_moderator_gets_the_alert_without_taking_it_from_a_chat_room(
    harness: Harness,
) -> None:
    """A dashboard inbox is read only while the page is open: the facilitators' room on the
    platform still gets the alert when the only moderator is a dashboard account."""
    h = harness
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    async with h.app.store.transaction() as tx:
        g = await tx.groups.get(group.id)
        assert g is not None
        anna = await make_account(tx, "anna")
        await add_staff(tx, PlatformRef(DASHBOARD, "anna"), StaffRole.MODERATOR, g, name="Anna")
    await join(h, "aino", group.code)

    await h.says("aino", CRISIS)

    facilitators = [m.text for m in h.transport.received.get(STAFF_ROOM, [])]
    assert any(CRISIS in text for text in facilitators), "the platform room still hears it"
    async with h.app.store.transaction() as tx:
        waiting = await tx.outbox.pending_for(DASHBOARD, inbox_chat(anna))
    assert any(CRISIS in (row.text or "") for row in waiting), "and the dashboard inbox too"
