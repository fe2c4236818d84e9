"""1,000 web chat members on one Piiri process: memory per idle connection, inbound messages
per second, and the latency from a member's send to the last copy on the other members' pages.

Piiri runs as `python -m bot run` in a child process on a real SQLite file with moderation on,
serving only the web chat, exactly as `piiri run` does on its embedded defaults. This process
plays the members: 100 groups of 10, put into their groups directly in the store (not through
the join flow), each with their own cookie and WebSocket, from their own address (Piiri is
told to trust `X-Forwarded-For`, as it would behind a reverse proxy, so the per-address rate
limits apply per member as in real life).

Figures:
- memory: the server's resident memory (VmRSS) with every page connected and idle, minus the
  same before any page connected, per connection;
- burst: `--messages` sent at once from random members; throughput is messages whose every
  copy arrived, per second from the first send to the last copy; latency is mostly queueing;
- paced: `--paced-rate` messages/s for `--paced-seconds`: p50/p99 from a send to its last
  copy at the goal rate (a phase that fell behind is marked "saturated").

Baseline, in the same run and with the same members: a naive relay server (a child process
too) that, for each message, writes one row and commits per copy and then sends the copies one
after another, with no screening. Ratios are Piiri's figure over the baseline's.

Goals (issue 9): <= 100 KB per idle connection, >= 500 inbound msg/s, p99 <= 50 ms. They are
printed next to the figures and never fail the run.

Run: `.venv/bin/python -m bench.web [--groups 100] [--messages 3000] [--paced-rate 500]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.transports.web import WebTransport
from bot.web.member.cookies import MEMBER_COOKIE
from groups.planning import NewGroup, create_group
from groups.programme_library import ProgrammeLibrary
from groups.schedule import Series
from storage.clock import SystemClock
from storage.crypto import IdentityCipher, generate_key
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.store import Store

GOAL_KB_PER_CONNECTION = 100.0
GOAL_PER_SECOND = 500.0
GOAL_P99_MS = 50.0
MEMBERS = 10
PROGRAMME = "tunteet"
ZONE = "Europe/Helsinki"
MARK = "viesti-"
READY_SECONDS = 120.0


@dataclass(frozen=True, slots=True)
class Member:
    group: int
    index: int
    token: str  # Piiri's cookie; the baseline knows members by "group-index"

    @property
    def address(self) -> str:
        return f"10.{self.group // 250}.{self.group % 250}.{self.index + 1}"


@dataclass
class Phase:
    label: str
    sent: int
    seconds: float
    latencies_ms: list[float]
    saturated: bool = False

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        values = sorted(self.latencies_ms)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(fraction * len(values)))]


@dataclass
class Result:
    name: str
    kb_per_connection: float
    phases: list[Phase] = field(default_factory=list)


# --- setting up ------------------------------------------------------------------------------


async def populate(url: str, key: str, groups: int) -> list[list[Member]]:
    """`groups` relay groups of MEMBERS web members each, straight into the store."""
    engine = create_engine(url)
    await upgrade(engine)
    clock = SystemClock()
    store = Store(engine, IdentityCipher.from_text(key), clock)
    transport = WebTransport(store, IdentityCipher.from_text(key))
    programme = ProgrammeLibrary.load().get(PROGRAMME)
    if programme is None:
        raise SystemExit(f"programme {PROGRAMME!r} is not in the library")
    now = clock.now()
    series = Series(
        first_date=(now + timedelta(days=7)).date(), local_time=clock_time(18, 0), zone=ZONE
    )
    everyone: list[list[Member]] = []
    try:
        for g in range(groups):
            visitors = [await transport.new_visitor() for _ in range(MEMBERS)]
            async with store.transaction() as tx:
                spec = NewGroup(name=f"Ryhmä {g + 1}", programme=programme, series=series)
                group = await create_group(tx, spec, now=now, actor_person_id=None, via="bench")
                for n, (_token, visitor) in enumerate(visitors):
                    person = await tx.persons.identify(
                        visitor.user.transport, visitor.user.user_id, dm_chat=visitor.chat.chat_id
                    )
                    person.language = "fi"
                    await tx.memberships.add(group.id, person.id, f"Jäsen {n + 1}")
            everyone.append([Member(g, n, token) for n, (token, _) in enumerate(visitors)])
    finally:
        await store.close()
    return everyone


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        with contextlib.suppress(OSError):
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.2)
    raise SystemExit("the server did not start listening in 60 s")


# --- the members' side -----------------------------------------------------------------------


class Pages:
    """Every member's socket; notes when each copy of each marked message arrives."""

    def __init__(self, base: str, everyone: list[list[Member]], *, naive: bool) -> None:
        self.base = base
        self.everyone = everyone
        self.naive = naive
        self.sockets: dict[tuple[int, int], aiohttp.ClientWebSocketResponse] = {}
        self.arrivals: dict[int, list[float]] = {}
        self.ready = 0
        self._readers: list[asyncio.Task[None]] = []
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, force_close=False)
        )

    async def connect_all(self) -> None:
        members = [m for group in self.everyone for m in group]
        for start in range(0, len(members), 50):
            await asyncio.gather(*(self._connect(m) for m in members[start : start + 50]))
        deadline = time.monotonic() + READY_SECONDS
        while self.ready < len(members):
            if time.monotonic() > deadline:
                raise SystemExit(f"only {self.ready} of {len(members)} pages got ready")
            await asyncio.sleep(0.05)

    async def _connect(self, member: Member) -> None:
        if self.naive:
            url = f"{self.base}/ws?member={member.group}-{member.index}"
            headers = {}
        else:
            url = f"{self.base}/ws"
            headers = {
                "Cookie": f"{MEMBER_COOKIE}={member.token}",
                "Origin": self.base,
                "X-Forwarded-For": member.address,
            }
        ws = await self._session.ws_connect(url.replace("http", "ws", 1), headers=headers)
        await ws.send_json({"type": "hello", "last_seq": 0})
        self.sockets[(member.group, member.index)] = ws
        self._readers.append(asyncio.create_task(self._read(ws)))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            kind = data.get("type")
            if kind == "ready":
                self.ready += 1
            elif kind == "event" and data.get("kind") == "send":
                text = data.get("text") or ""
                at = text.find(MARK)
                if at >= 0:
                    number = int(text[at + len(MARK) :].split()[0])
                    self.arrivals.setdefault(number, []).append(time.perf_counter())

    async def say(self, member: Member, number: int) -> float:
        ws = self.sockets[(member.group, member.index)]
        sent_at = time.perf_counter()
        text = f"{MARK}{number} moi kaikki, mitä kuuluu tänään?"
        await ws.send_json({"type": "text", "id": secrets.token_hex(12), "text": text})
        return sent_at

    async def close(self) -> None:
        for ws in self.sockets.values():
            await ws.close()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
        await self._session.close()


async def run_phase(
    pages: Pages, label: str, numbers: range, rate: float | None, rng: random.Random
) -> Phase:
    members = [m for group in pages.everyone for m in group]
    copies = MEMBERS - 1
    sent: dict[int, float] = {}
    started = time.perf_counter()
    for i, number in enumerate(numbers):
        if rate is not None:
            due = started + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        sent[number] = await pages.say(rng.choice(members), number)
    sending_took = time.perf_counter() - started
    deadline = time.perf_counter() + 120
    while any(len(pages.arrivals.get(n, ())) < copies for n in numbers):
        if time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.01)
    complete = [n for n in numbers if len(pages.arrivals.get(n, ())) >= copies]
    latencies = [(max(pages.arrivals[n]) - sent[n]) * 1000 for n in complete]
    last = max((max(pages.arrivals[n]) for n in complete), default=started)
    seconds = last - started
    saturated = rate is not None and seconds > sending_took * 1.2 + 0.5
    if len(complete) < len(numbers):
        print(f"  {label}: {len(numbers) - len(complete)} messages missed copies (timeout)")
    return Phase(label, len(numbers), seconds, latencies, saturated)


# --- the naive baseline server ----------------------------------------------------------------


def naive_server(port: int, database: Path) -> None:
    """One commit per copy and one send after another: the relay written the obvious way."""
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS copies (id INTEGER PRIMARY KEY, member TEXT, body TEXT)")
    rooms: dict[str, dict[str, web.WebSocketResponse]] = {}

    async def socket_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        member = request.query["member"]
        room = rooms.setdefault(member.split("-")[0], {})
        room[member] = ws
        seq = 0
        async for message in ws:
            data = json.loads(message.data)
            if data.get("type") == "hello":
                await ws.send_json({"type": "ready"})
            elif data.get("type") == "text":
                body = f"{member}: {data['text']}"
                for other, peer in list(room.items()):
                    if other == member:
                        continue
                    db.execute("INSERT INTO copies (member, body) VALUES (?, ?)", (other, body))
                    db.commit()
                    seq += 1
                    await peer.send_json({"type": "event", "kind": "send", "text": body})
        room.pop(member, None)
        return ws

    app = web.Application()
    app.router.add_get("/ws", socket_handler)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# --- running ----------------------------------------------------------------------------------


async def measure(
    name: str,
    command: Sequence[str],
    env: dict[str, str],
    port: int,
    everyone: list[list[Member]],
    args: argparse.Namespace,
) -> Result:
    process = subprocess.Popen(  # noqa: S603, ASYNC220 - our own interpreter; returns at once
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    pages: Pages | None = None
    try:
        await wait_listening(port, process)
        await asyncio.sleep(1.0)
        before = rss_kib(process.pid)
        pages = Pages(f"http://127.0.0.1:{port}", everyone, naive=name == "naive")
        await pages.connect_all()
        await asyncio.sleep(2.0)
        after = rss_kib(process.pid)
        connections = len(pages.sockets)
        result = Result(name, (after - before) / connections)
        rng = random.Random(args.seed)  # noqa: S311 - a benchmark's script, not a secret
        burst = range(1, args.messages + 1)
        result.phases.append(await run_phase(pages, "burst", burst, None, rng))
        paced_count = int(args.paced_rate * args.paced_seconds)
        paced = range(args.messages + 1, args.messages + 1 + paced_count)
        result.phases.append(await run_phase(pages, "paced", paced, args.paced_rate, rng))
        return result
    finally:
        if pages is not None:
            await pages.close()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def profiled(path: str | None) -> list[str]:
    """The interpreter's arguments to profile the server into `path` (cProfile), if asked."""
    return ["-m", "cProfile", "-o", path] if path else []


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(piiri: Result, naive: Result, groups: int) -> None:
    connections = groups * MEMBERS
    print(f"\n{connections} web members in {groups} groups of {MEMBERS}, one Piiri process")
    kb = piiri.kb_per_connection
    ratio = kb / naive.kb_per_connection if naive.kb_per_connection > 0 else float("nan")
    print(
        f"memory per idle connection: {kb:.1f} KB "
        f"(naive {naive.kb_per_connection:.1f} KB, ratio {ratio:.2f}x) "
        f"— goal ≤ {GOAL_KB_PER_CONNECTION:.0f} KB: {met(kb <= GOAL_KB_PER_CONNECTION)}"
    )
    for ours, theirs in zip(piiri.phases, naive.phases, strict=True):
        speed = ours.per_second / theirs.per_second if theirs.per_second else float("nan")
        note = " (saturated)" if ours.saturated else ""
        print(
            f"{ours.label}: {ours.per_second:.0f} msg/s, p50 {ours.p(0.5):.1f} ms, "
            f"p99 {ours.p(0.99):.1f} ms{note} | naive {theirs.per_second:.0f} msg/s, "
            f"p50 {theirs.p(0.5):.1f} ms, p99 {theirs.p(0.99):.1f} ms | "
            f"throughput ratio {speed:.2f}x"
        )
    burst = piiri.phases[0]
    paced = piiri.phases[1]
    print(
        f"goals: ≥ {GOAL_PER_SECOND:.0f} msg/s: {met(burst.per_second >= GOAL_PER_SECOND)}; "
        f"p99 ≤ {GOAL_P99_MS:.0f} ms at {paced.sent / max(paced.seconds, 1e-9):.0f} msg/s: "
        f"{met(paced.p(0.99) <= GOAL_P99_MS and not paced.saturated)}"
    )


async def main(args: argparse.Namespace) -> None:
    key = generate_key()
    with tempfile.TemporaryDirectory(prefix="piiri-bench-web-") as tmp:
        directory = Path(tmp)
        url = f"sqlite+aiosqlite:///{directory / 'piiri.db'}"
        print(f"setting up {args.groups * MEMBERS} members in {args.groups} groups …")
        everyone = await populate(url, key, args.groups)
        port = free_port()
        env = {
            **os.environ,
            "PIIRI_DATABASE_URL": url,
            "PIIRI_SECRET_KEY": key,
            "PIIRI_DATA_DIR": str(directory / "data"),
            "PIIRI_PROGRAMMES_DIR": str(directory / "programmes"),
            "PIIRI_WEB_ENABLED": "true",
            "PIIRI_WEB_PORT": str(port),
            "PIIRI_WEB_TRUSTED_PROXY_HEADER": "X-Forwarded-For",
            "PIIRI_LOGGING_LEVEL": "WARNING",
        }
        env.pop("PIIRI_CONFIG", None)
        env.pop("PIIRI_TELEGRAM_TOKEN", None)
        print("Piiri …")
        piiri = await measure(
            "piiri",
            [sys.executable, *profiled(args.profile), "-m", "bot", "run"],
            env,
            port,
            everyone,
            args,
        )
        port = free_port()
        print("naive baseline …")
        naive = await measure(
            "naive",
            [sys.executable, "-m", "bench.web", "--naive-server", str(port)],
            {**os.environ, "PIIRI_BENCH_NAIVE_DB": str(directory / "naive.db")},
            port,
            everyone,
            args,
        )
        report(piiri, naive, args.groups)
        if args.json:
            print(
                json.dumps(
                    {
                        r.name: {
                            "kb_per_connection": r.kb_per_connection,
                            **{
                                p.label: {
                                    "per_second": p.per_second,
                                    "p50_ms": p.p(0.5),
                                    "p99_ms": p.p(0.99),
                                    "saturated": p.saturated,
                                }
                                for p in r.phases
                            },
                        }
                        for r in (piiri, naive)
                    }
                )
            )


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--messages", type=int, default=3000, help="the burst's messages")
    parser.add_argument("--paced-rate", type=float, default=500.0)
    parser.add_argument("--paced-seconds", type=float, default=6.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the Piiri server into FILE")
    parser.add_argument("--naive-server", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    if arguments.naive_server is not None:
        naive_server(arguments.naive_server, Path(os.environ["PIIRI_BENCH_NAIVE_DB"]))
    else:
        asyncio.run(main(arguments))
