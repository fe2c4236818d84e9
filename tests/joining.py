"""Setting up a group people can join, and joining it the way a person does: by pressing the
buttons they were actually shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.app import App
from bot.ports import ChatRef
from bot.transports.memory import MemoryTransport, Received
from groups.invites import create_invite
from groups.planning import NewGroup, create_group
from groups.programme import Programme
from groups.staff import PlatformRef, StaffRole, add_staff, bind_rooms
from storage.models import RoomPurpose
from tests.harness import Harness
from tests.programmes import make_programme, weekly

STAFF_ROOM = "room:facilitators"


class Platform(Protocol):
    """What setting up a group needs from a platform: its name, and a person's private chat."""

    @property
    def name(self) -> str: ...

    def dm(self, user_id: str) -> ChatRef: ...


@dataclass(frozen=True, slots=True)
class OpenGroup:
    id: int
    code: str


async def joinable_group(
    app: App,
    transport: Platform,
    first: date,
    *,
    capacity: int | None = None,
    age: tuple[int | None, int | None] = (None, None),
    open_policy: str = "always",
    staff_room: bool = True,
    facilitator: str = "ohjaaja",
    staff_room_id: str = STAFF_ROOM,
    programme: Programme | None = None,
) -> OpenGroup:
    """An enrolling nine-session group with a facilitator (`facilitator`, the platform's id
    for them) and an invite code; with `staff_room`, the facilitators' room `staff_room_id`."""
    async with app.store.transaction() as tx:
        group = await create_group(
            tx,
            NewGroup(
                name="Iltapiiri", programme=programme or make_programme(), series=weekly(first)
            ),
            now=app.clock.now(),
            actor_person_id=None,
            via="test",
        )
        group.capacity = capacity
        group.age_min, group.age_max = age
        group.open_policy = open_policy
        await add_staff(
            tx, PlatformRef(transport.name, facilitator), StaffRole.FACILITATOR, group, name="Sanna"
        )
        staff = await tx.persons.find(transport.name, facilitator)
        assert staff is not None
        await tx.persons.identify(
            transport.name, facilitator, dm_chat=transport.dm(facilitator).chat_id
        )
        if staff_room:
            await bind_rooms(
                tx, group, {RoomPurpose.FACILITATORS: PlatformRef(transport.name, staff_room_id)}
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
