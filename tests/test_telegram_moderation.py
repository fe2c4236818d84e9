"""Over Telegram, end to end: room mode removes what breaks the rules and tells the author
privately; a crisis reaches the moderators' group, and a moderator's tap stops the alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.room_mutes import RoomMutes
from bot.room_rights import MISSING_RIGHTS, RoomRights
from groups.planning import NewGroup, create_group
from groups.staff import PlatformRef, StaffRole, add_staff, bind_rooms
from storage.models import GroupMode, ReviewStatus, RoomPurpose
from tests.joining import joinable_group
from tests.programmes import make_programme, weekly
from tests.telegram_api.harness import NAME, TelegramHarness
from tests.telegram_api.world import CannotPost, Chat

HELSINKI = ZoneInfo("Europe/Helsinki")
CRISIS = "mä haluun kuolla tänä yönä, en jaksa enää"


async def _room_group(
    h: TelegramHarness, *, bot_can_delete: bool = True, bot_can_restrict: bool = True
) -> tuple[Chat, Chat]:
    """A room-mode group in a Telegram supergroup, and its facilitators' group."""
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    room = h.world.group(
        "Vanhempien piiri", bot_can_delete=bot_can_delete, bot_can_restrict=bot_can_restrict
    )
    staff = h.world.group("Ohjaajat")
    async with h.app.store.transaction() as tx:
        group = await create_group(
            tx,
            NewGroup(
                name="Vanhempien piiri",
                programme=make_programme(),
                series=weekly(date(2027, 1, 12)),
                mode=GroupMode.ROOM,
            ),
            now=h.clock.now(),
            actor_person_id=None,
            via="test",
        )
        await add_staff(tx, PlatformRef(NAME, h.id("Sanna")), StaffRole.FACILITATOR, group)
        await bind_rooms(
            tx,
            group,
            {
                RoomPurpose.ROOM: PlatformRef(NAME, str(room.id)),
                RoomPurpose.FACILITATORS: PlatformRef(NAME, str(staff.id)),
            },
        )
    return room, staff


async def test_a_phone_number_in_the_room_is_deleted_and_its_author_told_privately(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    room, _staff = await _room_group(h)
    await h.says("Aino", "/start")  # Aino has a private chat with the bot
    hello = h.world.say("Aino", "Hei kaikki, miten viikko meni?", chat=room)
    said = h.world.say("Aino", "Soittakaa mulle 040 123 4567", chat=room)
    await h.settle()
    assert said.deleted and not hello.deleted
    assert h.world.texts("Aino")[-1].startswith("Poistin viestisi ryhmästä Vanhempien piiri")
    assert "040 123 4567" not in h.world.texts("Aino")[-1]
    assert [m for m in h.world.room(room) if m.by_bot] == [], "nothing said in the room"


async def test_without_delete_rights_the_facilitators_are_told_once(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    room, staff = await _room_group(h, bot_can_delete=False)
    photos = [h.world.say("Bo", None, chat=room, media="photo") for _ in range(2)]
    await h.settle()
    assert not any(photo.deleted for photo in photos)
    told = h.app.catalogues.translator("fi").gettext(MISSING_RIGHTS)
    assert [m.text for m in h.world.room(staff)].count(told) == 1
    attempts = h.server.sent("deleteMessage")
    assert len(attempts) == 2, "each refused deletion is tried once, never retried"


async def test_at_start_a_room_without_delete_rights_is_reported_once(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    room, staff = await _room_group(h, bot_can_delete=False)
    rights = RoomRights(h.app.store, h.app.clock, h.app.catalogues)
    assert await rights.check_rooms(NAME, h.transport.can_remove_messages) == 1
    assert await rights.check_rooms(NAME, h.transport.can_remove_messages) == 1
    await h.settle()
    told = h.app.catalogues.translator("fi").gettext(MISSING_RIGHTS)
    assert [m.text for m in h.world.room(staff)].count(told) == 1, "told once, not each start"
    room.bot_can_delete = True  # someone made the bot an admin
    assert await rights.check_rooms(NAME, h.transport.can_remove_messages) == 0


async def test_a_crisis_reaches_the_moderators_group_and_a_tap_stops_the_alerts(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    moderators = h.world.group("Moderaattorit")
    group = await joinable_group(h.app, h.platform, date(2027, 1, 12), facilitator=h.id("Sanna"))
    async with h.app.store.transaction() as tx:
        g = await tx.groups.get(group.id)
        assert g is not None
        await add_staff(tx, PlatformRef(NAME, h.id("Mira")), StaffRole.MODERATOR, g, name="Mira")
        await tx.persons.identify(NAME, h.id("Mira"), dm_chat=h.id("Mira"))
        await bind_rooms(tx, g, {RoomPurpose.MODERATORS: PlatformRef(NAME, str(moderators.id))})
    names = {person: await h.join(person, group.code) for person in ("Aino", "Bo")}
    bo_before = len(h.world.texts("Bo"))

    (help_now,) = await h.says("Aino", CRISIS)
    assert "112" in help_now and "09 2525 0111" in help_now
    assert not any(CRISIS in text for text in h.world.texts("Bo")[bo_before:])
    [alert] = [m for m in h.world.room(moderators) if m.by_bot]
    text = alert.text or ""
    assert names["Aino"] in text and CRISIS in text
    assert h.id("Aino") not in text, "no Telegram id in the alert"
    async with h.app.store.transaction() as tx:
        [item] = await tx.reviews.queue([group.id])
    assert f"mq:a:{item.id}" in alert.button_data()

    h.world.press("Mira", alert, f"mq:a:{item.id}")
    await h.settle()
    taken = h.world.room(moderators)[-1]
    assert f"#{item.id}" in (taken.text or "") and "Mira" in (taken.text or "")
    async with h.app.store.transaction() as tx:
        acknowledged = await tx.reviews.get(item.id)
    assert acknowledged is not None and acknowledged.status is ReviewStatus.ACKNOWLEDGED
    alerts_then = len(h.world.room(moderators))
    h.clock.advance(timedelta(minutes=30))
    await h.app.scheduler.tick()
    await h.settle()
    assert len(h.world.room(moderators)) == alerts_then, "no alert after the acknowledgement"
    assert h.world.answered, "the moderator's tap was answered"


async def _mute_after_a_phone_number(h: TelegramHarness, room: Chat, length: str) -> list[str]:
    """Aino posts a phone number in the room; the facilitator mutes her from the queue."""
    await h.says("Aino", "/start")
    h.world.say("Aino", "Soittakaa mulle 040 123 4567", chat=room)
    await h.settle()
    async with h.app.store.transaction() as tx:
        [group] = await tx.groups.list_all()
        [item] = await tx.reviews.queue([group.id])
    return await h.says("Sanna", f"/hiljenna {item.id} {length}")


async def test_a_mute_in_room_mode_stops_the_member_posting_until_it_ends(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    room, _staff = await _room_group(h)
    (done,) = await _mute_after_a_phone_number(h, room, "30m")
    assert (
        done.startswith(
            h.app.catalogues.translator("fi")
            .gettext("{name} is muted until {until}.")
            .split("{")[0]
        )
        or "{" in done
    )
    with pytest.raises(CannotPost):
        h.world.say("Aino", "Miksi en voi kirjoittaa?", chat=room)
    [restricted] = h.server.sent("restrictChatMember")
    assert restricted["permissions"]["can_send_messages"] is False
    assert restricted["until_date"] == int((h.clock.now() + timedelta(minutes=30)).timestamp())
    h.clock.advance(timedelta(minutes=20))
    await h.settle()
    with pytest.raises(CannotPost):
        h.world.say("Aino", "Vieläkö?", chat=room)
    h.clock.advance(timedelta(minutes=11))
    await h.settle()
    back = h.world.say("Aino", "Anteeksi äskeinen", chat=room)
    await h.settle()
    assert not back.deleted, "she can post again once the mute is over"
    assert len(h.server.sent("restrictChatMember")) == 2, "restricted once, let go once"
    async with h.app.store.transaction() as tx:
        [group] = await tx.groups.list_all()
        assert all(m.muted_until is None for m in await tx.memberships.for_group(group.id))


async def test_without_the_right_to_restrict_the_facilitators_are_told_once(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    room, staff = await _room_group(h, bot_can_restrict=False)
    await _mute_after_a_phone_number(h, room, "2h")
    await h.settle()
    await h.app.scheduler.tick()
    await h.settle()
    told = [m.text or "" for m in h.world.room(staff) if "rajoittaa" in (m.text or "")]
    assert len(told) == 1, [m.text for m in h.world.room(staff)]
    assert len(h.server.sent("restrictChatMember")) == 1, "a refusal is not retried"


async def test_a_mute_that_ended_in_a_relay_group_does_not_wake_the_timer(
    telegram: TelegramHarness,
) -> None:
    """Relay mutes are never restricted or cleared here: an ended one must not count as due,
    or the scheduler would wake again at once, for ever."""
    h = telegram
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator=h.id("Sanna"), staff_room=False
    )
    await h.join("Aino", group.code)
    async with h.app.store.transaction() as tx:
        [member] = [m for m in await tx.memberships.for_group(group.id) if m.pseudonym != "Sanna"]
        await tx.memberships.mute(member, h.clock.now() - timedelta(minutes=1))
    mutes = RoomMutes(h.app.store, h.clock, h.transport, h.app.catalogues)
    assert await mutes.next_due_at() is None
    await mutes.run()
    assert h.server.sent("restrictChatMember") == []


async def test_a_mute_lifted_early_lets_the_member_post_again_at_once(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    room, _staff = await _room_group(h)
    await _mute_after_a_phone_number(h, room, "3d")
    with pytest.raises(CannotPost):
        h.world.say("Aino", "Haloo?", chat=room)
    async with h.app.store.transaction() as tx:
        [group] = await tx.groups.list_all()
        for member in await tx.memberships.for_group(group.id):
            if member.muted_until is not None:
                await tx.memberships.mute(member, None)
    await h.app.scheduler.tick()
    await h.settle()
    assert not h.world.say("Aino", "Kiitos", chat=room).deleted
