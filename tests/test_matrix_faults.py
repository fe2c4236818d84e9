"""Over Matrix under faults: Piiri restarted mid-conversation (and a batch synced again after a
crash) loses nothing and relays nothing twice; Synapse restarted mid-conversation is rejoined by
itself; M_LIMIT_EXCEEDED comes back as a wait the outbound queue honours."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.ports import ChatRef, Outbound, SendError
from tests.joining import joinable_group
from tests.matrix_server.harness import NAME, MatrixHarness

HELSINKI = ZoneInfo("Europe/Helsinki")


async def _group_of_two(h: MatrixHarness) -> dict[str, str]:
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator="@sanna:piiri.test", staff_room=False
    )
    return {person: await h.join(person, group.code) for person in ("Aino", "Bo")}


def _copies(texts: list[str]) -> Counter[str]:
    return Counter(texts)


async def test_piiri_restarted_mid_conversation_loses_nothing_and_relays_nothing_twice(
    matrix: MatrixHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    h = matrix
    names = await _group_of_two(h)
    await h.say("Aino", "yksi")
    await h.settle()
    token = await h.saved_token()
    assert token is not None
    await h.say("Aino", "kaksi")
    await h.settle()

    # Down for a while: what is said meanwhile waits on the homeserver.
    await h.stop()
    await h.say("Aino", "kolme")
    await h.start()
    await h.settle()

    # A crash after handling "kaksi" and "kolme" but before their token was saved.
    await h.restart(rewind_to=token)
    await h.say("Aino", "neljä")
    await h.settle()

    assert any(r.getMessage() == "inbound.duplicate" for r in caplog.records), "synced again"
    seen = _copies(await h.texts("Bo"))
    for word in ("yksi", "kaksi", "kolme", "neljä"):
        assert seen[f"{names['Aino']}: {word}"] == 1, f"{word!r} reached Bo {seen[word]} times"


async def test_more_said_while_piiri_was_down_than_one_sync_brings_is_all_read(
    matrix: MatrixHarness,
) -> None:
    h = matrix
    names = await _group_of_two(h)
    h.timeline_limit = 3
    await h.stop()
    words = [f"sana {n}" for n in range(6)]  # more would trip Piiri's own flood limit
    for word in words:
        await h.say("Aino", word)
    await h.start()
    await h.settle()
    seen = _copies(await h.texts("Bo"))
    for word in words:
        assert seen[f"{names['Aino']}: {word}"] == 1, word


async def test_synapse_restarted_mid_conversation_piiri_carries_on(
    matrix: MatrixHarness, caplog: pytest.LogCaptureFixture
) -> None:
    h = matrix
    caplog.set_level(logging.INFO)
    names = await _group_of_two(h)
    await h.say("Aino", "ennen")
    await h.settle()
    await asyncio.to_thread(h.server.restart)
    await h.say("Aino", "jälkeen")
    await h.settle()
    texts = await h.texts("Bo")
    assert any(r.getMessage() == "matrix.sync_failed" for r in caplog.records), "it was away"
    assert texts.count(f"{names['Aino']}: ennen") == 1
    assert texts.count(f"{names['Aino']}: jälkeen") == 1


async def test_limit_exceeded_is_a_wait_and_nothing_is_dropped(
    matrix: MatrixHarness,
) -> None:
    h = matrix
    names = await _group_of_two(h)
    await asyncio.to_thread(h.server.limit_messages, h.bot, 5, 1)
    try:
        refused: SendError | None = None
        bos = h.people["Bo"].dm
        assert bos is not None
        for n in range(5):
            try:
                await h.transport.send(Outbound(ChatRef(NAME, bos), f"koe {n}"))
            except SendError as exc:
                refused = exc
                break
        assert refused is not None and not refused.permanent
        assert refused.retry_after is not None and 0 < refused.retry_after <= 5

        for n in range(3):
            await h.say("Aino", f"viesti {n}")
        await h.settle()
        texts = await h.texts("Bo")
        for n in range(3):
            assert texts.count(f"{names['Aino']}: viesti {n}") == 1
    finally:
        await asyncio.to_thread(h.server.unlimit_messages, h.bot)


async def test_choices_offered_before_a_restart_are_answered_after_it(
    matrix: MatrixHarness,
) -> None:
    """A written number and a reaction both answer a message the previous start sent."""
    h = matrix
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator="@sanna:piiri.test", staff_room=False
    )
    await h.open_dm("Aino")
    await h.says("Aino", f"!start {group.code}")
    await h.restart()
    await h.choose("Aino", "j:ok")  # writes "1"
    names = (await h.inbox("Aino"))[-1]
    assert "j:n:0" in names.buttons()
    await h.restart()
    await h.react("Aino", names.event_id, "1️⃣")
    await h.settle()
    assert "j:l:fi" in (await h.inbox("Aino"))[-1].buttons(), "the name was taken"
