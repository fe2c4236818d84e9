"""The crash test: Piiri killed with SIGKILL again and again while five relay groups talk.

The Bot API stand-in runs in this process; Piiri runs as `python -m bot run` in another,
talking to it through `[telegram] base_url`. People join five groups through the real join
flow, then write on a script while Piiri is killed at random moments (at least ten times) and
started again each time. At the end every message is counted in every other member's chat:
each must be there once. Losses and repeats are printed, with the repeats per crash.

What it does not cover: scheduled prompts (the groups' sessions lie a week ahead).
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
from datetime import timedelta
from functools import partial
from pathlib import Path

from bot.app import build_app
from bot.config import Settings
from storage.clock import SystemClock
from storage.crypto import IdentityCipher, generate_key
from storage.engine import create_engine
from storage.migrate import upgrade
from tests.joining import joinable_group
from tests.telegram_api.harness import Platform
from tests.telegram_api.server import TOKEN, BotApiStandIn
from tests.telegram_api.world import Posted, World

GROUPS = 5
MEMBERS = 3
MESSAGES_EACH = 6  # below the flood rule (8 a minute), so screening lets every one through
WAIT_SECONDS = 240.0  # a killed sender's claimed sends wait out their two-minute lease


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
        log = (self._workdir / f"piiri-{self.starts}.log").open("wb")
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


async def run(kills: int, seed: int, max_delay: float) -> int:
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
        codes = []
        for _ in range(GROUPS):
            group = await joinable_group(
                setup,
                platform,
                SystemClock().now().date() + timedelta(days=7),
                facilitator=str(world.person("Sanna").id),
                staff_room=False,
            )
            codes.append(group.code)
        await setup.store.close()
        env = {
            **os.environ,
            "PIIRI_DATABASE_URL": url,
            "PIIRI_SECRET_KEY": key,
            "PIIRI_TELEGRAM_TOKEN": TOKEN,
            "PIIRI_TELEGRAM_BASE_URL": server.base_url,
            "PIIRI_DATA_DIR": str(workdir / "data"),
            "PIIRI_LOGGING_LEVEL": "WARNING",
            "PIIRI_OUTBOUND_RETRY_BASE_SECONDS": "0.2",
        }
        env.pop("PIIRI_CONFIG", None)
        piiri = Piiri(env, workdir)
        await piiri.start()
        members = [[f"g{g}p{p}" for p in range(MEMBERS)] for g in range(GROUPS)]
        names = {}
        for g, people in enumerate(members):
            for person in people:
                names[person] = await join(world, person, codes[g])
        print(f"{GROUPS} groups of {MEMBERS} joined; talking while Piiri is killed {kills} times")

        script = [
            (person, f"ryhmä {g} kertoo {person} viestin {n}")
            for n in range(MESSAGES_EACH)
            for g, people in enumerate(members)
            for person in people
        ]
        kill_after = sorted(rng.sample(range(5, len(script) - 5), kills))
        for index, (person, text) in enumerate(script):
            world.say(person, text)
            await asyncio.sleep(rng.uniform(0.02, 0.12))
            if index in kill_after:
                await asyncio.sleep(rng.uniform(0.0, max_delay))
                await piiri.kill()
                await piiri.start()

        def complete() -> bool:
            for g, people in enumerate(members):
                for author in people:
                    for reader in people:
                        if (
                            reader != author
                            and _count(world, g, author, reader, names) < MESSAGES_EACH
                        ):
                            return False
            return world.unconfirmed() == 0

        try:
            await wait_for(complete, "every copy", seconds=WAIT_SECONDS)
        except TimeoutError:
            print("not everything arrived in time")
        await asyncio.sleep(2.0)  # anything sent twice arrives by now
        await piiri.stop()
        await server.stop()

    lost = repeated = 0
    for g, people in enumerate(members):
        for author in people:
            for reader in people:
                if reader == author:
                    continue
                got = Counter(world.texts(reader))
                for n in range(MESSAGES_EACH):
                    copies = got[f"{names[author]}: ryhmä {g} kertoo {author} viestin {n}"]
                    lost += copies == 0
                    repeated += max(copies - 1, 0)
    copies = GROUPS * MEMBERS * (MEMBERS - 1) * MESSAGES_EACH
    print(
        f"kills: {kills}; Piiri started {piiri.starts} times; inbound messages: {len(script)}; "
        f"copies expected: {copies}; took {time.monotonic() - began:.0f} s"
    )
    print(f"lost: {lost}; sent twice or more: {repeated} ({repeated / kills:.1f} per crash)")
    return 1 if lost else 0


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
    raise SystemExit(asyncio.run(run(args.kills, args.seed, args.max_delay)))


if __name__ == "__main__":
    main()
