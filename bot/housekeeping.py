"""Keeping the store small and private: message text past its retention period is dropped, and
old de-duplication marks are pruned. Runs hourly from the scheduler's timer, and at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.logs import get_logger
from storage.clock import Clock
from storage.store import Store

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Retention:
    message_text: timedelta
    processed_events: timedelta


class Housekeeping:
    def __init__(self, store: Store, clock: Clock, retention: Retention) -> None:
        self._store = store
        self._clock = clock
        self._retention = retention

    async def run(self) -> tuple[int, int]:
        """Returns (messages whose text was dropped, processed-event marks pruned)."""
        now = self._clock.now()
        async with self._store.transaction() as tx:
            purged = await tx.messages.purge_text(now - self._retention.message_text)
            pruned = await tx.inbound.prune_processed(now - self._retention.processed_events)
        if purged or pruned:
            log.info("housekeeping.done", texts_purged=purged, events_pruned=pruned)
        return purged, pruned
