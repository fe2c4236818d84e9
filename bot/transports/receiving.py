"""What every platform's receiving loop shares: handing an event to the service until it is
taken, and pausing with growing back-off while it can still be told to stop.

A sink that raises (the store briefly unavailable) gets the same event again after a pause,
so nothing is skipped; the platform's cursor does not move past an event meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib

from bot.logs import get_logger
from bot.ports import Inbound, InboundSink

log = get_logger(__name__)

FIRST_PAUSE_SECONDS = 0.5
LONGEST_PAUSE_SECONDS = 30.0


def backoff(failures: int) -> float:
    """Seconds to wait after the `failures`-th failure in a row: 0.5, 1, 2, … up to 30."""
    return min(FIRST_PAUSE_SECONDS * 2 ** (failures - 1), LONGEST_PAUSE_SECONDS)


async def pause(stopping: asyncio.Event, seconds: float) -> None:
    """Sleep, but wake at once when asked to stop."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)


async def deliver(sink: InboundSink, event: Inbound, stopping: asyncio.Event) -> bool:
    """Hand `event` to `sink` until it takes it; False if asked to stop first."""
    failures = 0
    while True:
        try:
            await sink(event)
            return True
        except Exception as exc:
            failures += 1
            log.warning(
                "inbound.retry_later",
                transport=event.transport,
                kind=event.kind,
                error=type(exc).__name__,
                failures=failures,
            )
            if stopping.is_set():
                return False
            await pause(stopping, backoff(failures))
