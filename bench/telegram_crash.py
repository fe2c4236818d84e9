"""The crash test: Piiri killed with SIGKILL again and again while relay groups talk and
their first session's prompts fall due.

The Bot API stand-in runs in this process; Piiri runs as `python -m bot run` in another,
talking to it through `[telegram] base_url`. People join the groups through the real join
flow (all at once), then each group's first session is compressed into half a minute: its
seven prompts (reminders, opening, exercise, discussion, closing, feedback) fall due a few
seconds apart while members write on a script and Piiri is killed at random moments (at
least ten times) and started again each time. At the end every message is counted in every
other member's chat and every prompt in every member's chat: each must be there once. Losses
and repeats are printed.

Claims a killed process held (sends, prompts) are taken again when their lease runs out:
two minutes by default, 5 s here (`[outbound]` and `[schedule] lease_seconds`), which is safe
because the killed process is gone before the next one starts. `tests/test_telegram_crash.py`
runs a shorter variant in CI.
Run: `.venv/bin/python -m bench.telegram_crash [--kills N] [--seed S]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from bot.app import App, build_app
from bot.config import Settings
from storage.clock import SystemClock
from storage.crypto import IdentityCipher, generate_key
from storage.engine import create_engine
from storage.migrate import upgrade
from tests.joining import joinable_group
from tests.programmes import PROMPTS as PROGRAMME_PROMPTS
from tests.telegram_api.harness import Platform
from tests.telegram_api.server import TOKEN, BotApiStandIn
from tests.telegram_api.world import Posted, World

GROUPS = 5
MEMBERS = 3
MESSAGES_EACH = 6  # below the flood rule (8 a minute), so screening lets every one through
WAIT_SECONDS = 120.0
LEASE_SECONDS = 5.0
PROMPT_EVERY = 2.0  # seconds between one group's prompts
FIRST_PROMPT = 2.0  # seconds after the talking starts
PROMPTS = tuple(f"{kind} 1/9 ({at})" for at, kind in PROGRAMME_PROMPTS)


@dataclass(frozen=True, slots=True)
class Outcome:
    kills: int
    starts: int
    inbound: int
    copies: int  # copies of members' messages expected, one per other member
    lost: int
    repeated: int
    prompts: int  # prompt posts expected, one per member and prompt
    prompts_lost: int
    prompts_repeated: int
    most_to_one: int  # the most repeats any one person received
    kills_serving: int  # kills that fell while Piiri was serving (not starting up)
    seconds: float

    def __str__(self) -> str:
        return (
            f"kills: {self.kills} ({self.kills_serving} while serving); Piiri started "
            f"{self.starts} times; inbound messages: "
            f"{self.inbound}; copies expected: {self.copies}, lost {self.lost}, sent twice or "
            f"more {self.repeated}; prompt posts expected: {self.prompts}, lost "
            f"{self.prompts_lost}, sent twice or more {self.prompts_repeated}; at most "
            f"{self.most_to_one} repeats to one person; took {self.seconds:.0f} s"
        )


async def wait_for(check: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.02)


class Piiri:
    """`python -m bot run` as a child process, killed with SIGKILL on demand."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self._env = env
        self._workdir = workdir
        self._process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        with (self._workdir / f"piiri-{self.starts}.log").open("wb") as log:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                env=self._env,
                cwd=self._workdir,
                stdout=log,
                stderr=log,
            )
        self.starts += 1

    async def kill(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGKILL)
            await self._process.wait()

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGTERM)
            await self._process.wait()


async def join(world: World, name: str, code: str) -> str:
    async def press(data: str) -> None:
        await wait_for(
            lambda: bool(world.inbox(name)) and data in world.last(name).button_data(),
            f"{name} shown {data}",
        )
        world.press(name, world.last(name), data)

    world.say(name, f"/start {code}")
    await press("j:ok")
    for _attempt in range(5):  # a suggestion screening turns down brings fresh ones
        await wait_for(lambda: "j:n:0" in world.last(name).button_data(), f"{name} names")
        pseudonym = str(world.last(name).buttons[0][0]["text"])
        asked = world.last(name)
        world.press(name, asked, "j:n:0")
        await wait_for(partial(_answered, world, name, asked), f"{name} answered")
        if "j:l:fi" in world.last(name).button_data():
            break
    await press("j:l:fi")
    await wait_for(lambda: "Tervetuloa" in (world.last(name).text or ""), f"{name} welcome")
    return pseudonym


async def run(
    kills: int,
    seed: int,
    max_delay: float,
    *,
    groups: int = GROUPS,
    members: int = MEMBERS,
    messages_each: int = MESSAGES_EACH,
    wait_seconds: float = WAIT_SECONDS,
    serving_every: int = 1,
) -> Outcome:
    """`serving_every`: every so many kills wait until Piiri is serving (it asked for
    updates); the others fall at any moment, start-up included."""
    began = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - a reproducible script, not a secret
    server = BotApiStandIn()
    await server.start()
    world = server.world
    with tempfile.TemporaryDirectory(prefix="piiri-crash-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite+aiosqlite:///{workdir / 'piiri.db'}"
        key = generate_key()
        engine = create_engine(url)
        await upgrade(engine)
        await engine.dispose()
        settings = Settings.model_validate({"database": {"url": url}})
        setup = build_app(settings, IdentityCipher.from_text(key), [])
        platform = Platform("telegram")
        codes, group_ids = [], []
        for _ in range(groups):
            group = await joinable_group(
                setup,
                platform,
                SystemClock().now().date() + timedelta(days=7),
                facilitator=str(world.person("Sanna").id),
                staff_room=False,
            )
            codes.append(group.code)
            group_ids.append(group.id)
        env = {
            **os.environ,
            "PIIRI_DATABASE_URL": url,
            "PIIRI_SECRET_KEY": key,
            "PIIRI_TELEGRAM_TOKEN": TOKEN,
            "PIIRI_TELEGRAM_BASE_URL": server.base_url,
            "PIIRI_DATA_DIR": str(workdir / "data"),
            "PIIRI_LOGGING_LEVEL": "WARNING",
            "PIIRI_OUTBOUND_RETRY_BASE_SECONDS": "0.2",
            "PIIRI_OUTBOUND_LEASE_SECONDS": str(LEASE_SECONDS),
            "PIIRI_SCHEDULE_LEASE_SECONDS": str(LEASE_SECONDS),
            "PIIRI_SCHEDULE_POLL_SECONDS": "1",
        }
        env.pop("PIIRI_CONFIG", None)
        piiri = Piiri(env, workdir)
        await piiri.start()
        people = [[f"g{g}p{p}" for p in range(members)] for g in range(groups)]
        everyone = [person for group_people in people for person in group_people]
        joined = await asyncio.gather(
            *(
                join(world, person, codes[g])
                for g, group_people in enumerate(people)
                for person in group_people
            )
        )
        names = dict(zip(everyone, joined, strict=True))
        await _compress_first_session(setup, group_ids, SystemClock().now())
        await setup.store.close()
        print(
            f"{groups} groups of {members} joined; talking while prompts fall due and Piiri "
            f"is killed {kills} times"
        )

        script = [
            (person, f"ryhmä {g} kertoo {person} viestin {n}")
            for n in range(messages_each)
            for g, group_people in enumerate(people)
            for person in group_people
        ]
        kill_after = set(rng.sample(range(2, len(script) - 2), kills))

        serving: list[bool] = []  # per kill: whether the process killed was serving
        since = 0
        pause = (FIRST_PROMPT + PROMPT_EVERY * len(PROMPTS)) / len(script)
        for index, (person, text) in enumerate(script):
            world.say(person, text)
            await asyncio.sleep(rng.uniform(0.5, 1.5) * pause)
            if index in kill_after:
                if len(serving) % serving_every == 0:
                    # This kill waits until the process last started asks for updates.
                    await wait_for(partial(_serving, server, since), "Piiri polling", 60)
                await asyncio.sleep(rng.uniform(0.0, max_delay))
                serving.append(_serving(server, since))
                await piiri.kill()
                since = _polls(server)
                await piiri.start()

        def complete() -> bool:
            for g, group_people in enumerate(people):
                for reader in group_people:
                    texts = world.texts(reader)
                    if any(not any(p in t for t in texts) for p in PROMPTS):
                        return False
                    for author in group_people:
                        if (
                            reader != author
                            and _count(world, g, author, reader, names) < messages_each
                        ):
                            return False
            return world.unconfirmed() == 0

        try:
            await wait_for(complete, "every copy", seconds=wait_seconds)
        except TimeoutError:
            print("not everything arrived in time")
        await asyncio.sleep(1.0)  # anything sent twice arrives by now
        await piiri.stop()
        await server.stop()

    lost = repeated = prompts_lost = prompts_repeated = most_to_one = 0
    for g, group_people in enumerate(people):
        for reader in group_people:
            got = Counter(world.texts(reader))
            to_reader = 0
            for prompt in PROMPTS:
                copies = sum(n for text, n in got.items() if prompt in text)
                prompts_lost += copies == 0
                prompts_repeated += max(copies - 1, 0)
                to_reader += max(copies - 1, 0)
            for author in group_people:
                if reader == author:
                    continue
                for n in range(messages_each):
                    copies = got[f"{names[author]}: ryhmä {g} kertoo {author} viestin {n}"]
                    lost += copies == 0
                    repeated += max(copies - 1, 0)
                    to_reader += max(copies - 1, 0)
            most_to_one = max(most_to_one, to_reader)
    return Outcome(
        kills=kills,
        starts=piiri.starts,
        inbound=len(script),
        copies=groups * members * (members - 1) * messages_each,
        lost=lost,
        repeated=repeated,
        prompts=groups * members * len(PROMPTS),
        prompts_lost=prompts_lost,
        prompts_repeated=prompts_repeated,
        most_to_one=most_to_one,
        kills_serving=sum(serving),
        seconds=time.monotonic() - began,
    )


async def _compress_first_session(app: App, group_ids: list[int], now: datetime) -> None:
    """A fast session schedule: each group's first session starts now and its prompts fall
    due `PROMPT_EVERY` seconds apart, the groups a little apart from each other."""
    async with app.store.transaction() as tx:
        for g, group_id in enumerate(group_ids):
            session = await tx.schedule.session_by_number(group_id, 1)
            assert session is not None
            await tx.schedule.move_session(session, now, now + timedelta(minutes=5))
            posts = sorted(await tx.schedule.posts(session.id), key=lambda post: post.due_at)
            for k, post in enumerate(posts):
                due = FIRST_PROMPT + PROMPT_EVERY * k + 0.5 * g
                await tx.schedule.set_due(post, now + timedelta(seconds=due))


def _polls(server: BotApiStandIn) -> int:
    return sum(1 for method, _params in server.calls if method == "getUpdates")


def _serving(server: BotApiStandIn, since: int) -> bool:
    """Whether Piiri has asked for updates since it was last started (`since` polls before)."""
    return _polls(server) > since


def _answered(world: World, name: str, asked: Posted) -> bool:
    """A newer message than `asked`, with buttons: the next question or fresh names."""
    latest = world.last(name)
    return latest is not asked and bool(latest.buttons)


def _count(world: World, g: int, author: str, reader: str, names: dict[str, str]) -> int:
    prefix = f"{names[author]}: ryhmä {g} kertoo {author} viestin "
    return len({t for t in world.texts(reader) if t.startswith(prefix)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--max-delay",
        type=float,
        default=0.5,
        help="longest wait in seconds between a message and the kill after it",
    )
    args = parser.parse_args()
    outcome = asyncio.run(run(args.kills, args.seed, args.max_delay))
    print(outcome)
    raise SystemExit(1 if outcome.lost or outcome.prompts_lost else 0)


if __name__ == "__main__":
    main()
