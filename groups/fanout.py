"""Who a group's posts go to, and writing one text to each of them through the outbox.

Relay mode: every active member in their private chat, in their own language, and the
facilitators' room. Room mode: the group's shared room(s), in the group's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storage.models import (
    Group,
    GroupMode,
    Membership,
    Person,
    Priority,
    Role,
    RoomBinding,
    RoomPurpose,
)
from storage.repositories import NewSend
from storage.store import Transaction

STAFF_ROLES = (Role.FACILITATOR,)


@dataclass(frozen=True, slots=True)
class Recipient:
    """One place a post goes: a member's private chat, or a bound room."""

    membership_id: int | None
    room_binding_id: int | None
    transport: str
    chat_id: str
    language: str


async def recipients(tx: Transaction, group: Group) -> list[Recipient]:
    return (await recipients_of(tx, [group]))[group.id]


async def recipients_of(tx: Transaction, groups: list[Group]) -> dict[int, list[Recipient]]:
    """`recipients` for many groups with two queries in all."""
    ids = [group.id for group in groups]
    members = await tx.memberships.with_persons_in(ids)
    rooms = await tx.groups.bindings_in(ids)
    return {
        group.id: _recipients(tx, group, members[group.id], rooms[group.id]) for group in groups
    }


def _recipients(
    tx: Transaction,
    group: Group,
    members: list[tuple[Membership, Person]],
    rooms: list[RoomBinding],
) -> list[Recipient]:
    wanted = RoomPurpose.FACILITATORS if group.mode is GroupMode.RELAY else RoomPurpose.ROOM
    out = _in_private(tx, group, members) if group.mode is GroupMode.RELAY else []
    out += [_in_room(tx, group, binding) for binding in rooms if binding.purpose is wanted]
    return out


def reader_language(group: Group, membership: Membership, person: Person) -> str:
    """The person's own choice, else the one they made for this group, else the group's:
    the same order the dispatcher answers them in."""
    return person.language or membership.language or group.language


def _in_private(
    tx: Transaction, group: Group, members: list[tuple[Membership, Person]]
) -> list[Recipient]:
    """Members in their private chats; one who has none yet cannot be reached there."""
    out = []
    for membership, person in members:
        chat = tx.persons.dm_chat(person)
        if chat is not None:
            language = reader_language(group, membership, person)
            out.append(Recipient(membership.id, None, person.transport, chat, language))
    return out


def _in_room(tx: Transaction, group: Group, binding: RoomBinding) -> Recipient:
    return Recipient(
        None, binding.id, binding.transport, tx.groups.room_id(binding), group.language
    )


async def staff_recipients(tx: Transaction, group: Group) -> list[Recipient]:
    """The facilitators: their room where one is bound, else each in their private chat."""
    rooms = [
        _in_room(tx, group, binding)
        for binding in await tx.groups.bindings(group.id)
        if binding.purpose is RoomPurpose.FACILITATORS
    ]
    if rooms:
        return rooms
    staff = await tx.memberships.with_persons(group.id, roles=STAFF_ROLES)
    return _in_private(tx, group, staff)


async def send_each(
    tx: Transaction,
    targets: list[Recipient],
    text_for: Callable[[Recipient], str],
    *,
    priority: Priority,
    notice: bool = False,
) -> list[tuple[Recipient, int]]:
    """Queue one text per recipient; returns each recipient with its outbox row id."""
    sends = [
        NewSend(t.transport, t.chat_id, text_for(t), priority=priority, notice=notice)
        for t in targets
    ]
    return list(zip(targets, await tx.outbox.enqueue_many(sends), strict=True))
