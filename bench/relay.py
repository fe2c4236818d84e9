"""Relayed messages end to end: 100 groups of 10 members, an in-memory transport, a SQLite file.

An inbound message is "done" when it has been accepted, stored, fanned out to the 9 other
members through the outbox, each copy has reached the transport, and each delivery has been
recorded (`mark_sent`). The service is the one `bot.app.build_app` builds, started as in
production (transport pump, outbound sender, prompt timer) on the real system clock. Members
are put into groups directly in the store, not through the join flow; no session is due during
the run. Each message carries a marker (`msg-000123`); the transport notes when each copy
arrives, so a message's latency is (its last copy at the transport) - (its injection).

Phases, in one process and one database file:

- burst: `--messages` injected at once (or at `--rate`/s); the transport pumps them one by
  one, as it always does. Throughput is the headline; latency here is mostly queueing.
- paced: `--paced-messages` at `--paced-rate`/s, the latency that matters when the rate is
  below what the service can take; a phase whose events were handled slower than injected is
  marked "saturated", and its latency is then queueing too.
- one by one: `--one-by-one` messages, each injected once the one before it has been
  recorded: the latency with no queueing, comparable to the baseline's.
- baseline: a naive relay written here, on the same store after the service has stopped,
  one message at a time: claim + identify + store the message in one transaction, then one
  transaction per copy (outbox row + copy row), then each copy sent in turn and recorded in
  its own transaction. Its latency has no queueing in it, which flatters it.

Goals (issue): >= 1,000 inbound messages/s and p99 <= 20 ms on one core. They are printed next
to the figures and never fail the run. Screening for personal information is on the path; the
other detectors come with issue 5.

Run: `.venv/bin/python -m bench.relay [--messages N] [--paced-rate R] [--json]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import resource
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bot.app import App, build_app
from bot.config import Settings
from bot.ports import (
    ChatRef,
    Inbound,
    InboundKind,
    Outbound,
    SentMessage,
)
from bot.transports.memory import MemoryTransport
from groups.fanout import recipients
from groups.planning import NewGroup, create_group
from groups.schedule import Series
from storage.clock import SystemClock
from storage.crypto import IdentityCipher, generate_key
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import MessageState, OutboxStatus
from storage.store import Store

GOAL_PER_SECOND = 1000.0
GOAL_P99_MS = 20.0

GROUPS = 100
BENCH_DATABASE = "piiri_bench_relay"
MEMBERS = 10
COPIES = MEMBERS - 1
PROGRAMME = "tunteet"
ZONE = "Europe/Helsinki"
FIRST_SESSION_IN = timedelta(days=30)  # nothing the prompt timer would post during the run
BODY = "Tänään oli raskas päivä, mutta kiitos että kuuntelitte eilen."
MARKER = re.compile(r"msg-(\d{6})")
SETTLE_TIMEOUT_S = 120.0

BURST = "burst"
PACED = "paced"
ONE_BY_ONE = "one by one"
BASELINE = "baseline (one by one)"


# --- the transport ---------------------------------------------------------------------------


class TimedTransport(MemoryTransport):
    """The in-memory transport, noting when each marked message's copies arrive."""

    def __init__(self) -> None:
        super().__init__()
        self.copies: dict[int, int] = {}
        self.last_copy: dict[int, float] = {}
        self.arrived = 0
        self.expected = 0
        self.done = asyncio.Event()

    def expect(self, copies: int) -> None:
        self.expected = self.arrived + copies
        self.done.clear()

    async def send(self, message: Outbound) -> SentMessage:
        sent = await super().send(message)
        at = time.perf_counter()
        found = MARKER.search(message.text)
        if found is not None:
            seq = int(found.group(1))
            self.copies[seq] = self.copies.get(seq, 0) + 1
            self.last_copy[seq] = at
            self.arrived += 1
            if self.arrived >= self.expected:
                self.done.set()
        return sent


def marked(seq: int) -> str:
    return f"msg-{seq:06d} {BODY}"


# --- figures ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Phase:
    label: str
    messages: int
    rate: float | None  # injected per second; None: all at once
    wall_s: float = 0.0  # first injection -> every delivery recorded
    accepted_s: float = 0.0  # first injection -> every event handled (stored, queued)
    delivered_s: float = 0.0  # first injection -> the last copy at the transport
    cpu_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    missing: int = 0  # copies that had not arrived when the phase timed out

    @property
    def per_second(self) -> float:
        return self.messages / self.wall_s if self.wall_s else 0.0

    @property
    def copies_per_second(self) -> float:
        return self.messages * COPIES / self.wall_s if self.wall_s else 0.0

    @property
    def cores(self) -> float:
        return self.cpu_s / self.wall_s if self.wall_s else 0.0

    def p(self, fraction: float) -> float:
        return percentile(self.latencies_ms, fraction)

    def as_dict(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "inject_rate": self.rate,
            "messages_per_s": round(self.per_second, 1),
            "copies_per_s": round(self.copies_per_second, 1),
            "accepted_s": round(self.accepted_s, 3),
            "delivered_s": round(self.delivered_s, 3),
            "recorded_s": round(self.wall_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "cores": round(self.cores, 2),
            "p50_ms": round(self.p(0.50), 2),
            "p99_ms": round(self.p(0.99), 2),
            "max_ms": round(max(self.latencies_ms, default=float("nan")), 2),
            "missing_copies": self.missing,
        }


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- setting up ------------------------------------------------------------------------------


async def populate(app: App, transport: MemoryTransport) -> list[str]:
    """GROUPS groups of MEMBERS members, each a person with a private chat; their user ids."""
    programme = app.programmes.get(PROGRAMME)
    if programme is None:
        raise SystemExit(f"programme {PROGRAMME!r} is not in the library")
    now = app.clock.now()
    series = Series(
        first_date=(now + FIRST_SESSION_IN).date(), local_time=clock_time(18, 0), zone=ZONE
    )
    users = []
    for g in range(GROUPS):
        async with app.store.transaction() as tx:
            spec = NewGroup(name=f"Ryhmä {g + 1}", programme=programme, series=series)
            group = await create_group(tx, spec, now=now, actor_person_id=None, via="bench")
            for n in range(MEMBERS):
                user = f"u{g:03d}-{n}"
                person = await tx.persons.identify(
                    transport.name, user, dm_chat=transport.dm(user).chat_id
                )
                await tx.memberships.add(group.id, person.id, f"Jäsen {n + 1}")
                users.append(user)
    return users


async def sent_rows(store: Store) -> int:
    async with store.transaction() as tx:
        return (await tx.outbox.count_by_status())[OutboxStatus.SENT]


# --- Piiri -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """The service under test and what the bench has asked of it so far."""

    app: App
    transport: TimedTransport
    users: list[str]
    rng: random.Random
    next_seq: int = 1
    copies_sent: int = 0

    def take(self, count: int) -> range:
        seqs = range(self.next_seq, self.next_seq + count)
        self.next_seq += count
        return seqs


async def run_phase(run: Run, label: str, count: int, rate: float | None) -> Phase:
    phase = Phase(label, count, rate)
    transport = run.transport
    seqs = run.take(count)
    transport.expect(count * COPIES)
    injected: dict[int, float] = {}
    cpu_started = time.process_time()
    started = time.perf_counter()
    for index, seq in enumerate(seqs):
        if rate:
            delay = started + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        injected[seq] = time.perf_counter()
        transport.say(run.rng.choice(run.users), marked(seq))
    await transport.wait_idle()
    phase.accepted_s = time.perf_counter() - started
    deadline = time.perf_counter() + SETTLE_TIMEOUT_S
    try:
        await asyncio.wait_for(transport.done.wait(), timeout=SETTLE_TIMEOUT_S)
    except TimeoutError:
        phase.missing = transport.expected - transport.arrived
    run.copies_sent += count * COPIES - phase.missing
    while time.perf_counter() < deadline:  # the last `mark_sent` commits after its send
        if await sent_rows(run.app.store) >= run.copies_sent:
            break
        await asyncio.sleep(0.002)
    phase.wall_s = time.perf_counter() - started
    phase.cpu_s = time.process_time() - cpu_started
    arrivals = [transport.last_copy[s] for s in seqs if s in transport.last_copy]
    phase.delivered_s = max(arrivals, default=started) - started
    phase.latencies_ms = [
        (transport.last_copy[s] - injected[s]) * 1000
        for s in seqs
        if transport.copies.get(s) == COPIES
    ]
    return phase


async def run_one_by_one(run: Run, label: str, count: int) -> Phase:
    """Each message injected only once the one before it has been delivered: no queueing."""
    phase = Phase(label, count, None)
    for _ in range(count):
        one = await run_phase(run, label, 1, None)
        phase.wall_s += one.wall_s
        phase.accepted_s += one.accepted_s
        phase.delivered_s += one.delivered_s
        phase.cpu_s += one.cpu_s
        phase.latencies_ms += one.latencies_ms
        phase.missing += one.missing
    return phase


async def run_piiri(url: str, key: str, args: argparse.Namespace) -> tuple[list[Phase], float]:
    transport = TimedTransport()
    settings = Settings.model_validate({"database": {"url": url}})
    app = build_app(settings, IdentityCipher.from_text(key), [transport], clock=SystemClock())
    setup_started = time.perf_counter()
    users = await populate(app, transport)
    setup_s = time.perf_counter() - setup_started
    run = Run(app, transport, users, random.Random(args.seed))  # noqa: S311 - picks senders
    await app.start()
    phases = []
    try:
        await run_phase(run, "warm-up", args.warmup, None)
        phases.append(await run_phase(run, BURST, args.messages, args.rate or None))
        phases.append(await run_phase(run, PACED, args.paced_messages, args.paced_rate))
        phases.append(await run_one_by_one(run, ONE_BY_ONE, args.one_by_one))
    finally:
        await app.stop()
    return phases, setup_s


# --- the naive baseline ----------------------------------------------------------------------


async def naive_relay(store: Store, transport: TimedTransport, event: Inbound) -> None:
    text = event.text or ""
    async with store.transaction() as tx:
        if not await tx.inbound.claim_event(event.transport, event.event_id):
            return
        person = await tx.persons.identify(
            event.transport, event.sender.user_id, dm_chat=event.chat.chat_id
        )
        author = (await tx.memberships.for_person(person.id))[0]
        group = await tx.groups.get(author.group_id)
        assert group is not None
        targets = [r for r in await recipients(tx, group) if r.membership_id != author.id]
        message = await tx.messages.add(
            group_id=group.id,
            membership_id=author.id,
            text=text,
            state=MessageState.ACCEPTED,
            source_transport=event.transport,
            source_chat_id=event.chat.chat_id,
            source_message_id=event.message_id or "",
        )
    copy = f"{author.pseudonym}: {text}"
    queued = []
    for target in targets:
        async with store.transaction() as tx:
            row = await tx.outbox.enqueue(target.transport, target.chat_id, copy)
            await tx.messages.add_copy(
                message, membership_id=target.membership_id, outbox_id=row.id
            )
        queued.append((row.id, ChatRef(target.transport, target.chat_id)))
    for row_id, chat in queued:
        sent = await transport.send(Outbound(chat, copy))
        async with store.transaction() as tx:
            await tx.outbox.mark_sent(row_id, sent.message_id)


async def run_baseline(url: str, key: str, users: list[str], args: argparse.Namespace) -> Phase:
    store = Store(create_engine(url), IdentityCipher.from_text(key), SystemClock())
    transport = TimedTransport()  # never started: the naive relay calls `send` itself
    rng = random.Random(args.seed + 1)  # noqa: S311 - picks senders
    first = 900_000  # markers apart from the service's

    def say(seq: int) -> Inbound:
        user = rng.choice(users)
        return Inbound(
            transport=transport.name,
            event_id=f"base-{seq}",
            kind=InboundKind.MESSAGE,
            sender=transport.user(user),
            chat=transport.dm(user),
            is_private=True,
            text=marked(seq),
            message_id=f"base-in-{seq}",
        )

    for seq in range(first - args.warmup, first):
        await naive_relay(store, transport, say(seq))
    phase = Phase(BASELINE, args.baseline_messages, None)
    cpu_started = time.process_time()
    started = time.perf_counter()
    for seq in range(first, first + args.baseline_messages):
        taken = time.perf_counter()
        await naive_relay(store, transport, say(seq))
        phase.latencies_ms.append((transport.last_copy[seq] - taken) * 1000)
    phase.wall_s = phase.accepted_s = phase.delivered_s = time.perf_counter() - started
    phase.cpu_s = time.process_time() - cpu_started
    await store.close()
    return phase


# --- report ----------------------------------------------------------------------------------


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def saturated(phase: Phase) -> bool:
    """Injected faster than the service handled them: the latency is mostly queueing."""
    if phase.rate is None or not phase.accepted_s:
        return False
    return phase.messages / phase.accepted_s < 0.9 * phase.rate


def report(
    args: argparse.Namespace, setup_s: float, phases: list[Phase], base: Phase, peak: float
) -> None:
    burst, paced, single = phases
    store = "PostgreSQL (asyncpg)" if args.postgres else "SQLite file (WAL)"
    print(
        f"groups: {GROUPS} x {MEMBERS} members (relay mode, always open), programme {PROGRAMME}; "
        f"store: {store}; in-memory transport; system clock; setup {setup_s:.1f} s"
    )
    print("moderation: personal-information screening on the path (other detectors: issue 5)")
    print(
        f"a message is done when accepted, stored, its {COPIES} copies queued, at the transport "
        f"and recorded sent; warm-up {args.warmup}; senders at random (seed {args.seed})"
    )
    print()
    header = (
        f"{'phase':<23}{'msgs':>6}{'injected':>10}{'msg/s':>8}{'copies/s':>10}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'cpu/wall':>10}"
    )
    print(header)
    print("-" * len(header))
    for phase in (*phases, base):
        inject = "at once" if phase.rate is None else f"{phase.rate:g}/s"
        if phase in (single, base):
            inject = "in turn"
        notes = "  saturated" if saturated(phase) else ""
        if phase.missing:
            notes += f"  {phase.missing} copies MISSING"
        print(
            f"{phase.label:<23}{phase.messages:>6}{inject:>10}{phase.per_second:>8.0f}"
            f"{phase.copies_per_second:>10.0f}{phase.p(0.5):>9.1f}{phase.p(0.99):>9.1f}"
            f"{max(phase.latencies_ms, default=float('nan')):>9.1f}{phase.cores:>10.2f}{notes}"
        )
    print()
    print(
        f"throughput  burst, until all recorded : {burst.per_second:8.0f} msg/s  "
        f"goal >= {GOAL_PER_SECOND:g}/s: {met(burst.per_second >= GOAL_PER_SECOND)}   "
        f"{burst.per_second / base.per_second:.2f}x baseline"
    )
    print(
        f"            burst, accepted+stored    : {burst.messages / burst.accepted_s:8.0f} msg/s  "
        f"(all handled at {burst.accepted_s:.1f} s, last copy at the transport "
        f"{burst.delivered_s:.1f} s, recorded {burst.wall_s:.1f} s)"
    )
    for phase in (paced, single):
        note = "  (saturated: queueing)" if saturated(phase) else ""
        print(
            f"latency p99 {phase.label:<24}: {phase.p(0.99):8.1f} ms     "
            f"goal <= {GOAL_P99_MS:g} ms: {met(phase.p(0.99) <= GOAL_P99_MS)}   "
            f"baseline p99 / this {base.p(0.99) / phase.p(0.99):.3g}x{note}"
        )
    print(
        f"cpu         burst                     : {burst.cores:8.2f} cores (process CPU / wall, "
        f"{'the database server not included' if args.postgres else 'SQLite threads included'}); "
        f"peak RSS {peak:.0f} MiB"
    )
    print()
    print(
        "baseline: naive relay on the same store after the service stopped: one commit per "
        "copy, sends in turn, each recorded in its own commit; one message at a time."
    )


def figures(
    args: argparse.Namespace, setup_s: float, phases: list[Phase], base: Phase, peak: float
) -> dict[str, Any]:
    burst, paced, single = phases
    return {
        "groups": GROUPS,
        "members": MEMBERS,
        "moderation": "personal_info screening only",
        "setup_s": round(setup_s, 2),
        "peak_rss_mib": round(peak, 1),
        "phases": {p.label: {**p.as_dict(), "saturated": saturated(p)} for p in (*phases, base)},
        "goals": {
            "messages_per_s": GOAL_PER_SECOND,
            "messages_per_s_met": burst.per_second >= GOAL_PER_SECOND,
            "p99_ms": GOAL_P99_MS,
            "p99_ms_met": {p.label: p.p(0.99) <= GOAL_P99_MS for p in (paced, single)},
        },
        "ratios": {
            "throughput_vs_baseline": round(burst.per_second / base.per_second, 3),
            "baseline_p99_over_p99": {
                p.label: round(base.p(0.99) / p.p(0.99), 3) for p in (paced, single)
            },
        },
        "seed": args.seed,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


async def fresh_postgres(server: str) -> str:
    """A new, empty database on the server at `server` (a postgresql+asyncpg URL), migrated."""
    base = make_url(server)
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        await conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    finally:
        await conn.close()
    url = base.set(database=BENCH_DATABASE).render_as_string(False)
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    return url


async def main(args: argparse.Namespace) -> None:
    key = generate_key()
    users = [f"u{g:03d}-{n}" for g in range(GROUPS) for n in range(MEMBERS)]
    if args.postgres:
        url = await fresh_postgres(args.postgres)
        phases, setup_s = await run_piiri(url, key, args)
        base = await run_baseline(url, key, users, args)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            engine = create_engine(url)
            await upgrade(engine)
            await engine.dispose()
            phases, setup_s = await run_piiri(url, key, args)
            base = await run_baseline(url, key, users, args)
    peak = peak_rss_mib()
    if args.json:
        print(json.dumps(figures(args, setup_s, phases, base, peak), indent=2))
    else:
        report(args, setup_s, phases, base, peak)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000, help="inbound messages, burst")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="inject the burst at this rate (0: all at once)"
    )
    parser.add_argument("--paced-messages", type=int, default=1000)
    parser.add_argument("--paced-rate", type=float, default=50.0, help="messages/s, paced")
    parser.add_argument(
        "--one-by-one", type=int, default=100, help="messages sent each after the last delivered"
    )
    parser.add_argument("--baseline-messages", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help=f"run on PostgreSQL instead (a fresh database {BENCH_DATABASE} on that server), "
        "e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test",
    )
    asyncio.run(main(parser.parse_args()))
