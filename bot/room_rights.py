"""When a platform refuses to let the bot remove a message in a group's room, the group's
facilitators are told once, clearly, what rights the bot needs there."""

from __future__ import annotations

from bot.commands.reach import notify_staff
from bot.i18n import N_, Catalogues
from bot.logs import get_logger
from groups.room import warn_once_about_rights
from storage.clock import Clock
from storage.repositories import ClaimedSend
from storage.store import Store

log = get_logger(__name__)

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
        async with self._store.transaction() as tx:
            group = await warn_once_about_rights(
                tx, send.transport, send.chat_id, self._clock.now()
            )
            if group is not None:
                await notify_staff(tx, self._catalogues, group, MISSING_RIGHTS)
                log.warning("room.missing_rights", group_id=group.id, transport=send.transport)
