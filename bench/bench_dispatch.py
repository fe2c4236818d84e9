"""How many inbound events per second the core flow handles on a SQLite file.

Prints the figures and their ratio against a baseline run in the same process: the bare
de-duplication transaction (claim one event id, commit), which is the floor any event pays.
Run: `.venv/bin/python -m bench.bench_dispatch [--events N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_app
from bot.config import Settings
from bot.transports.memory import MemoryTransport
from storage.clock import ManualClock
from storage.crypto import IdentityCipher, generate_key
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.store import Store


async def _migrated(url: str) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()


async def baseline(url: str, events: int) -> float:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    store = Store(create_engine(url), IdentityCipher.from_text(generate_key()), clock)
    started = time.perf_counter()
    for n in range(events):
        async with store.transaction() as tx:
            await tx.inbound.claim_event("bench", f"base-{n}")
    elapsed = time.perf_counter() - started
    await store.close()
    return events / elapsed


async def dispatch(
    url: str, events: int, people: int, *, trace_memory: bool = False
) -> tuple[float, float, int]:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    transport = MemoryTransport()
    settings = Settings.model_validate({"database": {"url": url}})
    app = build_app(settings, IdentityCipher.from_text(generate_key()), [transport], clock=clock)
    inbound = [
        transport.say(f"person-{n % people}", "/help" if n % 3 else "/tuntematon")
        for n in range(events)
    ]
    if trace_memory:
        tracemalloc.start()
    started = time.perf_counter()
    for event in inbound:
        await app.dispatcher.handle(event)
    handled = time.perf_counter() - started
    started = time.perf_counter()
    await app.sender.drain()
    sent = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace_memory else 0
    tracemalloc.stop()
    await app.store.close()
    assert sum(len(transport.inbox(f"person-{p}")) for p in range(people)) == events
    return events / handled, events / sent, peak


async def main(events: int, people: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base_url = f"sqlite+aiosqlite:///{Path(tmp) / 'base.db'}"
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        memory_url = f"sqlite+aiosqlite:///{Path(tmp) / 'memory.db'}"
        for each in (base_url, url, memory_url):
            await _migrated(each)
        floor = await baseline(base_url, events)
        handled, sent, _ = await dispatch(url, events, people)
        _, _, peak = await dispatch(memory_url, min(events, 500), people, trace_memory=True)
    print(f"events: {events}, people: {people}, store: SQLite file (WAL)")
    print(f"baseline  claim-only transactions : {floor:8.0f} /s")
    print(
        f"dispatch  event -> queued reply   : {handled:8.0f} /s  ({handled / floor:.2f}x baseline)"
    )
    print(f"outbound  queued -> sent          : {sent:8.0f} /s  ({sent / floor:.2f}x baseline)")
    print(f"peak traced memory, 500 events in a separate pass: {peak / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--people", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.people))
