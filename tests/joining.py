"""Setting up a group people can join, and joining it the way a person does: by pressing the
buttons they were actually shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.app import App
from bot.transports.memory import MemoryTransport, Received
from groups.invites import create_invite
from groups.planning import NewGroup, create_group
from groups.staff import PlatformRef, StaffRole, add_staff, bind_rooms
from storage.models import RoomPurpose
from tests.harness import Harness
from tests.programmes import make_programme, weekly

STAFF_ROOM = "room:facilitators"


@dataclass(frozen=True, slots=True)
class OpenGroup:
    id: int
    code: str


async def joinable_group(
    app: App,
    transport: MemoryTransport,
    first: date,
    *,
    capacity: int | None = None,
    age: tuple[int | None, int | None] = (None, None),
    open_policy: str = "always",
    staff_room: bool = True,
) -> OpenGroup:
    """An enrolling nine-session group with a facilitator ("ohjaaja") and an invite code."""
    async with app.store.transaction() as tx:
        group = await create_group(
            tx,
            NewGroup(name="Iltapiiri", programme=make_programme(), series=weekly(first)),
            now=app.clock.now(),
            actor_person_id=None,
            via="test",
        )
        group.capacity = capacity
        group.age_min, group.age_max = age
        group.open_policy = open_policy
        await add_staff(
            tx, PlatformRef(transport.name, "ohjaaja"), StaffRole.FACILITATOR, group, name="Sanna"
        )
        staff = await tx.persons.find(transport.name, "ohjaaja")
        assert staff is not None
        await tx.persons.identify(
            transport.name, "ohjaaja", dm_chat=transport.dm("ohjaaja").chat_id
        )
        if staff_room:
            await bind_rooms(
                tx, group, {RoomPurpose.FACILITATORS: PlatformRef(transport.name, STAFF_ROOM)}
            )
        code, _invite = await create_invite(
            tx, group, max_uses=None, expires_at=None, actor_person_id=None, via="test"
        )
        return OpenGroup(group.id, code)


def last(transport: MemoryTransport, person: str) -> Received:
    return transport.inbox(person)[-1]


async def press_shown(
    h: Harness, person: str, data: str, transport: MemoryTransport | None = None
) -> list[str]:
    """Press a button, after checking the person's latest message offers it."""
    transport = transport or h.transport
    shown = last(transport, person).button_data()
    assert data in shown, f"{person} was shown {shown}, not {data}"
    before = len(transport.inbox(person))
    transport.press(person, data)
    await h.settle()
    return [m.text for m in transport.inbox(person)[before:]]


async def join(
    h: Harness,
    person: str,
    code: str,
    *,
    pick: int | str = 0,
    language: str = "fi",
    transport: MemoryTransport | None = None,
) -> str:
    """The whole join flow; returns the pseudonym the person ended up with."""
    transport = transport or h.transport
    transport.say(person, f"/start {code}")
    await h.settle()
    await press_shown(h, person, "j:ok", transport)
    if isinstance(pick, int):
        chosen = last(transport, person).buttons[pick][0].label
        await press_shown(h, person, f"j:n:{pick}", transport)
    else:
        chosen = pick
        transport.say(person, pick)
        await h.settle()
    await press_shown(h, person, f"j:l:{language}", transport)
    return chosen
