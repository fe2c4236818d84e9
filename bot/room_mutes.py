"""A mute in a room-mode group also stops the member posting in the platform's room, where the
platform can (Telegram's restrictChatMember), until the mute ends.

In relay mode Piiri keeps back what a muted member writes; in a room, only the platform can
stop them, so this asks it to. The store is the truth: on every scheduler round the service
restricts each muted member of a room-mode group it has not restricted yet, and when a mute
has ended (or was lifted) it lets them post again and clears the mute. The platform is also
told when the mute ends, so it lifts the restriction by itself if Piiri is down then. A
restart restricts every muted member again (harmless). When the bot lacks the right to
restrict members, the group's facilitators are told once per room while the service runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.commands.reach import notify_staff
from bot.i18n import N_, Catalogues
from bot.logs import get_logger
from bot.ports import ChatRef, MissingRights, Restricting, SendError, UserRef
from storage.clock import Clock
from storage.models import GroupMode, RoomPurpose
from storage.store import Store, Transaction

log = get_logger(__name__)

MISSING_RESTRICT_RIGHTS = N_(
    "I could not mute {name} in the group's room: I am missing the right to restrict members. "
    "Make me an admin there with the right to ban users; until then, a muted member can still "
    "write in the room."
)


@dataclass(frozen=True, slots=True)
class _Mute:
    membership_id: int
    group_id: int
    pseudonym: str
    room: ChatRef
    user: UserRef
    until: datetime


class RoomMutes:
    def __init__(
        self, store: Store, clock: Clock, transport: Restricting, catalogues: Catalogues
    ) -> None:
        self._store = store
        self._clock = clock
        self._transport = transport
        self._catalogues = catalogues
        # Restrictions this process made: membership id → the mute it made them for.
        self._applied: dict[int, _Mute] = {}
        self._refused: dict[int, datetime] = {}
        self._told_rooms: set[ChatRef] = set()

    async def run(self) -> int:
        """Restrict and let go as the store says; returns how many notices were queued."""
        now = self._clock.now()
        async with self._store.transaction() as tx:
            mutes = await self._mutes(tx)
        told = 0
        for mute in mutes:
            if mute.until <= now:
                if await self._let_go(mute):
                    async with self._store.transaction() as tx:
                        await self._clear(tx, mute)
                continue
            applied = self._applied.get(mute.membership_id)
            if (applied is not None and applied.until == mute.until) or (
                self._refused.get(mute.membership_id) == mute.until
            ):
                continue
            told += await self._restrict(mute)
        current = {mute.membership_id for mute in mutes}
        for membership_id, mute in list(self._applied.items()):
            if membership_id not in current:  # lifted, or no longer a member
                await self._let_go(mute)
        return told

    async def next_due_at(self) -> datetime | None:
        """The next mute to end in a room here, so its member can post again on time. One
        that ended but could not be lifted yet is retried on the scheduler's regular round,
        not at once (that would spin)."""
        now = self._clock.now()
        async with self._store.transaction() as tx:
            ends = [mute.until for mute in await self._mutes(tx) if mute.until > now]
        return min(ends, default=None)

    async def _restrict(self, mute: _Mute) -> int:
        try:
            await self._transport.restrict(mute.room, mute.user, mute.until)
        except MissingRights:
            self._refused[mute.membership_id] = mute.until
            log.warning("room.missing_restrict_rights", group_id=mute.group_id)
            return await self._tell_once(mute)
        except SendError as exc:
            if exc.permanent:
                self._refused[mute.membership_id] = mute.until
            log.warning("room.restrict_failed", group_id=mute.group_id, reason=exc.reason)
            return 0
        self._applied[mute.membership_id] = mute
        self._refused.pop(mute.membership_id, None)
        log.info("room.member_restricted", group_id=mute.group_id)
        return 0

    async def _let_go(self, mute: _Mute) -> bool:
        """Let the member post again; False when that has to be tried again later."""
        try:
            await self._transport.unrestrict(mute.room, mute.user)
        except SendError as exc:
            log.warning("room.unrestrict_failed", group_id=mute.group_id, reason=exc.reason)
            if not exc.permanent:
                return False
        self._applied.pop(mute.membership_id, None)
        self._refused.pop(mute.membership_id, None)
        log.info("room.member_unrestricted", group_id=mute.group_id)
        return True

    async def _tell_once(self, mute: _Mute) -> int:
        if mute.room in self._told_rooms:
            return 0
        self._told_rooms.add(mute.room)
        async with self._store.transaction() as tx:
            group = await tx.groups.get(mute.group_id)
            if group is None:
                return 0
            await notify_staff(
                tx, self._catalogues, group, MISSING_RESTRICT_RIGHTS, name=mute.pseudonym
            )
        return 1

    async def _clear(self, tx: Transaction, mute: _Mute) -> None:
        membership = await tx.memberships.get(mute.membership_id)
        if membership is not None and membership.muted_until == mute.until:
            await tx.memberships.mute(membership, None)

    async def _mutes(self, tx: Transaction) -> list[_Mute]:
        """The muted members of room-mode groups whose room is on this transport."""
        found = []
        name = self._transport.name
        for membership in await tx.memberships.muted():
            group = await tx.groups.get(membership.group_id)
            person = await tx.persons.get(membership.person_id)
            if group is None or group.mode is not GroupMode.ROOM or person is None:
                continue
            if person.transport != name or membership.muted_until is None:
                continue
            rooms = [
                b
                for b in await tx.groups.bindings(group.id)
                if b.purpose is RoomPurpose.ROOM and b.transport == name
            ]
            for binding in rooms:
                found.append(
                    _Mute(
                        membership.id,
                        group.id,
                        membership.pseudonym,
                        ChatRef(name, tx.groups.room_id(binding)),
                        UserRef(name, tx.persons.external_id(person)),
                        membership.muted_until,
                    )
                )
        return found
