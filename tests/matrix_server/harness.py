"""A running Piiri on the Matrix transport against the test Synapse, with real matrix-nio
clients playing the people.

`settle()` waits until Piiri has handled every event the people sent (the dispatcher recorded
their event ids), then sends everything due, moving the manual clock past retry back-offs the
way `tests.harness` does for the in-memory transport. `sync()` then brings each person's view
of their rooms up to date, with edits and redactions applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinedMembersResponse,
    JoinResponse,
    RoomCreateResponse,
    RoomPreset,
    RoomRedactResponse,
    RoomSendResponse,
    SyncResponse,
)
from sqlalchemy import select

from bot.app import App, StoreCursors, build_app
from bot.config import Settings
from bot.i18n import Catalogues
from bot.ports import ChatRef
from bot.transports.matrix import MatrixTransport, build_client, encrypted_room_notice
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from storage.models import OutboxStatus, ProcessedEvent
from tests.matrix_server.synapse import Account, SynapseServer

NAME = "matrix"
SETTLE_SECONDS = 20.0
PEOPLE_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "room": {"timeline": {"limit": 500}, "ephemeral": {"not_types": ["*"]}},
}
_serial = itertools.count(1)


@dataclass(slots=True)
class Seen:
    """A message as a person's client shows it."""

    event_id: str
    sender: str
    body: str
    msgtype: str
    content: dict[str, Any]
    reply_to: str | None = None
    edits: list[str] = field(default_factory=list)
    redacted: bool = False

    def buttons(self) -> list[str]:
        data = self.content.get("fi.piiri.buttons")
        return list(data) if isinstance(data, list) else []


@dataclass(slots=True)
class Person:
    name: str
    account: Account
    client: AsyncClient
    dm: str | None = None
    since: str | None = None
    rooms: dict[str, list[Seen]] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        return self.account.user_id


class MatrixHarness:
    def __init__(
        self,
        server: SynapseServer,
        database_url: str,
        cipher: IdentityCipher,
        clock: ManualClock,
        store_path: Path,
    ) -> None:
        self.server = server
        self.clock = clock
        self.bot = server.register(f"piiri{next(_serial)}x{id(self) % 10_000}")
        self._settings = Settings.model_validate(
            {
                "database": {"url": database_url},
                "matrix": {
                    "homeserver": server.url,
                    "user_id": self.bot.user_id,
                    "access_token": self.bot.access_token,
                    "store_path": str(store_path),
                },
            }
        )
        self._cipher = cipher
        self.people: dict[str, Person] = {}
        self._pending: set[str] = set()
        # How many events of a room one sync brings; the rest is read back as a gap.
        self.timeline_limit = 100
        self.app: App
        self.transport: MatrixTransport
        self.platform = Platform(NAME)

    # --- Piiri ------------------------------------------------------------------------------

    async def start(self, *, rewind_to: str | None = None) -> None:
        """Build and start a fresh service on the same store. With `rewind_to`, first put the
        saved sync token back to it, as if the service had died after handling what came
        after it but before saving the token."""
        client = build_client(self._settings.matrix, request_timeout=10)
        self.transport = MatrixTransport(
            client,
            self._settings.matrix,
            encrypted_notice=encrypted_room_notice(Catalogues()),
            name=NAME,
            sync_timeout_ms=2_000,
            timeline_limit=self.timeline_limit,
        )
        self.app = build_app(self._settings, self._cipher, [self.transport], clock=self.clock)
        if rewind_to is not None:
            await StoreCursors(self.app.store).save(NAME, rewind_to)
        await self.app.start()

    async def restart(self, *, rewind_to: str | None = None) -> None:
        await self.stop()
        await self.start(rewind_to=rewind_to)

    async def saved_token(self) -> str | None:
        return await StoreCursors(self.app.store).load(NAME)

    async def stop(self) -> None:
        await self.app.stop()

    # --- people -----------------------------------------------------------------------------

    async def person(self, name: str) -> Person:
        if name in self.people:
            return self.people[name]
        account = self.server.register(f"{name.lower()}{next(_serial)}x{id(self) % 10_000}")
        client = AsyncClient(self.server.url, account.user_id, config=AsyncClientConfig())
        client.access_token = account.access_token
        client.user_id = account.user_id
        client.device_id = account.device_id
        person = Person(name, account, client)
        self.people[name] = person
        await self.sync(name)
        return person

    def id(self, name: str) -> str:
        return self.people[name].user_id

    async def open_dm(self, name: str) -> str:
        """`name` starts a direct chat with the bot; returns its room id once the bot is in."""
        person = await self.person(name)
        created = await person.client.room_create(
            is_direct=True, invite=[self.bot.user_id], preset=RoomPreset.trusted_private_chat
        )
        assert isinstance(created, RoomCreateResponse), created
        await self.wait_for_bot(person, created.room_id)
        person.dm = created.room_id
        return created.room_id

    async def open_room(
        self, creator: str, members: list[str], *, bot_power: int = 50, encrypted: bool = False
    ) -> str:
        """A group room `creator` makes, the bot invited with `bot_power`, `members` joined."""
        owner = await self.person(creator)
        others = [await self.person(m) for m in members]
        state = []
        if encrypted:
            state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        created = await owner.client.room_create(
            preset=RoomPreset.private_chat,
            invite=[p.user_id for p in others] + [self.bot.user_id],
            initial_state=state,
            power_level_override={"users": {self.bot.user_id: bot_power}},
        )
        assert isinstance(created, RoomCreateResponse), created
        for other in others:
            joined = await other.client.join(created.room_id)
            assert isinstance(joined, JoinResponse), joined
        if not encrypted:
            await self.wait_for_bot(owner, created.room_id)
        return created.room_id

    async def wait_for_bot(self, person: Person, room_id: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_SECONDS
        while loop.time() < deadline:
            members = await person.client.joined_members(room_id)
            if isinstance(members, JoinedMembersResponse) and any(
                m.user_id == self.bot.user_id for m in members.members
            ):
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the bot did not join")

    async def send(
        self,
        name: str,
        content: dict[str, Any],
        room: str | None = None,
        *,
        kind: str = "m.room.message",
        handled: bool = True,
    ) -> str:
        person = await self.person(name)
        room_id = room or person.dm
        assert room_id is not None, f"{name} has no direct chat with the bot"
        answer = await person.client.room_send(room_id, kind, content)
        assert isinstance(answer, RoomSendResponse), answer
        if handled:
            self._pending.add(answer.event_id)
        return answer.event_id

    async def say(
        self,
        name: str,
        text: str,
        room: str | None = None,
        *,
        reply_to: str | None = None,
        handled: bool = True,
    ) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if reply_to is not None:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        return await self.send(name, content, room, handled=handled)

    async def edit(self, name: str, event_id: str, text: str, room: str | None = None) -> str:
        new = {"msgtype": "m.text", "body": text}
        content = {
            "msgtype": "m.text",
            "body": f"* {text}",
            "m.new_content": new,
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        }
        return await self.send(name, content, room)

    async def react(
        self, name: str, event_id: str, key: str, room: str | None = None, *, handled: bool = True
    ) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        return await self.send(name, content, room, kind="m.reaction", handled=handled)

    async def redact(self, name: str, event_id: str, room: str | None = None) -> str:
        person = await self.person(name)
        room_id = room or person.dm
        assert room_id is not None
        answer = await person.client.room_redact(room_id, event_id)
        assert isinstance(answer, RoomRedactResponse), answer
        self._pending.add(answer.event_id)
        return answer.event_id

    async def says(self, name: str, text: str, room: str | None = None) -> list[str]:
        """`name` writes `text` (in their direct chat unless `room`); what the bot answered."""
        before = len(await self.inbox(name))
        await self.say(name, text, room)
        await self.settle()
        return [m.body for m in (await self.inbox(name))[before:]]

    async def answers(self, name: str, choice: str) -> list[str]:
        """Answer the bot's latest message with buttons by writing `choice` (e.g. "1")."""
        return await self.says(name, choice)

    async def join(self, name: str, code: str, *, pick: int = 0, language: str = "fi") -> str:
        """The join flow in a new direct chat; each choice answered by number. The pseudonym."""
        await self.open_dm(name)
        await self.says(name, f"!start {code}")
        await self.choose(name, "j:ok")
        seen = (await self.inbox(name))[-1]
        chosen = seen.body.split("\n\n")[-1].split("\n")[pick].split(" ", 1)[1]
        await self.choose(name, f"j:n:{pick}")
        await self.choose(name, f"j:l:{language}")
        return chosen

    async def choose(self, name: str, data: str) -> list[str]:
        """Write the number of the button carrying `data` on the latest message with buttons."""
        inbox = await self.inbox(name)
        offered = next(m for m in reversed(inbox) if m.buttons())
        assert data in offered.buttons(), f"{name} was shown {offered.buttons()}"
        return await self.answers(name, str(offered.buttons().index(data) + 1))

    # --- waiting and reading ----------------------------------------------------------------

    async def settle(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_SECONDS
        while self._pending:
            async with self.app.store.transaction() as tx:
                found = await tx.session.execute(
                    select(ProcessedEvent.event_id).where(
                        ProcessedEvent.transport == NAME,
                        ProcessedEvent.event_id.in_(self._pending),
                    )
                )
                self._pending -= set(found.scalars())
            if not self._pending:
                break
            if loop.time() > deadline:
                raise AssertionError("Piiri did not handle what was sent")
            await asyncio.sleep(0.02)
        await self.app.scheduler.tick()
        for _ in range(1000):
            await self.app.sender.drain()
            async with self.app.store.transaction() as tx:
                in_hand = (await tx.outbox.count_by_status())[OutboxStatus.SENDING]
                next_due = await tx.outbox.next_due_at([NAME])
            if in_hand:
                await asyncio.sleep(0.005)
            elif next_due is None:
                return
            else:
                # A homeserver's own wait (M_LIMIT_EXCEEDED) passes in real time, not ours.
                await asyncio.sleep(0.01)
                self.clock.set(max(self.clock.now(), next_due) + timedelta(milliseconds=1))
        raise AssertionError("the outbox did not settle")

    async def sync(self, name: str) -> Person:
        person = self.people[name]
        answer = await person.client.sync(timeout=0, since=person.since, sync_filter=PEOPLE_FILTER)
        assert isinstance(answer, SyncResponse), answer
        person.since = answer.next_batch
        for room_id, info in answer.rooms.join.items():
            seen = person.rooms.setdefault(room_id, [])
            for event in info.timeline.events:
                _apply(seen, getattr(event, "source", {}))
        return person

    async def room(self, name: str, room_id: str) -> list[Seen]:
        """Messages in `room_id` as `name` sees them."""
        person = await self.sync(name)
        return person.rooms.get(room_id, [])

    async def inbox(self, name: str) -> list[Seen]:
        """What the bot said to `name` in their direct chat."""
        person = await self.sync(name)
        if person.dm is None:
            return []
        return [m for m in person.rooms.get(person.dm, []) if m.sender == self.bot.user_id]

    async def texts(self, name: str) -> list[str]:
        return [m.body for m in await self.inbox(name)]

    async def close_people(self) -> None:
        for person in self.people.values():
            await person.client.close()


@dataclass(frozen=True, slots=True)
class Platform:
    """The Matrix side as `tests.joining` sees a platform; a person's private chat is their
    direct room with the bot, which must be opened first."""

    name: str
    dms: dict[str, str] = field(default_factory=dict)

    def dm(self, user_id: str) -> ChatRef:
        return ChatRef(self.name, self.dms.get(user_id, user_id))


def _apply(seen: list[Seen], source: dict[str, Any]) -> None:
    content = source.get("content") or {}
    kind = source.get("type")
    if kind == "m.room.redaction":
        target = content.get("redacts", source.get("redacts"))
        for message in seen:
            if message.event_id == target:
                message.redacted = True
        return
    if kind != "m.room.message":
        return
    relation = content.get("m.relates_to") or {}
    if relation.get("rel_type") == "m.replace":
        for message in seen:
            if message.event_id == relation.get("event_id"):
                message.edits.append(message.body)
                message.body = content["m.new_content"]["body"]
                message.content = content["m.new_content"]
        return
    replied = relation.get("m.in_reply_to") or {}
    seen.append(
        Seen(
            event_id=source["event_id"],
            sender=source["sender"],
            body=content.get("body", ""),
            msgtype=content.get("msgtype", ""),
            content=content,
            reply_to=replied.get("event_id"),
        )
    )


@contextlib.asynccontextmanager
async def running_matrix(
    server: SynapseServer,
    database_url: str,
    cipher: IdentityCipher,
    clock: ManualClock,
    store_path: Path,
) -> AsyncIterator[MatrixHarness]:
    harness = MatrixHarness(server, database_url, cipher, clock, store_path)
    await harness.start()
    try:
        yield harness
    finally:
        with contextlib.suppress(Exception):
            await harness.stop()
        await harness.close_people()
