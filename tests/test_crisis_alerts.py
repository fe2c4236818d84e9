"""A young person in crisis writes to the group: they get help at once, the group does not see
it, the moderators are alerted with context and one-tap actions, and an alert nobody
acknowledges is raised again at the configured minute, to the backup contacts too."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from groups.staff import PlatformRef, StaffRole, add_staff, bind_rooms
from storage.models import MessageState, ReviewStatus, RoomPurpose
from tests.harness import Harness
from tests.joining import join, joinable_group

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
    assert len(h.transport.texts("paivystaja")) == 1

    # And releases it to the group after talking with the author.
    h.transport.press("moderaattori", f"mq:r:{item.id}", room_id=MODERATORS_ROOM)
    await h.settle()
    assert h.transport.texts("bo")[-1] == f"{names['aino']}: {CRISIS}"
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
