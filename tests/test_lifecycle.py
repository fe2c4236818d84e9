"""Start, stop on a signal, restart: nothing lost, nothing handled twice."""

from __future__ import annotations

import asyncio
import os
import signal

from bot.app import build_app
from bot.config import Settings
from bot.demo import settle
from bot.transports.memory import MemoryTransport
from storage.clock import ManualClock
from storage.crypto import IdentityCipher


async def test_sigterm_stops_gracefully_and_a_restart_resumes_from_the_cursor(
    database_url: str, cipher: IdentityCipher, clock: ManualClock
) -> None:
    settings = Settings.model_validate({"database": {"url": database_url}})
    transport = MemoryTransport()

    app = build_app(settings, cipher, [transport], clock=clock)
    running = asyncio.create_task(app.run_until_signal())
    transport.say("aino", "/help")
    transport.say("bo", "/apua")
    await asyncio.sleep(0)
    await transport.wait_idle()
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(running, timeout=10)
    assert transport.processed_through == 2

    # While the service is down, the platform keeps new updates; one old one comes again.
    transport.say("aino", "/kieli")
    transport.inject(transport._log[0])

    restarted = build_app(settings, cipher, [transport], clock=clock)
    await restarted.start()
    await settle(restarted, transport, clock)
    await restarted.stop()

    assert [t.split("\n")[0] for t in transport.texts("aino")] == [
        "Näin voit käyttää minua:",
        "Valitse kieli:",
    ]
    assert len(transport.texts("bo")) == 1
    assert transport.processed_through == 4


async def test_replies_queued_before_a_crash_are_sent_after_restart(
    database_url: str, cipher: IdentityCipher, clock: ManualClock
) -> None:
    settings = Settings.model_validate({"database": {"url": database_url}})
    transport = MemoryTransport()
    app = build_app(settings, cipher, [transport], clock=clock)
    await app.dispatcher.handle(transport.say("aino", "/help"))
    await app.store.close()  # the process dies before the sender ran
    assert transport.texts("aino") == []

    restarted = build_app(settings, cipher, [transport], clock=clock)
    await restarted.sender.drain()
    await restarted.store.close()
    assert len(transport.texts("aino")) == 1
