"""Room mode: members write in one platform room; the bot records each message and removes
what the group does not allow, telling the author privately, and tells the facilitators once
if it lacks the rights to remove anything."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.room_rights import MISSING_RIGHTS
from groups.planning import NewGroup, create_group
from groups.staff import PlatformRef, StaffRole, add_staff, bind_rooms
from storage.models import GroupMode, Membership, Message, MessageState, RoomPurpose
from tests.harness import Harness
from tests.programmes import make_programme, weekly

ROOM = "room:-1001234567890"
STAFF_ROOM = "room:staff"


async def _room_group(h: Harness) -> int:
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
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
        await add_staff(tx, PlatformRef("memory", "ohjaaja"), StaffRole.FACILITATOR, group)
        await bind_rooms(
            tx,
            group,
            {
                RoomPurpose.ROOM: PlatformRef("memory", ROOM),
                RoomPurpose.FACILITATORS: PlatformRef("memory", STAFF_ROOM),
            },
        )
        return group.id


async def test_room_messages_are_recorded_and_a_file_is_removed_with_a_private_reason(
    harness: Harness,
) -> None:
    h = harness
    group_id = await _room_group(h)
    await h.says("aino", "/start")  # Aino has a private chat with the bot
    h.transport.say_in_room("aino", ROOM, "Hei kaikki, miten teidän viikko meni?")
    photo = h.transport.say_in_room("aino", ROOM, None, media="photo")
    await h.settle()
    room = {m.message_id: m for m in h.transport.received[ROOM]}
    assert room[photo.message_id or ""].deleted
    assert not any(m.deleted for m in room.values() if m.message_id != photo.message_id)
    assert "Vanhempien piiri" in h.transport.texts("aino")[-1]
    async with h.app.store.transaction() as tx:
        states = (await tx.session.execute(select(Message.state))).scalars().all()
        [member] = (
            await tx.session.execute(
                select(Membership).where(
                    Membership.group_id == group_id, Membership.role == "participant"
                )
            )
        ).scalars()
    assert sorted(states) == sorted([MessageState.ACCEPTED, MessageState.BLOCKED])
    assert member.pseudonym, "moderators see a pseudonym, never the account"


async def test_without_rights_the_facilitators_are_told_once(harness: Harness) -> None:
    h = harness
    await _room_group(h)
    h.transport.no_rights_in.add(ROOM)
    for _ in range(3):
        h.transport.say_in_room("bo", ROOM, None, media="voice")
    await h.settle()
    told = h.app.catalogues.translator("fi").gettext(MISSING_RIGHTS)
    assert [m.text for m in h.transport.received[STAFF_ROOM]].count(told) == 1
    # Bo never wrote to the bot privately: the room hears why, naming no one.
    notice = h.app.catalogues.translator("fi").gettext(
        "Only text can be shared in this group; a file was removed."
    )
    assert [m.text for m in h.transport.received[ROOM]].count(notice) == 3


async def test_a_phone_number_in_the_room_is_removed_and_not_kept(harness: Harness) -> None:
    h = harness
    await _room_group(h)
    await h.says("aino", "/start")
    said = h.transport.say_in_room("aino", ROOM, "Soittakaa mulle 040 123 4567")
    await h.settle()
    room = {m.message_id: m for m in h.transport.received[ROOM]}
    assert room[said.message_id or ""].deleted
    assert h.transport.texts("aino")[-1].startswith("Poistin viestisi ryhmästä Vanhempien piiri")
    async with h.app.store.transaction() as tx:
        [message] = (await tx.session.execute(select(Message))).scalars().all()
    assert message.state is MessageState.BLOCKED and message.text is None


async def test_an_edit_that_adds_a_phone_number_removes_the_message(harness: Harness) -> None:
    h = harness
    await _room_group(h)
    await h.says("aino", "/start")
    said = h.transport.say_in_room("aino", ROOM, "Moi kaikki")
    await h.settle()
    h.transport.edit_in_room("aino", ROOM, said.message_id or "", "Moi, soittakaa 040 123 4567")
    await h.settle()
    room = {m.message_id: m for m in h.transport.received[ROOM]}
    assert room[said.message_id or ""].deleted
    assert h.transport.texts("aino")[-1].startswith("Poistin viestisi ryhmästä")
    async with h.app.store.transaction() as tx:
        [message] = (await tx.session.execute(select(Message))).scalars().all()
    assert message.state is MessageState.BLOCKED and message.text is None
