"""When a platform refuses to let the bot remove a message in a group's room, the group's
facilitators are told once, clearly, what rights the bot needs there. At start, a platform
that can say so is asked about every live group's room, so they hear before the first
message needs removing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.commands.reach import notify_staff
from bot.i18n import N_, Catalogues
from bot.logs import get_logger
from bot.ports import SendError
from groups.room import warn_once_about_rights
from storage.clock import Clock
from storage.models import GroupStatus, RoomPurpose
from storage.repositories import ClaimedSend
from storage.store import Store

log = get_logger(__name__)

LIVE = (GroupStatus.DRAFT, GroupStatus.ENROLLING, GroupStatus.RUNNING, GroupStatus.PAUSED)

MISSING_RIGHTS = N_(
    "I could not remove a message in the group's room: I am missing the rights to do so. "
    "Make me an admin there with the right to delete messages, or rules cannot be kept."
)


class RoomRights:
    def __init__(self, store: Store, clock: Clock, catalogues: Catalogues) -> None:
        self._store = store
        self._clock = clock
        self._catalogues = catalogues

    async def refused(self, send: ClaimedSend) -> None:
        await self._warn(send.transport, send.chat_id)

    async def check_rooms(
        self, transport: str, can_remove: Callable[[str], Awaitable[bool]]
    ) -> int:
        """Ask `can_remove` about each room a live group uses on `transport`; returns how
        many rooms lack the rights (their facilitators are told, once)."""
        async with self._store.transaction() as tx:
            groups = await tx.groups.list_all(LIVE)
            bindings = await tx.groups.bindings_in(g.id for g in groups)
            rooms = [
                tx.groups.room_id(binding)
                for found in bindings.values()
                for binding in found
                if binding.purpose is RoomPurpose.ROOM and binding.transport == transport
            ]
        missing = 0
        for room_id in rooms:
            try:
                allowed = await can_remove(room_id)
            except SendError:
                log.warning("room.rights_unknown", transport=transport)
                continue
            if not allowed:
                missing += 1
                await self._warn(transport, room_id)
        return missing

    async def _warn(self, transport: str, room_id: str) -> None:
        async with self._store.transaction() as tx:
            group = await warn_once_about_rights(tx, transport, room_id, self._clock.now())
            if group is not None:
                await notify_staff(tx, self._catalogues, group, MISSING_RIGHTS)
                log.warning("room.missing_rights", group_id=group.id, transport=transport)
