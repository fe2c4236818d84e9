"""`piiri demo`: the real service — a real SQLite file, real services, the real outbox — on the
in-memory transport, with a few simulated people. It prints the conversation as they see it.

Every feature that people can see should show up here as it lands.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.app import App, build_app
from bot.config import Settings
from bot.ports import SendError
from bot.transports.memory import MemoryTransport, Received
from storage.clock import ManualClock
from storage.crypto import IdentityCipher, generate_key
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import OutboxStatus

DEMO_START = datetime(2026, 9, 7, 15, 0, tzinfo=UTC)
PEOPLE = ("Aino", "Bo", "Chris")


@dataclass(frozen=True, slots=True)
class Step:
    person: str
    shown: str
    act: Callable[[MemoryTransport], object]
    note: str | None = None


def _flaky_help(transport: MemoryTransport) -> None:
    transport.fail_next_sends(SendError("timeout"))
    transport.say("Aino", "/apua")


def _script() -> list[Step]:
    def say(person: str, text: str, event_id: str | None = None) -> Step:
        return Step(person, text, lambda t: t.say(person, text, event_id=event_id))

    duplicate = say("Chris", "/help", event_id="telegram-update-4711")
    return [
        say("Aino", "/start"),
        say("Aino", "/tanssi"),
        say("Aino", "moikka, onko täällä ketään?"),
        say("Bo", "/kieli"),
        Step("Bo", "[svenska]", lambda t: t.press("Bo", "lang:sv")),
        say("Bo", "/hjalp"),
        say("Chris", "/language en"),
        Step(
            "Chris",
            "/help (the platform delivers this update twice)",
            lambda t: (duplicate.act(t), duplicate.act(t)),
            note="processed once: one answer",
        ),
        Step(
            "Aino",
            "/apua (the network drops the first attempt)",
            _flaky_help,
            note="retried after a back-off; nothing lost",
        ),
    ]


def _render(received: list[Received]) -> list[str]:
    lines = []
    for message in received:
        body = message.text.splitlines() or [""]
        lines.append(f"    Piiri › {body[0]}")
        lines.extend(f"            {line}" for line in body[1:])
        for row in message.buttons:
            lines.append("            " + " ".join(f"[{b.label}]" for b in row))
    return lines


async def run_demo(settings: Settings, out: TextIO, keep_dir: Path | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="piiri-demo-") as tmp:
        directory = keep_dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        database = directory / "demo.db"
        demo_settings = settings.model_copy(
            update={
                "database": settings.database.model_copy(
                    update={"url": f"sqlite+aiosqlite:///{database}"}
                )
            }
        )
        engine = create_engine(demo_settings.database.url)
        await upgrade(engine)
        await engine.dispose()
        clock = ManualClock(DEMO_START)
        transport = MemoryTransport("demo")
        app = build_app(
            demo_settings, IdentityCipher.from_text(generate_key()), [transport], clock=clock
        )
        print(f"Piiri demo — a real service on a throwaway SQLite store ({database})", file=out)
        print("Three people talk to the bot in their private chats.\n", file=out)
        await app.start()
        try:
            await _play(app, transport, clock, out)
        finally:
            await app.stop()
    return 0


async def _play(app: App, transport: MemoryTransport, clock: ManualClock, out: TextIO) -> None:
    seen = {person: 0 for person in PEOPLE}
    for step in _script():
        print(f"{step.person} › {step.shown}", file=out)
        step.act(transport)
        await settle(app, transport, clock)
        inbox = transport.inbox(step.person)
        for line in _render(inbox[seen[step.person] :]):
            print(line, file=out)
        seen[step.person] = len(inbox)
        if step.note:
            print(f"    ({step.note})", file=out)
        print(file=out)


async def settle(app: App, transport: MemoryTransport, clock: ManualClock) -> None:
    """Let the service handle everything injected and send everything queued.

    Moves the manual clock past retry back-offs, and waits out sends the background sender
    has in hand, so what a person received can be read right after.
    """
    await transport.wait_idle()
    await app.scheduler.tick()
    for _ in range(1000):
        await app.sender.drain()
        async with app.store.transaction() as tx:
            in_hand = (await tx.outbox.count_by_status())[OutboxStatus.SENDING]
            next_due = await tx.outbox.next_due_at([transport.name])
        if in_hand:
            await asyncio.sleep(0.005)
        elif next_due is None:
            return
        else:
            clock.set(max(clock.now(), next_due) + timedelta(milliseconds=1))
    raise RuntimeError("the outbox did not settle")
