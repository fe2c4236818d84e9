"""Who runs a group: facilitators and moderators per group, admins everywhere.

Staff are set up by an operator (`piiri staff …`) by their platform id, written `PLATFORM:ID`
(`telegram:123456`, `matrix:@anna:example.org`, or `staff:anna` for a dashboard account).
Staff are not anonymous to the organisation, but members still see them only by their name in
the group.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from storage.models import Group, GroupMode, MembershipStatus, Person, Role, RoomPurpose
from storage.repositories.memberships import pseudonym_key
from storage.store import Transaction

_PLATFORM = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")
# The staff dashboard's accounts: `staff:USERNAME`, a username being written in lower case.
DASHBOARD = "staff"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


class StaffRole(enum.StrEnum):
    FACILITATOR = "facilitator"
    MODERATOR = "moderator"
    ADMIN = "admin"


DEFAULT_NAMES: dict[Role, dict[str, str]] = {
    Role.FACILITATOR: {"fi": "Ohjaaja", "sv": "Handledare", "en": "Facilitator"},
    Role.MODERATOR: {"fi": "Moderaattori", "sv": "Moderator", "en": "Moderator"},
}


class StaffError(ValueError):
    """A mistake in a staff or binding request, said so an operator can fix it."""


@dataclass(frozen=True, slots=True)
class PlatformRef:
    transport: str
    id: str

    def __repr__(self) -> str:
        return f"PlatformRef({self.transport}, …)"


@dataclass(frozen=True, slots=True)
class StaffEntry:
    person_id: int
    transport: str
    external_id: str
    role: StaffRole
    group_id: int | None
    name: str | None

    def __repr__(self) -> str:  # the platform id never reaches a log through a repr
        return f"StaffEntry(person={self.person_id}, {self.role.value}, group={self.group_id})"


def parse_ref(text: str) -> PlatformRef:
    platform, sep, rest = text.strip().partition(":")
    if not sep or not rest or not _PLATFORM.match(platform):
        raise StaffError(
            f"{text!r} is not PLATFORM:ID; write e.g. telegram:123456789 or "
            "matrix:@anna:example.org"
        )
    if platform == DASHBOARD:
        rest = rest.strip().casefold()
        if not _USERNAME.match(rest):
            raise StaffError(
                f"{rest!r} is not a dashboard username: 2 to 32 of a-z, 0-9, '.', '_' and '-'"
            )
    return PlatformRef(platform, rest)


def _member_role(role: StaffRole) -> Role:
    return Role.FACILITATOR if role is StaffRole.FACILITATOR else Role.MODERATOR


NAME_LIMIT = 40


async def _free_name(tx: Transaction, group: Group, wanted: str | None, role: Role) -> str:
    if wanted and len(wanted.strip()) > NAME_LIMIT:
        raise StaffError(f"a name is at most {NAME_LIMIT} characters")
    if wanted:
        if await tx.memberships.pseudonym_taken(group.id, wanted):
            raise StaffError(f"the name {wanted!r} is already used in group {group.id}")
        return wanted
    base = DEFAULT_NAMES[role].get(group.language, DEFAULT_NAMES[role]["en"])
    number = 1
    while await tx.memberships.pseudonym_taken(group.id, f"{base} {number}"):
        number += 1
    return f"{base} {number}"


async def add_staff(
    tx: Transaction,
    ref: PlatformRef,
    role: StaffRole,
    group: Group | None,
    *,
    name: str | None = None,
    actor_person_id: int | None = None,
    via: str = "cli",
) -> StaffEntry:
    person = await tx.persons.identify(ref.transport, ref.id)
    if role is StaffRole.ADMIN:
        if group is not None:
            raise StaffError("admins are global; leave out --group")
        await tx.persons.set_admin(person, True)
        shown = None
    else:
        if group is None:
            raise StaffError(f"a {role.value} belongs to a group; add --group GROUP")
        shown = await _make_member(tx, person, group, _member_role(role), name)
    await tx.audit.append(
        "staff.added",
        actor_person_id=actor_person_id,
        group_id=group.id if group else None,
        subject=f"person:{person.id}",
        details={"role": role.value, "via": via},
    )
    return StaffEntry(person.id, ref.transport, ref.id, role, group.id if group else None, shown)


async def _make_member(
    tx: Transaction, person: Person, group: Group, role: Role, name: str | None
) -> str:
    membership = await tx.memberships.find(group.id, person.id)
    if membership is None:
        membership = await tx.memberships.add(
            group.id, person.id, await _free_name(tx, group, name, role), role=role
        )
        return membership.pseudonym
    if name and pseudonym_key(name) != membership.pseudonym_key:
        await tx.memberships.rename(membership, await _free_name(tx, group, name, role))
    await tx.memberships.set_role(membership, role)
    if membership.status is not MembershipStatus.ACTIVE:
        await tx.memberships.set_status(membership, MembershipStatus.ACTIVE)
    return membership.pseudonym


async def remove_staff(
    tx: Transaction,
    ref: PlatformRef,
    role: StaffRole,
    group: Group | None,
    *,
    actor_person_id: int | None = None,
    via: str = "cli",
) -> bool:
    """Take the role away; False when the person did not have it."""
    if role is StaffRole.ADMIN and group is not None:
        raise StaffError("admins are global; leave out --group")
    if role is not StaffRole.ADMIN and group is None:
        raise StaffError(f"a {role.value} belongs to a group; add --group GROUP")
    person = await tx.persons.find(ref.transport, ref.id)
    if person is None:
        return False
    if role is StaffRole.ADMIN:
        if not person.is_admin:
            return False
        await tx.persons.set_admin(person, False)
    elif group is not None:
        membership = await tx.memberships.find(group.id, person.id)
        if (
            membership is None
            or membership.role is not _member_role(role)
            or membership.status is not MembershipStatus.ACTIVE
        ):
            return False
        await tx.memberships.set_status(membership, MembershipStatus.REMOVED)
    await tx.audit.append(
        "staff.removed",
        actor_person_id=actor_person_id,
        group_id=group.id if group else None,
        subject=f"person:{person.id}",
        details={"role": role.value, "via": via},
    )
    return True


async def list_staff(tx: Transaction, group: Group | None = None) -> list[StaffEntry]:
    entries: list[StaffEntry] = []
    if group is None:
        for person in await tx.persons.admins():
            entries.append(
                StaffEntry(
                    person.id,
                    person.transport,
                    tx.persons.external_id(person),
                    StaffRole.ADMIN,
                    None,
                    None,
                )
            )
    for membership, person in await tx.memberships.staff(group.id if group else None):
        role = StaffRole.FACILITATOR if membership.role is Role.FACILITATOR else StaffRole.MODERATOR
        entries.append(
            StaffEntry(
                person.id,
                person.transport,
                tx.persons.external_id(person),
                role,
                membership.group_id,
                membership.pseudonym,
            )
        )
    return entries


async def bind_rooms(
    tx: Transaction,
    group: Group,
    rooms: dict[RoomPurpose, PlatformRef],
    *,
    actor_person_id: int | None = None,
    via: str = "cli",
) -> None:
    """Tie platform rooms to the group; the shared room only for a group in room mode."""
    if RoomPurpose.ROOM in rooms and group.mode is not GroupMode.ROOM:
        raise StaffError(
            f"group {group.id} is in relay mode: members talk to the bot privately, so it has "
            "no shared room; bind only --facilitators and --moderators"
        )
    for purpose, ref in rooms.items():
        existing = await tx.groups.find_binding(ref.transport, ref.id)
        if existing is not None and (existing.group_id, existing.purpose) != (group.id, purpose):
            raise StaffError(
                f"that {ref.transport} room is already bound to group {existing.group_id} "
                f"as its {existing.purpose.value} room"
            )
        await tx.groups.bind_room(group, purpose, ref.transport, ref.id)
        await tx.audit.append(
            "group.room_bound",
            actor_person_id=actor_person_id,
            group_id=group.id,
            details={"purpose": purpose.value, "transport": ref.transport, "via": via},
        )
