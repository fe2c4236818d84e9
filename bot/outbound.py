"""Delivers the outbox: most urgent first, retried with back-off, never dropped silently.

A send that fails for a reason retrying cannot fix (the person blocked the bot) or that has
failed for longer than `give_up_after` is marked failed and logged as an error; everything
else is retried, honouring the platform's own `retry_after` when it gives one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.logs import get_logger
from bot.ports import (
    Attachment,
    BatchSending,
    Button,
    ChatRef,
    Outbound,
    Paced,
    SendError,
    SentMessage,
    Transport,
    TransportSet,
)
from storage.clock import Clock
from storage.models import OutboxAction
from storage.repositories import ClaimedSend
from storage.store import Store

log = get_logger(__name__)

LEASE = timedelta(minutes=2)
# A row sent: its id, and the platform's id for the message (None for an edit or deletion).
Done = tuple[int, str | None]
ChatKey = tuple[str, str]  # a transport's name and a chat id
# An edit waits this long for the message it changes to be sent first.
WAIT_FOR_TARGET_SECONDS = 2.0
BATCH = 20
IDLE_POLL_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_seconds: float = 1.0
    max_seconds: float = 300.0
    give_up_after: timedelta = timedelta(hours=24)

    def delay(self, attempts: int, retry_after: float | None) -> float:
        backoff = min(self.base_seconds * 2 ** max(attempts - 1, 0), self.max_seconds)
        return max(backoff, retry_after or 0.0)


class OutboundSender:
    def __init__(
        self,
        store: Store,
        transports: TransportSet,
        clock: Clock,
        policy: RetryPolicy,
        *,
        on_refused: Callable[[ClaimedSend], Awaitable[None]] | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        """`lease`: how long a claimed batch is this process's alone; it must outlast the
        slowest batch, and is how long a crashed process's claims wait to be sent."""
        self._lease = lease
        self._on_refused = on_refused
        self._store = store
        self._transports = transports
        self._clock = clock
        self._policy = policy
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # The last time each paced chat's rows were put back to: later rows go no earlier.
        self._paced_until: dict[ChatKey, datetime] = {}

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="outbound-sender")

    async def stop(self) -> None:
        """Finish the send in hand, then stop; anything left waits in the outbox for next start."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                sent = await self.send_due()
            except Exception:
                log.exception("outbound.loop_error")
                sent = 0
            if sent == 0 and not self._stopping.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=await self._idle_wait())

    async def _idle_wait(self) -> float:
        async with self._store.transaction() as tx:
            due = await tx.outbox.next_due_at(self._transports.names())
        if due is None:
            return IDLE_POLL_SECONDS
        return min(max((due - self._clock.now()).total_seconds(), 0.05), IDLE_POLL_SECONDS)

    async def send_due(self) -> int:
        """Send one batch of what is due now; returns how many were attempted.

        The sends that went through are recorded together at the end of the batch, in one
        statement: a crash in between repeats at most one batch, and never loses a message.
        A chat its platform paces (`Paced`) gets its rows back for as long as it must wait,
        in order, while other chats' rows go out.
        """
        async with self._store.transaction() as tx:
            batch = await tx.outbox.claim_due(
                self._transports.names(), limit=BATCH, lease=self._lease
            )
        done: list[Done] = []
        later: dict[int, datetime] = {}
        paced: dict[ChatKey, datetime] = {}
        self._forget_paced()
        # New messages for a transport that takes many at once wait here until a row of the
        # same transport that is not a new message comes (it may change one of them), or the
        # batch ends: then they go in one call, in order.
        together: list[ClaimedSend] = []
        try:
            for index, send in enumerate(batch):
                if self._stopping.is_set():
                    done.extend(await self._deliver_many(together))
                    together = []
                    await self._release(batch[index:])
                    break
                until = self._paced(send, paced)
                if until is not None:
                    later[send.id] = until
                    continue
                if self._takes_many(send):
                    together.append(send)
                    continue
                if any(waiting.transport == send.transport for waiting in together):
                    done.extend(await self._deliver_many(together))
                    together = []
                outcome = await self._deliver(send)
                if outcome is not None:
                    done.append(outcome)
            done.extend(await self._deliver_many(together))
        finally:
            if done or later:
                async with self._store.transaction() as tx:
                    await tx.outbox.mark_sent_many(done)
                    for send_id, until in later.items():
                        await tx.outbox.defer(send_id, not_before=until)
        return len(batch)

    def _paced(self, send: ClaimedSend, paced: dict[ChatKey, datetime]) -> datetime | None:
        """When `send` may go, if its chat must wait first (or already waits in this batch:
        its messages keep their order); None when it may go now."""
        transport: object = self._transports.get(send.transport)
        if send.action is not OutboxAction.SEND or not isinstance(transport, Paced):
            return None
        key = (send.transport, send.chat_id)
        wait = transport.wait_before(ChatRef(send.transport, send.chat_id))
        if wait <= 0 and key not in paced:
            return None
        until = self._clock.now() + timedelta(seconds=wait)
        for earlier in (paced.get(key), self._paced_until.get(key)):
            if earlier is not None and earlier > until:
                until = earlier
        paced[key] = self._paced_until[key] = until
        return until

    def _forget_paced(self) -> None:
        now = self._clock.now()
        self._paced_until = {k: t for k, t in self._paced_until.items() if t > now}

    async def _release(self, unsent: list[ClaimedSend]) -> None:
        """Give back claims we will not send now, so a restart sends them at once."""
        async with self._store.transaction() as tx:
            for send in unsent:
                await tx.outbox.release(send.id)

    async def drain(self) -> None:
        """Send until nothing is due now (tests and the demo)."""
        while await self.send_due():
            pass

    async def _deliver(self, send: ClaimedSend) -> Done | None:
        """Hand one row to its transport; the row's id and platform id when it went through."""
        transport = self._transports.get(send.transport)
        if transport is None:  # pragma: no cover - claim_due filters by transport
            return None
        if send.action is not OutboxAction.SEND:
            return await self._change(transport, send)
        try:
            sent = await transport.send(_outbound(send))
        except SendError as exc:
            await self._settle_failure(send, exc.reason, exc.permanent, exc.retry_after)
            return None
        except Exception as exc:
            await self._settle_failure(send, type(exc).__name__, False, None)
            return None
        return self._sent(send, sent)

    def _takes_many(self, send: ClaimedSend) -> bool:
        transport: object = self._transports.get(send.transport)
        return send.action is OutboxAction.SEND and isinstance(transport, BatchSending)

    async def _deliver_many(self, sends: list[ClaimedSend]) -> list[Done]:
        """New messages for transports that take many at once: one call per transport."""
        done: list[Done] = []
        by_transport: dict[str, list[ClaimedSend]] = {}
        for send in sends:
            by_transport.setdefault(send.transport, []).append(send)
        for name, rows in by_transport.items():
            transport: object = self._transports.get(name)
            if not isinstance(transport, BatchSending):  # pragma: no cover - see _takes_many
                continue
            try:
                results = await transport.send_many([_outbound(row) for row in rows])
                if len(results) != len(rows):
                    raise RuntimeError("a transport answered a batch with a different length")
            except Exception as exc:
                for row in rows:
                    await self._settle_failure(row, type(exc).__name__, False, None)
                continue
            for row, result in zip(rows, results, strict=True):
                if isinstance(result, SendError):
                    await self._settle_failure(
                        row, result.reason, result.permanent, result.retry_after
                    )
                else:
                    done.append(self._sent(row, result))
        return done

    def _sent(self, send: ClaimedSend, sent: SentMessage) -> Done:
        log.info(
            "outbound.sent",
            outbox_id=send.id,
            transport=send.transport,
            priority=send.priority,
            attempts=send.attempts,
        )
        return send.id, sent.message_id

    async def _change(self, transport: Transport, send: ClaimedSend) -> Done | None:
        """Edit or delete a message an earlier row sent, once that row has been sent."""
        if send.target_message_id is None:
            if send.target_lost:
                await self._settle_failure(send, "nothing to change", True, None)
            else:
                await self._settle_failure(send, "not sent yet", False, WAIT_FOR_TARGET_SECONDS)
            return None
        sent = SentMessage(ChatRef(send.transport, send.chat_id), send.target_message_id)
        try:
            if send.action is OutboxAction.EDIT:
                await transport.edit(sent, send.text)
            else:
                await transport.delete(sent)
        except SendError as exc:
            await self._settle_failure(send, exc.reason, exc.permanent, exc.retry_after)
            if exc.permanent and send.action is OutboxAction.DELETE and self._on_refused:
                await self._on_refused(send)
            return None
        except Exception as exc:
            await self._settle_failure(send, type(exc).__name__, False, None)
            return None
        log.info("outbound.changed", outbox_id=send.id, action=send.action.value)
        return send.id, None

    async def _settle_failure(
        self, send: ClaimedSend, reason: str, permanent: bool, retry_after: float | None
    ) -> None:
        now = self._clock.now()
        expired = now - send.created_at >= self._policy.give_up_after
        async with self._store.transaction() as tx:
            if permanent or expired:
                await tx.outbox.mark_failed(send.id, error=reason)
            else:
                delay = self._policy.delay(send.attempts, retry_after)
                await tx.outbox.mark_retry(
                    send.id, not_before=now + timedelta(seconds=delay), error=reason
                )
        fields = {"outbox_id": send.id, "transport": send.transport, "attempts": send.attempts}
        if permanent or expired:
            log.error("outbound.failed", permanent=permanent, **fields)
        else:
            log.warning("outbound.retry", **fields)


def _outbound(send: ClaimedSend) -> Outbound:
    return Outbound(
        chat=ChatRef(send.transport, send.chat_id),
        text=send.text,
        buttons=tuple(tuple(Button(b.label, b.data) for b in row) for row in send.buttons),
        notice=send.notice,
        attachment=(
            Attachment(send.attachment.name, send.attachment.media_type, send.attachment.data)
            if send.attachment
            else None
        ),
        reply_to=send.reply_to_message_id,
    )
