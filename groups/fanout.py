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
    out: list[Recipient] = []
    if group.mode is GroupMode.RELAY:
        for membership, person in members:
            chat = tx.persons.dm_chat(person)
            if chat is None:
                continue
            language = membership.language or person.language or group.language
            out.append(Recipient(membership.id, None, person.transport, chat, language))
        wanted = RoomPurpose.FACILITATORS
    else:
        wanted = RoomPurpose.ROOM
    for binding in rooms:
        if binding.purpose is wanted:
            chat = tx.groups.room_id(binding)
            out.append(Recipient(None, binding.id, binding.transport, chat, group.language))
    return out


async def staff_recipients(tx: Transaction, group: Group) -> list[Recipient]:
    """The facilitators: their room where one is bound, else each in their private chat."""
    rooms = [
        Recipient(None, b.id, b.transport, tx.groups.room_id(b), group.language)
        for b in await tx.groups.bindings(group.id)
        if b.purpose is RoomPurpose.FACILITATORS
    ]
    if rooms:
        return rooms
    out = []
    for membership, person in await tx.memberships.with_persons(group.id, roles=STAFF_ROLES):
        chat = tx.persons.dm_chat(person)
        if chat is not None:
            language = membership.language or person.language or group.language
            out.append(Recipient(membership.id, None, person.transport, chat, language))
    return out


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
