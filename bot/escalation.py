"""Raising unacknowledged alerts again: the scheduler's timer runs this at the moment the next
alert's wait runs out, alongside the prompts and deferred messages."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import Catalogues
from bot.logs import get_logger
from groups.alerts import Escalation, escalate_due
from storage.clock import Clock
from storage.store import Store

log = get_logger(__name__)


class Escalations:
    def __init__(
        self, store: Store, clock: Clock, catalogues: Catalogues, escalation: Escalation
    ) -> None:
        self._store = store
        self._clock = clock
        self._catalogues = catalogues
        self._escalation = escalation

    async def run(self) -> int:
        """Escalate what is due; returns how many alerts were raised again."""
        async with self._store.transaction() as tx:
            raised = await escalate_due(
                tx, self._catalogues.translator, self._escalation, self._clock.now()
            )
        if raised:
            log.warning("moderation.alerts_escalated", items=raised)
        return raised

    async def next_due_at(self) -> datetime | None:
        async with self._store.transaction() as tx:
            return await tx.reviews.next_escalation_at()
