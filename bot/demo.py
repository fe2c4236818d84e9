"""`piiri demo`: the real service — a real SQLite file, real services, the real outbox — on the
in-memory transport, with a few simulated people. It prints the conversation as they see it.

Every feature that people can see should show up here as it lands.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from bot.app import App, build_app
from bot.config import Settings
from bot.ports import SendError
from bot.transports.memory import MemoryTransport, Received
from groups.invites import create_invite
from groups.planning import NewGroup, create_group
from groups.schedule import Series
from groups.staff import PlatformRef, StaffRole, add_staff, bind_rooms
from storage.clock import ManualClock
from storage.crypto import IdentityCipher, generate_key
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import OutboxStatus, RoomPurpose

DEMO_START = datetime(2026, 9, 7, 15, 0, tzinfo=UTC)
PEOPLE = ("Aino", "Bo", "Chris")
DEMO_PROGRAMME = "tunteet"


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
            await _play_session(app, transport, clock, out)
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


SESSION_MOMENTS = (
    (timedelta(hours=-24), "the day before"),
    (timedelta(hours=-1), "an hour before"),
    (timedelta(0), "18:00, the session opens"),
    (timedelta(minutes=10), "18:10"),
)


async def _join(
    app: App,
    transport: MemoryTransport,
    clock: ManualClock,
    out: TextIO,
    person: str,
    code: str,
    *,
    pick: int | str,
    language: str,
    show: bool = False,
) -> None:
    """The join flow as a person goes through it, pressing the buttons they are shown."""

    async def press(data: str) -> None:
        """Press a button of the latest message, shown by its label."""
        shown = transport.inbox(person)[-1].buttons
        label = next(b.label for row in shown for b in row if b.data == data)
        await act(f"[{label}]", lambda: transport.press(person, data))

    async def act(shown: str, do: Callable[[], object]) -> None:
        before = len(transport.inbox(person))
        do()
        await settle(app, transport, clock)
        if show:
            print(f"{person} › {shown}", file=out)
            for line in _render(transport.inbox(person)[before:]):
                print(line, file=out)
            print(file=out)

    await act(f"/start {code}", lambda: transport.say(person, f"/start {code}"))
    await press("j:ok")
    if "j:age:18-22" in transport.inbox(person)[-1].button_data():  # the group has age limits
        await press("j:age:18-22")
    if isinstance(pick, int):
        await press(f"j:n:{pick}")
    else:
        await act(pick, lambda: transport.say(person, pick))
    await press(f"j:l:{language}")
    if not show:
        welcome = transport.inbox(person)[-1].text.splitlines()[0]
        print(f"    to {person}: {welcome}", file=out)


async def _talk(app: App, transport: MemoryTransport, clock: ManualClock, out: TextIO) -> None:
    """The relay: each sees the others only by pseudonym; a reply points at their own copy."""
    seen = {person: len(transport.inbox(person)) for person in PEOPLE}
    transport.say("Aino", "Moi kaikki! Jännittää vähän.")
    await settle(app, transport, clock)
    copy = transport.inbox("Bo")[-1]
    transport.say("Bo", "Samma här, välkommen!", reply_to=copy.message_id)
    await settle(app, transport, clock)
    print("Aino › Moi kaikki! Jännittää vähän.", file=out)
    print("Bo › (replying) Samma här, välkommen!", file=out)
    for person in PEOPLE:
        print(f"  {person} sees:", file=out)
        for line in _render(transport.inbox(person)[seen[person] :]):
            print(line, file=out)
    print("  (nobody sees anyone's account; the facilitators' room gets a mirror)\n", file=out)


async def _play_session(
    app: App, transport: MemoryTransport, clock: ManualClock, out: TextIO
) -> None:
    """People join by code, talk under pseudonyms, and the group runs by itself."""
    programme = app.programmes.get(DEMO_PROGRAMME)
    if programme is None:  # pragma: no cover - a built-in programme
        return
    first = (clock.now() + timedelta(days=7)).date()
    async with app.store.transaction() as tx:
        group = await create_group(
            tx,
            NewGroup(
                name="Syksyn piiri",
                programme=programme,
                series=Series(first, time(18, 0), app.settings.schedule.default_timezone),
            ),
            now=clock.now(),
            actor_person_id=None,
            via="demo",
        )
        code, _invite = await create_invite(
            tx, group, max_uses=None, expires_at=None, actor_person_id=None, via="demo"
        )
    title = programme.title.get("fi")
    print(
        f"A facilitator starts “{title}” on {first:%A %d %B}, weekly at 18:00 Helsinki time,",
        file=out,
    )
    print(f"and shares the invite link …?start={code}. Aino opens it:\n", file=out)
    await _join(app, transport, clock, out, "Aino", code, pick=0, language="fi", show=True)
    print("Bo and Chris join the same way (Chris writes his own pseudonym):", file=out)
    await _join(app, transport, clock, out, "Bo", code, pick=1, language="sv")
    await _join(app, transport, clock, out, "Chris", code, pick="Tunturi", language="en")
    print(file=out)
    await _talk(app, transport, clock, out)
    async with app.store.transaction() as tx:
        sessions = await tx.schedule.sessions(group.id)
    print("Piiri runs the session by itself:\n", file=out)
    seen = {person: len(transport.inbox(person)) for person in PEOPLE}
    for offset, label in SESSION_MOMENTS:
        clock.set(sessions[0].starts_at + offset)
        await settle(app, transport, clock)
        print(f"— {label} —", file=out)
        readers = PEOPLE if offset == SESSION_MOMENTS[0][0] else PEOPLE[:1]
        for person in readers:
            inbox = transport.inbox(person)
            print(f"  to {person}:", file=out)
            for line in _render(inbox[seen[person] :]):
                print(line, file=out)
        seen = {person: len(transport.inbox(person)) for person in PEOPLE}
        print(file=out)
    print(
        "(Bo and Chris get every prompt too, in Swedish and English where the programme", file=out
    )
    print(" has them. `piiri programs show tunteet` shows all nine sessions.)\n", file=out)
    await _feedback(app, transport, clock, out, group.id)
    await _crisis(app, transport, clock, out, group.id)


FACILITATORS_ROOM = "room:facilitators"
# The rest of the first session, walked through so no prompt is late: the discussion, the
# closing round, and at its end the feedback question.
REST_OF_SESSION = (timedelta(minutes=40), timedelta(minutes=80), timedelta(minutes=90))


async def _feedback(
    app: App, transport: MemoryTransport, clock: ManualClock, out: TextIO, group_id: int
) -> None:
    """The feedback question with its 1–5 buttons, an answer with a comment, and two hours
    later the facilitators' summary: figures and comments, no names."""
    async with app.store.transaction() as tx:
        group = await tx.groups.get(group_id)
        if group is None:  # pragma: no cover - made above
            return
        await add_staff(
            tx, PlatformRef(transport.name, "Sanna"), StaffRole.FACILITATOR, group, name="Sanna"
        )
        await bind_rooms(
            tx, group, {RoomPurpose.FACILITATORS: PlatformRef(transport.name, FACILITATORS_ROOM)}
        )
        first = (await tx.schedule.sessions(group_id))[0]
    seen = len(transport.inbox("Aino"))
    for offset in REST_OF_SESSION:
        clock.set(first.starts_at + offset)
        await settle(app, transport, clock)
    question = transport.inbox("Aino")[-1]
    print("— 19:30, the session ends —\n  to Aino (the last of what came):", file=out)
    for line in _render([question]):
        print(line, file=out)
    seen = len(transport.inbox("Aino"))
    for person, value in (("Aino", 4), ("Bo", 5), ("Chris", 3)):
        transport.press(person, f"fb:{first.id}:{value}")
    await settle(app, transport, clock)
    print("Aino › [4]", file=out)
    for line in _render(transport.inbox("Aino")[seen:]):
        print(line, file=out)
    seen = len(transport.inbox("Aino"))
    comment = "Kiva aloitus, kiitos!"
    transport.say("Aino", comment)
    await settle(app, transport, clock)
    print(f"Aino › {comment}", file=out)
    for line in _render(transport.inbox("Aino")[seen:]):
        print(line, file=out)
    print("(Bo tapped 5 and Chris 3; the comment went to no one in the group)\n", file=out)
    before = len(transport.received.get(FACILITATORS_ROOM, []))
    clock.set(first.ends_at + timedelta(hours=2, minutes=1))
    await settle(app, transport, clock)
    print("— two hours later, the facilitators' room gets a summary —", file=out)
    room = transport.received.get(FACILITATORS_ROOM, [])[before:]
    for line in _render([m for m in room if "on päättynyt" in m.text]):
        print(line, file=out)
    print("  (figures from fewer than three people would read “too few answers”)\n", file=out)


MODERATORS_ROOM = "room:moderators"


async def _crisis(
    app: App, transport: MemoryTransport, clock: ManualClock, out: TextIO, group_id: int
) -> None:
    """A crisis: help to the author at once, nothing to the group, an alert to the moderators
    that is raised again until one of them taps Acknowledge."""
    async with app.store.transaction() as tx:
        group = await tx.groups.get(group_id)
        if group is None:  # pragma: no cover - made above
            return
        await add_staff(
            tx, PlatformRef(transport.name, "Mira"), StaffRole.MODERATOR, group, name="Mira"
        )
        await bind_rooms(
            tx, group, {RoomPurpose.MODERATORS: PlatformRef(transport.name, MODERATORS_ROOM)}
        )
    seen = {person: len(transport.inbox(person)) for person in PEOPLE}
    text = "honestly i just want to die, nobody would even notice"
    print(f"Later that evening Chris writes: “{text}”", file=out)
    transport.say("Chris", text)
    await settle(app, transport, clock)
    print("  Chris sees, at once:", file=out)
    for line in _render(transport.inbox("Chris")[seen["Chris"] :]):
        print(line, file=out)
    quiet = all(len(transport.inbox(p)) == seen[p] for p in PEOPLE if p != "Chris")
    print(f"  Aino and Bo see: {'nothing of it' if quiet else 'something (a bug!)'}", file=out)
    print("  The moderators' room gets:", file=out)
    for line in _render(transport.received.get(MODERATORS_ROOM, [])):
        print(line, file=out)
    wait = app.settings.moderation.escalation_minutes["medium"]
    clock.set(clock.now() + timedelta(minutes=wait))
    await app.scheduler.tick()
    await settle(app, transport, clock)
    alerts = list(transport.received.get(MODERATORS_ROOM, []))
    print(
        f"  Nobody acknowledges it in {wait:g} minutes (5 for the most serious): it comes again,",
        file=out,
    )
    for line in _render(alerts[1:])[:2]:
        print(line, file=out)
    buttons = [data for data in alerts[0].button_data() if data.startswith("mq:a:")]
    if buttons:
        transport.press("Mira", buttons[0], room_id=MODERATORS_ROOM)
        await settle(app, transport, clock)
        print("  and the moderator Mira taps [Kuittaa]:", file=out)
        for line in _render(transport.received.get(MODERATORS_ROOM, [])[len(alerts) :]):
            print(line, file=out)


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
