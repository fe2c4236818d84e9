"""Messages written while a group was closed, which their authors asked to have delivered at
the next opening: the scheduler's timer runs this alongside the prompts."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import Catalogues
from bot.logs import get_logger
from groups.relay import Relay
from storage.clock import Clock
from storage.store import Store

log = get_logger(__name__)


class DeferredMessages:
    def __init__(self, store: Store, clock: Clock, catalogues: Catalogues) -> None:
        self._store = store
        self._clock = clock
        self._catalogues = catalogues

    async def run(self) -> int:
        """Deliver what is due; returns how many messages went out."""
        async with self._store.transaction() as tx:
            delivered = await Relay(tx, self._catalogues.translator).deliver_deferred(
                self._clock.now()
            )
        if delivered:
            log.info("relay.deferred_delivered", messages=delivered)
        return delivered

    async def next_due_at(self) -> datetime | None:
        async with self._store.transaction() as tx:
            return await tx.messages.next_deferred_at()
