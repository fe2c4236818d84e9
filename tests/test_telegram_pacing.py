"""About one message a second per private chat, as Telegram allows: a burst to one person
arrives in order and spaced out, an urgent message still goes first, and nobody else waits
behind that person."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from storage.models import Priority
from storage.repositories.outbox import NewSend
from tests.databases import copy_sqlite, sqlite_url
from tests.telegram_api.harness import TelegramHarness, running_telegram

HELSINKI = ZoneInfo("Europe/Helsinki")


class FollowingClock(ManualClock):
    """A manual clock that also moves with real time, so the outbox's own waits pass."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self._began = time.monotonic()

    def now(self) -> datetime:
        return super().now() + timedelta(seconds=time.monotonic() - self._began)


async def _until(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "did not arrive in time"
        await asyncio.sleep(0.01)


async def _queue(h: TelegramHarness, name: str, *texts: str, priority: Priority) -> None:
    async with h.app.store.transaction() as tx:
        await tx.outbox.enqueue_many(
            [NewSend("telegram", h.id(name), text, priority=priority) for text in texts]
        )
    h.app.sender.wake()


async def test_a_burst_to_one_person_is_paced_in_order_and_others_do_not_wait_behind_it(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher
) -> None:
    copy_sqlite(sqlite_template, tmp_path / "piiri.db")
    clock = FollowingClock(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    url = sqlite_url(tmp_path / "piiri.db")
    async with running_telegram(url, cipher, clock, private_chat_seconds=1.0) as h:
        burst = [f"viesti {n}" for n in range(1, 6)]
        await _queue(h, "Aino", *burst, priority=Priority.CONVERSATION)
        await _until(lambda: len(h.world.inbox("Aino")) == 1)
        await _queue(h, "Aino", "kiireellinen", priority=Priority.URGENT)
        h.world.say("Eero", "/start")
        await _until(lambda: len(h.world.inbox("Aino")) == 6 and bool(h.world.inbox("Eero")))

    got = h.world.inbox("Aino")
    assert [p.text for p in got] == [burst[0], "kiireellinen", *burst[1:]]
    gaps = [later.at - earlier.at for earlier, later in pairwise(got)]
    assert min(gaps) >= 0.95, gaps
    eero = h.world.inbox("Eero")[0]
    assert eero.at < got[1].at, "Eero's answer did not wait behind Aino's messages"
