"""Long polling owned by Piiri, so the offset moves past an update only once it is handled.

Telegram forgets an update when `getUpdates` is next called with a higher offset. The loop
hands every update of a batch to the sink, saves the next offset in the cursor store, and
only then asks for more: a crash before that redelivers the batch, which the dispatcher
de-duplicates by update id. A sink that raises (the store is briefly unavailable) gets the
same update again after a pause; nothing is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.logs import get_logger
from bot.ports import CursorStore, InboundKind, InboundSink
from bot.transports.receiving import backoff, deliver, pause
from bot.transports.telegram.errors import retry_after_seconds
from bot.transports.telegram.updates import ALLOWED_UPDATES, to_inbound

log = get_logger(__name__)


AnswerButton = Callable[[Update], Awaitable[None]]


class Poller:
    def __init__(
        self,
        bot: ExtBot[Any],
        name: str,
        sink: InboundSink,
        cursors: CursorStore,
        *,
        answer_button: AnswerButton,
        timeout: int,
        batch: int = 100,
    ) -> None:
        self._bot = bot
        self._name = name
        self._sink = sink
        self._cursors = cursors
        self._answer_button = answer_button
        self._timeout = timeout
        self._batch = batch
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=f"{self._name}-polling")

    async def stop(self) -> None:
        """Stop asking; an update in hand is finished and its offset saved first."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        saved = await self._cursors.load(self._name)
        offset = int(saved) if saved else None
        failures = 0
        while not self._stopping.is_set():
            try:
                updates = await self._fetch(offset)
                if updates is None:
                    break
                offset = await self._handle(updates, offset)
            except RetryAfter as exc:
                await pause(self._stopping, retry_after_seconds(exc))
            except Exception as exc:  # whatever it was, polling must not die: pause and ask again
                # Asking again from the last saved offset redelivers at most this batch.
                failures += 1
                log.warning("telegram.poll_failed", error=type(exc).__name__, failures=failures)
                await pause(self._stopping, backoff(failures))
            else:
                failures = 0

    async def _fetch(self, offset: int | None) -> Sequence[Update] | None:
        """The next batch, or None when asked to stop while waiting for it."""
        fetch = asyncio.create_task(
            self._bot.get_updates(
                offset=offset,
                limit=self._batch,
                timeout=self._timeout,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        )
        stopping = asyncio.create_task(self._stopping.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetch
            return None
        return fetch.result()

    async def _handle(self, updates: Sequence[Update], offset: int | None) -> int | None:
        for update in updates:
            event = to_inbound(update, self._name)
            if event is not None and not await deliver(self._sink, event, self._stopping):
                break  # stopping with this update unhandled: it comes again next start
            if event is not None and event.kind is InboundKind.BUTTON:
                await self._answer_button(update)
            offset = update.update_id + 1
        if offset is not None:
            await self._cursors.save(self._name, str(offset))
        return offset
