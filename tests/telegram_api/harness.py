"""A running Piiri on the Telegram transport, talking to the stand-in through the real PTB.

`settle()` waits until Telegram has been told every update is handled (the bot asked for
more with a higher offset), then sends everything due, moving the manual clock past retry
back-offs the way `tests.harness` does for the in-memory transport.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.app import App, StoreCursors, build_app
from bot.config import Settings
from bot.ports import ChatRef
from bot.transports.telegram import TelegramTransport, build_bot, webhook_for
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from storage.models import OutboxStatus
from tests.telegram_api.server import TOKEN, BotApiStandIn
from tests.telegram_api.world import BOT_USERNAME, Posted, World

NAME = "telegram"
# The longest a test waits for the bot to take its updates before calling it stuck.
SETTLE_SECONDS = 20.0
WEBHOOK_SECRET = "stand-in_webhook-secret"


@dataclass(frozen=True, slots=True)
class Platform:
    """The Telegram side as `tests.joining` sees a platform: a name, and people's chats."""

    name: str

    def dm(self, user_id: str) -> ChatRef:
        return ChatRef(self.name, user_id)  # a private chat's id is the person's id


class TelegramHarness:
    def __init__(
        self,
        server: BotApiStandIn,
        database_url: str,
        cipher: IdentityCipher,
        clock: ManualClock,
        *,
        read_timeout: float,
        webhook_port: int | None = None,
        private_chat_seconds: float = 0.0,
    ) -> None:
        self.server = server
        # Telegram's ~1 s per private chat is off unless a test is about it: `settle` moves a
        # manual clock, and pacing waits in real time.
        self._private_chat_seconds = private_chat_seconds
        self.world: World = server.world
        self.platform = Platform(NAME)
        self.clock = clock
        telegram: dict[str, object] = {
            "token": TOKEN,
            "base_url": server.base_url,
            "bot_username": BOT_USERNAME,
        }
        if webhook_port is not None:
            telegram |= {
                "mode": "webhook",
                "webhook_url": f"http://127.0.0.1:{webhook_port}/telegram/piiri",
                "webhook_listen": "127.0.0.1",
                "webhook_port": webhook_port,
                "webhook_secret": WEBHOOK_SECRET,
            }
        self._settings = Settings.model_validate(
            {"database": {"url": database_url}, "telegram": telegram}
        )
        self._cipher = cipher
        self._read_timeout = read_timeout
        self.app: App
        self.transport: TelegramTransport

    async def start(self, *, rewind_to: int | None = None) -> None:
        """Build and start a fresh service on the same store. With `rewind_to`, first put the
        saved offset and Telegram's memory back to that update, as if the service had died
        after handling what came after it but before anyone heard so."""
        bot = build_bot(self._settings.telegram, read_timeout=self._read_timeout)
        self.transport = TelegramTransport(
            bot,
            name=NAME,
            poll_timeout=5,
            webhook=webhook_for(self._settings.telegram),
            private_chat_seconds=self._private_chat_seconds,
        )
        self.app = build_app(self._settings, self._cipher, [self.transport], clock=self.clock)
        if rewind_to is not None:
            self.world.confirmed_below = rewind_to
            await StoreCursors(self.app.store).save(NAME, str(rewind_to))
        await self.app.start()

    async def stop(self) -> None:
        await self.app.stop()

    async def saved_offset(self) -> int | None:
        saved = await StoreCursors(self.app.store).load(NAME)
        return int(saved) if saved else None

    def id(self, name: str) -> str:
        """The person's Telegram user id (and private chat id), as Piiri knows them."""
        return str(self.world.person(name).id)

    async def settle(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_SECONDS
        while self.world.unconfirmed():
            if loop.time() > deadline:
                raise AssertionError("the bot did not take its updates")
            await asyncio.sleep(0.005)
        await self.app.scheduler.tick()
        for _ in range(1000):
            await self.app.sender.drain()
            async with self.app.store.transaction() as tx:
                in_hand = (await tx.outbox.count_by_status())[OutboxStatus.SENDING]
                next_due = await tx.outbox.next_due_at([NAME])
            if in_hand:
                await asyncio.sleep(0.005)
            elif next_due is None:
                await self.server.quiet()
                return
            else:
                self.clock.set(max(self.clock.now(), next_due) + timedelta(milliseconds=1))
        raise AssertionError("the outbox did not settle")

    async def says(self, name: str, text: str, **how: Any) -> list[str]:
        """`name` writes `text` (privately unless `chat=`); returns what they got back."""
        before = len(self.world.inbox(name))
        self.world.say(name, text, **how)
        await self.settle()
        return [p.text or "" for p in self.world.inbox(name)[before:]]

    async def presses(self, name: str, data: str, posted: Posted | None = None) -> list[str]:
        """Press the button carrying `data` on `posted` (default: the latest message to
        `name`), after checking that message offers it."""
        posted = posted or self.world.last(name)
        assert data in posted.button_data(), f"{name} was shown {posted.button_data()}"
        before = len(self.world.inbox(name))
        self.world.press(name, posted, data)
        await self.settle()
        return [p.text or "" for p in self.world.inbox(name)[before:]]

    async def join(self, name: str, code: str, *, pick: int = 0, language: str = "fi") -> str:
        """The join flow through a deep link; returns the pseudonym picked.

        A suggestion the screening turns down is answered with fresh suggestions; the next
        one is picked then (a few tries at most).
        """
        await self.says(name, f"/start {code}")
        await self.presses(name, "j:ok")
        for _attempt in range(5):
            chosen = str(self.world.last(name).buttons[pick][0]["text"])
            await self.presses(name, f"j:n:{pick}")
            if f"j:l:{language}" in self.world.last(name).button_data():
                break
        await self.presses(name, f"j:l:{language}")
        return chosen


@contextlib.asynccontextmanager
async def running_telegram(
    database_url: str,
    cipher: IdentityCipher,
    clock: ManualClock,
    *,
    read_timeout: float = 5.0,
    webhook: bool = False,
    private_chat_seconds: float = 0.0,
) -> AsyncIterator[TelegramHarness]:
    """Piiri on the stand-in: long polling, or with `webhook` the stand-in pushing updates."""
    server = BotApiStandIn()
    await server.start()
    harness = TelegramHarness(
        server,
        database_url,
        cipher,
        clock,
        read_timeout=read_timeout,
        webhook_port=free_port() if webhook else None,
        private_chat_seconds=private_chat_seconds,
    )
    try:
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()
    finally:
        await server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
