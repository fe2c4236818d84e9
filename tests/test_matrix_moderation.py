"""Over Matrix, end to end against a real Synapse: room mode redacts what breaks the rules and
tells the author privately; a crisis reaches the moderators' room, and a moderator's reaction
(or a written number, or `!ack N`) acknowledges it and stops the alerts; an encrypted room is
told plainly that the bot cannot read it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.room_rights import MISSING_RIGHTS, RoomRights
from bot.transports.matrix import ENCRYPTED_ROOM
from groups.planning import NewGroup, create_group
from groups.staff import PlatformRef, StaffRole, add_staff, bind_rooms
from storage.models import GroupMode, ReviewStatus, RoomPurpose
from tests.joining import joinable_group
from tests.matrix_server.harness import NAME, MatrixHarness
from tests.programmes import make_programme, weekly

HELSINKI = ZoneInfo("Europe/Helsinki")
CRISIS = "mä haluun kuolla tänä yönä, en jaksa enää"


async def _room_group(h: MatrixHarness, *, bot_power: int = 50) -> tuple[str, str]:
    """A room-mode group in a Matrix room, and its facilitators' room."""
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    room = await h.open_room("Sanna", ["Aino", "Bo"], bot_power=bot_power)
    staff = await h.open_room("Sanna", ["Olli"])
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
                RoomPurpose.ROOM: PlatformRef(NAME, room),
                RoomPurpose.FACILITATORS: PlatformRef(NAME, staff),
            },
        )
    return room, staff


async def test_a_phone_number_in_the_room_is_redacted_and_its_author_told_privately(
    matrix: MatrixHarness,
) -> None:
    h = matrix
    room, _staff = await _room_group(h)
    await h.open_dm("Aino")
    await h.says("Aino", "!start")
    hello = await h.say("Aino", "Hei kaikki, miten viikko meni?", room)
    said = await h.say("Aino", "Soittakaa mulle 040 123 4567", room)
    await h.settle()
    seen = {m.event_id: m for m in await h.room("Bo", room)}
    assert seen[said].redacted and not seen[hello].redacted
    told = (await h.texts("Aino"))[-1]
    assert told.startswith("Poistin viestisi ryhmästä Vanhempien piiri")
    assert "040 123 4567" not in told
    assert not [m for m in seen.values() if m.sender == h.bot.user_id], "nothing said in the room"


async def test_without_power_to_redact_the_facilitators_are_told_once(
    matrix: MatrixHarness,
) -> None:
    h = matrix
    room, staff = await _room_group(h, bot_power=0)
    rights = RoomRights(h.app.store, h.app.clock, h.app.catalogues)
    assert await rights.check_rooms(NAME, h.transport.can_remove_messages) == 1
    for _ in range(2):
        await h.say("Bo", "Soita 040 765 4321", room)
    await h.settle()
    assert not any(m.redacted for m in await h.room("Bo", room))
    told = h.app.catalogues.translator("fi").gettext(MISSING_RIGHTS)
    assert [m.body for m in await h.room("Sanna", staff)].count(told) == 1


@pytest.mark.parametrize("answer", ["reaction", "number", "command"])
async def test_a_crisis_reaches_the_moderators_room_and_an_answer_stops_the_alerts(
    matrix: MatrixHarness, answer: str
) -> None:
    h = matrix
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    await h.person("Sanna")
    moderators = await h.open_room("Mira", ["Sanna"])
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator=h.id("Sanna"), staff_room=False
    )
    async with h.app.store.transaction() as tx:
        g = await tx.groups.get(group.id)
        assert g is not None
        await add_staff(tx, PlatformRef(NAME, h.id("Mira")), StaffRole.MODERATOR, g, name="Mira")
        await bind_rooms(tx, g, {RoomPurpose.MODERATORS: PlatformRef(NAME, moderators)})
    names = {person: await h.join(person, group.code) for person in ("Aino", "Bo")}
    bo_before = len(await h.texts("Bo"))

    (help_now,) = await h.says("Aino", CRISIS)
    assert "112" in help_now and "09 2525 0111" in help_now
    assert not any(CRISIS in text for text in (await h.texts("Bo"))[bo_before:])
    [alert] = [m for m in await h.room("Mira", moderators) if m.sender == h.bot.user_id]
    assert names["Aino"] in alert.body and CRISIS in alert.body
    assert h.id("Aino") not in alert.body, "no Matrix id in the alert"
    assert alert.msgtype == "m.text" and "<ol>" in alert.content["formatted_body"]
    async with h.app.store.transaction() as tx:
        [item] = await tx.reviews.queue([group.id])
    assert alert.buttons()[0] == f"mq:a:{item.id}"

    if answer == "reaction":
        await h.react("Mira", alert.event_id, "✅", moderators)
    elif answer == "number":
        await h.say("Mira", "1", moderators)
    else:
        await h.say("Mira", f"!ack {item.id}", moderators)
    await h.settle()
    taken = (await h.room("Mira", moderators))[-1]
    assert f"#{item.id}" in taken.body and "Mira" in taken.body
    async with h.app.store.transaction() as tx:
        acknowledged = await tx.reviews.get(item.id)
    assert acknowledged is not None and acknowledged.status is ReviewStatus.ACKNOWLEDGED
    alerts_then = len(await h.room("Mira", moderators))
    h.clock.advance(timedelta(minutes=30))
    await h.app.scheduler.tick()
    await h.settle()
    assert len(await h.room("Mira", moderators)) == alerts_then, "no alert after acknowledging"


async def test_a_reaction_to_someone_elses_message_is_not_a_choice(matrix: MatrixHarness) -> None:
    h = matrix
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    await h.open_dm("Aino")
    said = await h.say("Aino", "hei")
    await h.settle()
    before = await h.texts("Aino")
    await h.react("Aino", said, "✅", handled=False)
    await h.say("Aino", "!help")
    await h.settle()
    assert len(await h.texts("Aino")) == len(before) + 1, "only the help answered"


async def test_an_encrypted_room_is_told_the_bot_cannot_read_it(matrix: MatrixHarness) -> None:
    h = matrix
    room = await h.open_room("Aino", ["Bo"], encrypted=True)
    said: list[str] = []
    for _ in range(100):
        said = [m.body for m in await h.room("Aino", room) if m.sender == h.bot.user_id]
        if said:
            break
        await asyncio.sleep(0.1)
    [notice] = said
    for language in ("fi", "sv", "en"):
        assert h.app.catalogues.translator(language).gettext(ENCRYPTED_ROOM) in notice
