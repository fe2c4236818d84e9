"""The sync loop, owned by Piiri, so `next_batch` is saved only once a batch is handled.

Each batch's events are handed to the sink in order; then its `next_batch` token is saved in
the cursor store, and only then is the next batch asked for. A crash in between syncs the
same batch again, and the dispatcher de-duplicates its events by Matrix event id. A sink that
raises gets the same event again after a pause; nothing is skipped. When the homeserver is
unreachable the loop keeps asking, with growing pauses, from the last saved token.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from nio import AsyncClient, SyncError, SyncResponse

from bot.logs import get_logger
from bot.ports import CursorStore, Inbound, InboundSink
from bot.transports.receiving import backoff, deliver, pause

log = get_logger(__name__)

TIMELINE_LIMIT = 100

# Only what Piiri reads: room timelines and state; no presence, typing or account data.
SYNC_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
    "room": {
        "timeline": {"limit": TIMELINE_LIMIT},
        "ephemeral": {"not_types": ["*"]},
        "account_data": {"not_types": ["*"]},
    },
}


def sync_filter(timeline_limit: int) -> dict[str, Any]:
    return {**SYNC_FILTER, "room": {**SYNC_FILTER["room"], "timeline": {"limit": timeline_limit}}}


# The very first sync learns where "now" is: invites, but no history from before Piiri.
FIRST_FILTER: dict[str, Any] = {
    **SYNC_FILTER,
    "room": {**SYNC_FILTER["room"], "timeline": {"limit": 0}},
}

# Reads a batch into events, given the token it was synced from (None on the first sync).
ReadBatch = Callable[[SyncResponse, str | None], Awaitable[list[Inbound]]]


class SyncFailed(Exception):
    def __init__(self, error: SyncError) -> None:
        super().__init__(error.status_code or "sync failed")
        self.error = error


class Syncer:
    def __init__(
        self,
        client: AsyncClient,
        name: str,
        sink: InboundSink,
        cursors: CursorStore,
        *,
        read_batch: ReadBatch,
        timeout_ms: int,
        timeline_limit: int = TIMELINE_LIMIT,
    ) -> None:
        self._client = client
        self._name = name
        self._sink = sink
        self._cursors = cursors
        self._read_batch = read_batch
        self._timeout_ms = timeout_ms
        self._filter = sync_filter(timeline_limit)
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=f"{self._name}-sync")

    async def stop(self) -> None:
        """Stop asking; an event in hand is finished and, with its batch, the token saved."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        since = await self._cursors.load(self._name)
        failures = 0
        while not self._stopping.is_set():
            try:
                batch = await self._fetch(since)
                if batch is None:
                    break
                since = await self._handle(batch, since) or since
            except SyncFailed as exc:
                failures += 1
                code = exc.error.status_code
                log.warning("matrix.sync_refused", code=code, failures=failures)
                wait = exc.error.retry_after_ms
                seconds = wait / 1000 if wait is not None else backoff(failures)
                await pause(self._stopping, seconds)
            except Exception as exc:  # whatever it was, syncing must not die: pause and ask again
                failures += 1
                log.warning("matrix.sync_failed", error=type(exc).__name__, failures=failures)
                await pause(self._stopping, backoff(failures))
            else:
                failures = 0

    async def _fetch(self, since: str | None) -> SyncResponse | None:
        """The next batch, or None when asked to stop while waiting for it."""
        first = since is None
        fetch = asyncio.create_task(
            self._client.sync(
                timeout=0 if first else self._timeout_ms,
                sync_filter=FIRST_FILTER if first else self._filter,
                since=since,
                full_state=False,
            )
        )
        stopping = asyncio.create_task(self._stopping.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch
            return None
        response = fetch.result()
        if isinstance(response, SyncError):
            raise SyncFailed(response)
        return response

    async def _handle(self, batch: SyncResponse, since: str | None) -> str | None:
        """Hand the batch's events to the sink, then save its token; the token, or None when
        stopped before the batch was finished (it comes again next start)."""
        events = await self._read_batch(batch, since)
        for event in events:
            if not await deliver(self._sink, event, self._stopping):
                return None
        await self._cursors.save(self._name, batch.next_batch)
        self.batches += 1
        return batch.next_batch
