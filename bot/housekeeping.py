"""Keeping the store small and private, and the waiting lists moving. Runs hourly from the
scheduler's timer, and at start-up:

- message text past its retention period is dropped (the web chat's copies, feedback
  comments and members' proposals too), and all text of a group some days after it finished;
- old de-duplication marks, unfinished join flows and old wrong-code attempts are deleted;
- waiting-list offers past their deadline lapse, and the seat is offered to the next person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.commands.reach import queue_offer, tell_member
from bot.i18n import N_, Catalogues
from bot.logs import get_logger
from groups import enrolment
from groups.enrolment import Limits
from storage.clock import Clock
from storage.repositories.web import purge_web_texts
from storage.store import Store

log = get_logger(__name__)

# A blocked message's text waits this long for its author to send it with the part hidden.
BLOCKED_TEXT_KEPT = timedelta(days=1)

OFFER_LAPSED = N_(
    "The time to take your place in {name} ran out, so the place went to the next person. "
    "You can join the waiting list again with the invite link."
)


@dataclass(frozen=True, slots=True)
class Retention:
    message_text: timedelta
    processed_events: timedelta
    finished_groups: timedelta = timedelta(days=7)


class Housekeeping:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        retention: Retention,
        *,
        limits: Limits | None = None,
        catalogues: Catalogues | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._retention = retention
        self._limits = limits
        self._catalogues = catalogues

    async def run(self) -> tuple[int, int]:
        """Returns (messages whose text was dropped, processed-event marks pruned)."""
        now = self._clock.now()
        async with self._store.transaction() as tx:
            purged = await tx.messages.purge_text(now - self._retention.message_text)
            purged += await tx.messages.purge_finished_groups(now - self._retention.finished_groups)
            purged += await tx.messages.purge_blocked(now - BLOCKED_TEXT_KEPT)
            purged += await purge_web_texts(tx.session, now - self._retention.message_text)
            purged += await tx.followup.purge_texts(now - self._retention.message_text)
            pruned = await tx.inbound.prune_processed(now - self._retention.processed_events)
            drafts = await tx.joining.purge_expired()
            await tx.joining.prune_failures(now - timedelta(days=1))
        offered = await self.move_waiting_lists()
        if purged or pruned or drafts or offered:
            log.info(
                "housekeeping.done",
                texts_purged=purged,
                events_pruned=pruned,
                drafts_dropped=drafts,
                places_offered=offered,
            )
        return purged, pruned

    async def move_waiting_lists(self) -> int:
        """Offers past their deadline lapse, and every free seat (freed by a lapse, by staff,
        or by a larger capacity) goes to the next person waiting."""
        if self._limits is None or self._catalogues is None:
            return 0
        now = self._clock.now()
        offered = 0
        async with self._store.transaction() as tx:
            lapsed = await enrolment.lapsed_offers(tx, now)
            groups = await tx.groups.get_many(m.group_id for m in lapsed)
            for membership in lapsed:
                group = groups[membership.group_id]
                await tell_member(
                    tx, self._catalogues, membership, group, OFFER_LAPSED, name=group.name
                )
            waiting = await tx.groups.get_many(await tx.memberships.groups_with_waiting())
            for group in (groups | waiting).values():
                for membership in await enrolment.offer_free_seats(tx, group, now, self._limits):
                    offered += await queue_offer(tx, self._catalogues, membership, group)
        return offered
