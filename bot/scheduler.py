"""The in-process timer that wakes the prompt firer: APScheduler, rebuilt from the store.

The store is the source of truth. APScheduler holds only two jobs: one at the moment the next
post falls due (re-armed after every round), and a slow poll that notices posts another
instance or a `piiri group …` command added. Both only wake one loop, so rounds never overlap;
each round posts what is due (`groups.firing`) and re-reads the next due moment. A restart
therefore needs no rebuild beyond one query, however many groups there are.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.housekeeping import Housekeeping
from bot.logs import get_logger
from groups.firing import FireReport, PromptFirer
from storage.clock import Clock

log = get_logger(__name__)


class DueWork(Protocol):
    """Work the timer wakes for besides prompts: deferred messages, alert escalations."""

    async def run(self) -> int: ...

    async def next_due_at(self) -> datetime | None: ...


NEXT_JOB = "next-due-post"
POLL_JOB = "poll-store"
HOUSEKEEPING_JOB = "housekeeping"
HOUSEKEEPING_EVERY = timedelta(hours=1)


class PromptScheduler:
    def __init__(
        self,
        firer: PromptFirer,
        clock: Clock,
        *,
        poll_seconds: float,
        on_fired: Callable[[], None] = lambda: None,
        housekeeping: Housekeeping | None = None,
        due_work: tuple[DueWork, ...] = (),
    ) -> None:
        self._firer = firer
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._on_fired = on_fired
        self._housekeeping = housekeeping
        self._due_work = due_work
        self._housekeeping_due = housekeeping is not None
        self._wake = asyncio.Event()
        self._round = asyncio.Lock()
        self._stopping = False
        self._timer: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def housekeeping(self) -> Housekeeping | None:
        return self._housekeeping

    def wake(self) -> None:
        self._wake.set()

    async def _housekeeping_job(self) -> None:
        """Only marks it due: the loop runs it, so `stop` waits for it like for a round."""
        self._housekeeping_due = True
        self._wake.set()

    async def _wake_job(self) -> None:
        """The timer's job: a coroutine, so it runs on the event loop, not in a worker thread."""
        self._wake.set()

    async def start(self) -> None:
        self._stopping = False
        self._timer = AsyncIOScheduler(timezone=UTC)
        self._timer.add_job(
            self._wake_job,
            IntervalTrigger(seconds=self._poll_seconds, timezone=UTC),
            id=POLL_JOB,
            coalesce=True,
            misfire_grace_time=None,
        )
        if self._housekeeping is not None:
            self._timer.add_job(
                self._housekeeping_job,
                IntervalTrigger(seconds=HOUSEKEEPING_EVERY.total_seconds(), timezone=UTC),
                id=HOUSEKEEPING_JOB,
                coalesce=True,
                misfire_grace_time=None,
            )
        self._timer.start()
        self._task = asyncio.create_task(self._run(), name="prompt-scheduler")
        self._wake.set()

    async def stop(self) -> None:
        """Finish the round in hand; posts left `sending` are taken again after their lease."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._timer is not None:
            self._timer.shutdown(wait=False)
            self._timer = None

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._stopping:
                break
            try:
                await self.tick()
                if self._housekeeping is not None and self._housekeeping_due:
                    self._housekeeping_due = False
                    await self._housekeeping.run()
            except Exception:
                log.exception("scheduler.round_failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)

    async def tick(self) -> FireReport:
        """One round: post what is due, then arm the timer for the next due moment.

        Rounds in one process never overlap: a caller waits for the round in hand first.
        """
        async with self._round:
            return await self._tick()

    async def _tick(self) -> FireReport:
        report = await self._firer.fire_due()
        for work in self._due_work:
            try:
                done = await work.run()
            except Exception:  # one failing job must not stop the prompts or the others
                log.exception("scheduler.due_work_failed", work=type(work).__name__)
                continue
            if done:
                self._on_fired()
        if report.sent or report.missed or report.failed:
            log.info(
                "scheduler.round",
                posted=report.sent,
                deliveries=report.deliveries,
                missed=report.missed,
                failed=report.failed,
            )
            self._on_fired()
        await self._arm()
        return report

    async def _arm(self) -> None:
        if self._timer is None:
            return
        due = await self._firer.next_due_at()
        for work in self._due_work:
            waiting = await work.next_due_at()
            if waiting is not None and (due is None or waiting < due):
                due = waiting
        if due is None:
            if self._timer.get_job(NEXT_JOB) is not None:
                self._timer.remove_job(NEXT_JOB)
            return
        # APScheduler counts in real time; the injected clock may not (a test's manual clock),
        # so the timer is set by the delay the clock sees, not by the moment itself.
        delay = max(due - self._clock.now(), timedelta(milliseconds=10))
        self._timer.add_job(
            self._wake_job,
            DateTrigger(run_date=datetime.now(UTC) + delay, timezone=UTC),
            id=NEXT_JOB,
            replace_existing=True,
            misfire_grace_time=None,
        )
