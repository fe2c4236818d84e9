"""Restarting with 10,000 running groups: how long until the prompt timer is armed again, how
much memory that takes, and how late 1,000 prompts due in the same minute are posted.

The data (each group 9 sessions of 7 prompts, all `running`, sessions a year ahead) is bulk
inserted by a child process, so this process's peak memory is Piiri's alone. Then the opening
round of session 1 (s1p3) of `--due` groups, spread over the whole table, is moved to `--lead`
seconds from now, spread evenly over `--spread` seconds (0: all at the same instant, as on a
real evening when many groups start at 18:00), and each such group has one member in a private
chat. The parts are built as `bot.app.build_app` builds them: store, prompt firer, the real
APScheduler timer, the outbound sender on an in-memory transport, the real system clock.
"Rebuild" is the time from constructing them until the first round has run and the timer is
armed. Lateness is `fired_at - due_at` of each post (queued in the outbox) and, end to end,
its arrival at the fake transport.

The baseline, in the same process, is the obvious alternative: load every pending post as an
ORM object and add one APScheduler `DateTrigger` job per post (holding the object) to a
started but paused `AsyncIOScheduler`. It runs on the first `--baseline-fraction` of the
posts (a full run takes over a minute and a gigabyte) and is extrapolated linearly, which
flatters it: one full run here took 80 s where a quarter extrapolated to 65 s (memory matched).

Run: `.venv/bin/python -m bench.scheduler [--groups N] [--due N] [--spread S]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import multiprocessing
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.i18n import Catalogues
from bot.outbound import OutboundSender, RetryPolicy
from bot.ports import Outbound, SentMessage, TransportSet
from bot.scheduler import PromptScheduler
from bot.transports.memory import MemoryTransport
from groups.firing import FireReport, ProgrammeCache, PromptFirer
from groups.programme import Programme
from groups.schedule import Series, Slot, plan
from storage.clock import SystemClock
from storage.crypto import IdentityCipher, generate_key
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import (
    Group,
    GroupMode,
    GroupSession,
    GroupStatus,
    PostStatus,
    ScheduledPost,
    SessionStatus,
)
from storage.store import Store
from tests.programmes import make_programme

GOAL_REBUILD_S = 5.0
GOAL_MEMORY_MIB = 300.0
GOAL_P99_MS = 1000.0

ZONE = "Europe/Helsinki"
LOCAL_TIMES = (clock_time(17, 0), clock_time(18, 0), clock_time(18, 30), clock_time(19, 0))
SESSIONS_PER_GROUP = 9
DUE_SESSION, DUE_PROMPT = 1, 3  # s1p3: the opening round of session 1
CHUNK = 50_000  # rows per executemany
POLL_SECONDS = 30.0  # the default `[schedule] poll_seconds`
SETTLE_TIMEOUT_S = 180.0  # after the last post was due


# --- building the data (in a child process) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Built:
    seconds: float
    groups: int
    sessions: int
    posts: int
    due_post_ids: tuple[int, ...]
    database_mib: float


def post_id(group_index: int, number: int, prompt: int, per_session: int) -> int:
    """Ids are assigned, not generated: group g's session n's prompt p (n, p from 1)."""
    return (group_index * SESSIONS_PER_GROUP + number - 1) * per_session + prompt


def due_group_indexes(groups: int, due: int) -> list[int]:
    """`due` groups spread evenly over all of them."""
    step = groups / due
    return [int(k * step) for k in range(due)]


def member_name(group_index: int) -> str:
    return f"member-{group_index}"


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Plans:
    """Session slots per distinct series: the groups share a hundred, each planned once."""

    def __init__(self, programme: Programme, first: date) -> None:
        self._programme = programme
        self._first = first
        self._by_series: dict[Series, list[Slot]] = {}

    def slots(self, g: int) -> list[Slot]:
        series = Series(
            first_date=self._first + timedelta(days=g % 28),
            local_time=LOCAL_TIMES[g % len(LOCAL_TIMES)],
            zone=ZONE,
            every_days=7,
        )
        if series not in self._by_series:
            count = len(self._programme.sessions)
            self._by_series[series] = plan(series, count, self._programme.session_minutes)
        return self._by_series[series]


def _group_rows(groups: int, snapshot_id: int, now: datetime) -> Iterator[dict[str, Any]]:
    for g in range(groups):
        yield {
            "id": g + 1,
            "name": f"Ryhmä {g + 1}",
            "programme_snapshot_id": snapshot_id,
            "status": GroupStatus.RUNNING,
            "mode": GroupMode.RELAY,
            "language": "fi",
            "timezone": ZONE,
            "every_days": 7,
            "skip_dates": [],
            "session_minutes": 90,
            "policy": {},
            "created_at": now,
            "updated_at": now,
        }


def _session_rows(groups: int, plans: _Plans) -> Iterator[dict[str, Any]]:
    for g in range(groups):
        for number, place in enumerate(plans.slots(g), start=1):
            yield {
                "id": g * SESSIONS_PER_GROUP + number,
                "group_id": g + 1,
                "number": number,
                "starts_at": place.starts_at,
                "ends_at": place.ends_at,
                "status": SessionStatus.SCHEDULED,
            }


def _post_rows(groups: int, plans: _Plans, programme: Programme) -> Iterator[dict[str, Any]]:
    per_session = len(programme.sessions[0].prompts)
    for g in range(groups):
        for session_plan, place in zip(programme.sessions, plans.slots(g), strict=True):
            for index, prompt in enumerate(session_plan.prompts, start=1):
                yield {
                    "id": post_id(g, session_plan.number, index, per_session),
                    "session_id": g * SESSIONS_PER_GROUP + session_plan.number,
                    "prompt_key": prompt.key,
                    "kind": prompt.kind.value,
                    "due_at": prompt.at.resolve(place.starts_at, place.ends_at),
                    "status": PostStatus.PENDING,
                }


async def _insert_all(engine: AsyncEngine, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    async with engine.begin() as conn:
        for chunk in _chunks(rows):
            await conn.execute(insert(model), chunk)
            count += len(chunk)
    return count


async def _build(url: str, groups: int, due: int, key: str) -> Built:
    started = time.perf_counter()
    clock = SystemClock()
    engine = create_engine(url)
    await upgrade(engine)
    store = Store(engine, IdentityCipher.from_text(key), clock)
    programme = make_programme()
    assert len(programme.sessions) == SESSIONS_PER_GROUP
    per_session = len(programme.sessions[0].prompts)
    async with store.transaction() as tx:
        snapshot = await tx.programmes.snapshot(programme.key, programme.version, programme.content)
    now = clock.now()
    plans = _Plans(programme, (now + timedelta(days=365)).date())
    group_count = await _insert_all(engine, Group, _group_rows(groups, snapshot.id, now))
    sessions = await _insert_all(engine, GroupSession, _session_rows(groups, plans))
    posts = await _insert_all(engine, ScheduledPost, _post_rows(groups, plans, programme))
    transport = MemoryTransport()
    due_groups = due_group_indexes(groups, due)
    async with store.transaction() as tx:
        for g in due_groups:
            name = member_name(g)
            person = await tx.persons.identify(
                transport.name, name, dm_chat=transport.dm(name).chat_id
            )
            await tx.memberships.add(g + 1, person.id, name.title())
    await store.close()  # the last connection closing checkpoints the WAL into the file
    return Built(
        seconds=time.perf_counter() - started,
        groups=group_count,
        sessions=sessions,
        posts=posts,
        due_post_ids=tuple(post_id(g, DUE_SESSION, DUE_PROMPT, per_session) for g in due_groups),
        database_mib=0.0,
    )


def build_database(url: str, path: str, groups: int, due: int, key: str) -> tuple[Any, ...]:
    """Runs in the child process. A plain tuple crosses back: the child's classes live in
    `__mp_main__`, which the parent could not unpickle."""
    built = asyncio.run(_build(url, groups, due, key))
    size = Path(path).stat().st_size / 1024 / 1024
    return astuple(replace(built, database_mib=size))


# --- memory ---------------------------------------------------------------------------------


def rss_mib() -> float:
    """The current resident set (VmRSS); the peak where there is no /proc."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mib()


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- Piiri: rebuild, then post the due prompts ------------------------------------------------


class TimedTransport(MemoryTransport):
    """The in-memory transport, noting when each chat's first message arrived."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.expected = expected
        self.arrivals: dict[str, datetime] = {}
        self.delivered = asyncio.Event()

    async def send(self, message: Outbound) -> SentMessage:
        sent = await super().send(message)
        self.arrivals.setdefault(message.chat.chat_id, datetime.now(UTC))
        if len(self.arrivals) >= self.expected:
            self.delivered.set()
        return sent


class TimedScheduler(PromptScheduler):
    """The real scheduler, telling the bench when rounds end and how long they took."""

    def __init__(self, *args: Any, expected: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.settled = 0
        self.round_seconds: list[float] = []
        self.armed = asyncio.Event()
        self.all_settled = asyncio.Event()

    async def tick(self) -> FireReport:
        started = time.perf_counter()
        report = await super().tick()
        self.round_seconds.append(time.perf_counter() - started)
        self.settled += report.sent + report.missed + report.failed
        self.armed.set()
        if self.settled >= self.expected:
            self.all_settled.set()
        return report


@dataclass(slots=True)
class PiiriRun:
    rebuild_s: float = 0.0
    rss_before_mib: float = 0.0
    rss_after_mib: float = 0.0
    peak_rss_mib: float = 0.0
    first_due_in_s: float = 0.0
    timed_out: str = ""
    queued_ms: list[float] = field(default_factory=list)
    delivered_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    rounds: list[float] = field(default_factory=list)
    next_due_query_ms: float = 0.0
    lifecycle_ms: float = 0.0


async def _make_due(url: str, post_ids: Sequence[int], lead: float, spread: float) -> datetime:
    """Move the chosen posts to `lead` seconds from now, evenly over `spread` seconds."""
    first = datetime.now(UTC) + timedelta(seconds=lead)
    step = spread / max(len(post_ids) - 1, 1)
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            update(ScheduledPost)
            .where(ScheduledPost.id == bindparam("post_id"))
            .values(due_at=bindparam("new_due_at")),
            [
                {"post_id": pid, "new_due_at": first + timedelta(seconds=n * step)}
                for n, pid in enumerate(post_ids)
            ],
        )
    await engine.dispose()
    return first


async def _settle(
    scheduler: TimedScheduler, transport: TimedTransport | None, seconds: float
) -> str:
    """Wait for every post to be settled (and delivered); what timed out, if anything."""
    try:
        await asyncio.wait_for(scheduler.all_settled.wait(), timeout=seconds)
    except TimeoutError:
        return f"only {scheduler.settled} posts settled within {seconds:.0f} s"
    if transport is not None:
        try:
            await asyncio.wait_for(transport.delivered.wait(), timeout=seconds)
        except TimeoutError:
            return f"only {len(transport.arrivals)} delivered within {seconds:.0f} s"
    return ""


async def run_piiri(url: str, key: str, built: Built, args: argparse.Namespace) -> PiiriRun:
    run = PiiriRun()
    due = len(built.due_post_ids)
    first_due = await _make_due(url, built.due_post_ids, args.lead, args.spread)
    gc.collect()
    run.rss_before_mib = rss_mib()

    started = time.perf_counter()
    clock = SystemClock()
    store = Store(create_engine(url), IdentityCipher.from_text(key), clock)
    catalogues = Catalogues()
    transport = TimedTransport(expected=due)
    transports = TransportSet()
    transports.add(transport)
    sender = OutboundSender(store, transports, clock, RetryPolicy())
    firer = PromptFirer(store, clock, catalogues.translator, programmes=ProgrammeCache())
    scheduler = TimedScheduler(
        firer, clock, poll_seconds=POLL_SECONDS, on_fired=sender.wake, expected=due
    )
    if not args.no_sender:
        sender.start()
    await scheduler.start()
    await scheduler.armed.wait()
    run.rebuild_s = time.perf_counter() - started
    run.first_due_in_s = (first_due - datetime.now(UTC)).total_seconds()
    run.rss_after_mib = rss_mib()

    timeout = args.lead + args.spread + SETTLE_TIMEOUT_S
    try:
        run.timed_out = await _settle(scheduler, None if args.no_sender else transport, timeout)
    finally:
        await scheduler.stop()
        if not args.no_sender:
            await sender.stop()
    run.peak_rss_mib = peak_rss_mib()
    run.rounds = scheduler.round_seconds

    async with store.transaction() as tx:
        rows = (
            await tx.session.execute(
                select(
                    ScheduledPost.id,
                    ScheduledPost.due_at,
                    ScheduledPost.fired_at,
                    ScheduledPost.status,
                ).where(ScheduledPost.id.in_(built.due_post_ids))
            )
        ).all()
    per_session = len(make_programme().sessions[0].prompts)
    post_of_chat = {
        transport.dm(member_name(g)).chat_id: post_id(g, DUE_SESSION, DUE_PROMPT, per_session)
        for g in due_group_indexes(built.groups, due)
    }
    due_at = {pid: due_moment for pid, due_moment, _, _ in rows}
    for _, due_moment, fired_at, status in rows:
        run.statuses[status.value] = run.statuses.get(status.value, 0) + 1
        if fired_at is not None:
            run.queued_ms.append((fired_at - due_moment).total_seconds() * 1000)
    for chat, arrived in transport.arrivals.items():
        lateness = arrived - due_at[post_of_chat[chat]]
        run.delivered_ms.append(lateness.total_seconds() * 1000)

    # What every round pays however little is due, timed on its own.
    query_started = time.perf_counter()
    await firer.next_due_at()
    run.next_due_query_ms = (time.perf_counter() - query_started) * 1000
    query_started = time.perf_counter()
    await firer.advance_lifecycle()
    run.lifecycle_ms = (time.perf_counter() - query_started) * 1000
    await store.close()
    return run


# --- the naive baseline ---------------------------------------------------------------------


@dataclass(slots=True)
class BaselineRun:
    posts: int = 0
    of_posts: int = 0
    load_s: float = 0.0
    jobs_s: float = 0.0
    rss_delta_mib: float = 0.0

    @property
    def scale(self) -> float:
        return self.of_posts / self.posts if self.posts else 0.0

    @property
    def rebuild_s(self) -> float:
        return (self.load_s + self.jobs_s) * self.scale

    @property
    def memory_mib(self) -> float:
        return self.rss_delta_mib * self.scale


async def _naive_fire(post: ScheduledPost) -> None:  # never runs: the timer stays paused
    pass


async def run_baseline(url: str, fraction: float) -> BaselineRun:
    run = BaselineRun()
    engine = create_engine(url)
    pending = ScheduledPost.status == PostStatus.PENDING
    async with engine.connect() as conn:
        count = select(func.count()).select_from(ScheduledPost).where(pending)
        run.of_posts = (await conn.execute(count)).scalar_one()
    limit = max(1, min(run.of_posts, round(run.of_posts * fraction)))
    gc.collect()
    before = rss_mib()
    timer = AsyncIOScheduler(timezone=UTC)
    timer.start(paused=True)
    started = time.perf_counter()
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    # In due order: the kindest order for APScheduler's sorted job list.
    query = select(ScheduledPost).where(pending).order_by(ScheduledPost.due_at, ScheduledPost.id)
    async with sessions() as session:
        posts = list((await session.execute(query.limit(limit))).scalars())
    loaded = time.perf_counter()
    for post in posts:
        timer.add_job(
            _naive_fire,
            DateTrigger(run_date=post.due_at, timezone=UTC),
            args=[post],
            id=f"post-{post.id}",
            misfire_grace_time=None,
        )
    done = time.perf_counter()
    gc.collect()
    run.rss_delta_mib = rss_mib() - before
    run.posts = len(posts)
    run.load_s = loaded - started
    run.jobs_s = done - loaded
    assert len(timer.get_jobs()) == len(posts)
    timer.shutdown(wait=False)
    del posts
    await engine.dispose()
    return run


# --- report ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def verdict(value: float, goal: float, unit: str) -> str:
    return f"goal <= {goal:g} {unit}: {'met' if value <= goal else 'MISSED'}"


def lateness_line(label: str, values: Sequence[float]) -> str:
    if not values:
        return f"{label}: -"
    return (
        f"{label}: p50 {statistics.median(values):6.0f} ms  p99 {percentile(values, 0.99):6.0f} ms"
        f"  max {max(values):6.0f} ms"
    )


def report(args: argparse.Namespace, built: Built, piiri: PiiriRun, base: BaselineRun) -> None:
    due = len(built.due_post_ids)
    when = (
        "all at the same instant"
        if args.spread == 0
        else f"spread evenly over {args.spread:g} s ({due / args.spread:.0f}/s)"
    )
    print(
        f"groups: {built.groups} running, sessions: {built.sessions}, posts: {built.posts}; "
        f"store: SQLite file (WAL), {built.database_mib:.0f} MiB"
    )
    print(f"build: bulk inserts in a child process, {built.seconds:.1f} s (not a goal)")
    print(
        f"due: {due} posts (s1p3, one per group, each to one member), {when}; "
        f"system clock; in-memory transport"
        + ("; outbound sender NOT running" if args.no_sender else "")
    )
    print()
    added = piiri.rss_after_mib - piiri.rss_before_mib
    first_round = piiri.rounds[0] * 1000 if piiri.rounds else float("nan")
    print(
        f"rebuild   store+firer+timer -> armed : {piiri.rebuild_s * 1000:8.0f} ms   "
        f"{verdict(piiri.rebuild_s, GOAL_REBUILD_S, 's')}  (first round {first_round:.0f} ms)"
    )
    print(
        f"memory    resident after rebuild     : {piiri.rss_after_mib:8.1f} MiB  "
        f"{verdict(piiri.rss_after_mib, GOAL_MEMORY_MIB, 'MiB')}  (rebuild added {added:.1f} MiB, "
        f"peak over the run {piiri.peak_rss_mib:.1f} MiB)"
    )
    p99 = percentile(piiri.queued_ms, 0.99)
    print(
        lateness_line("lateness  due -> queued (fired_at)   ", piiri.queued_ms)
        + f"   {verdict(p99, GOAL_P99_MS, 'ms')} (p99)"
    )
    if not args.no_sender:
        print(lateness_line("lateness  due -> at the transport    ", piiri.delivered_ms))
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(piiri.statuses.items()))
    slowest = max(piiri.rounds) * 1000 if piiri.rounds else 0.0
    print(
        f"          posts {statuses}; {len(piiri.rounds)} rounds, slowest {slowest:.0f} ms; "
        f"the first was due {piiri.first_due_in_s:.1f} s after the rebuild"
    )
    if piiri.timed_out:
        print(f"          TIMED OUT: {piiri.timed_out}")
    print(
        f"per round next_due_at {piiri.next_due_query_ms:.0f} ms + "
        f"advance_lifecycle {piiri.lifecycle_ms:.0f} ms, whatever is due"
    )
    print()
    if base.posts < base.of_posts:
        how = (
            f"measured on {base.posts} of {base.of_posts} pending posts, "
            f"EXTRAPOLATED linearly x{base.scale:.2f}"
        )
    else:
        how = f"all {base.posts} pending posts"
    print(f"baseline  ORM posts -> one DateTrigger job each, paused timer ({how})")
    print(
        f"baseline  rebuild                    : {base.rebuild_s * 1000:8.0f} ms   "
        f"{base.rebuild_s / piiri.rebuild_s:.0f}x Piiri  (load {base.load_s * base.scale:.1f} s "
        f"+ jobs {base.jobs_s * base.scale:.1f} s)"
    )
    resident = piiri.rss_before_mib + base.memory_mib
    added_ratio = f"{base.memory_mib / added:.0f}x" if added > 0 else "n/a"
    print(
        f"baseline  memory added               : {base.memory_mib:8.1f} MiB  "
        f"{added_ratio} what Piiri's rebuild added; resident ~{resident:.0f} MiB, "
        f"{resident / piiri.rss_after_mib:.1f}x Piiri"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1000, help="posts due in the same minute")
    parser.add_argument("--lead", type=float, default=8.0, help="seconds until the first is due")
    parser.add_argument(
        "--spread", type=float, default=10.0, help="seconds the due posts are spread over"
    )
    parser.add_argument("--baseline-fraction", type=float, default=0.25)
    parser.add_argument(
        "--no-sender", action="store_true", help="leave the outbound sender stopped"
    )
    args = parser.parse_args()
    args.due = max(1, min(args.due, args.groups))
    key = generate_key()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            job = pool.submit(build_database, url, str(path), args.groups, args.due, key)
            built = Built(*job.result())
        piiri = asyncio.run(run_piiri(url, key, built, args))
        base = asyncio.run(run_baseline(url, args.baseline_fraction))
    report(args, built, piiri, base)


if __name__ == "__main__":
    main()
