"""Over Telegram, when things go wrong: rate limits, a failing gateway, dropped and slow
connections, a restart, a crash before Telegram heard an update was handled, and buttons that
were never offered. Nothing is lost and nothing is handled twice."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.ports import Inbound
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from storage.models import ReviewStatus
from tests.databases import copy_sqlite, sqlite_url
from tests.joining import joinable_group
from tests.telegram_api.harness import TelegramHarness, running_telegram
from tests.telegram_api.server import Fault

HELSINKI = ZoneInfo("Europe/Helsinki")
PEOPLE = ("Aino", "Bo", "Chris")


async def _talking_group(h: TelegramHarness) -> dict[str, str]:
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator=h.id("Sanna"), staff_room=False
    )
    return {person: await h.join(person, group.code) for person in PEOPLE}


def _copies(h: TelegramHarness, person: str, name: str) -> Counter[str]:
    return Counter(t for t in h.world.texts(person) if t.startswith(f"{name}: "))


async def test_rate_limits_and_gateway_errors_are_retried_and_nothing_is_lost(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    names = await _talking_group(h)
    h.server.fail_next(
        "sendMessage", Fault.too_many(retry_after=3), Fault.bad_gateway(), Fault.drop()
    )
    h.server.fail_next("getUpdates", Fault.bad_gateway(), Fault.too_many(retry_after=1))
    lines = [f"viesti {n}" for n in range(1, 4)]
    for line in lines:
        h.world.say("Aino", line)
    await h.settle()
    for person in ("Bo", "Chris"):
        got = _copies(h, person, names["Aino"])
        assert got == Counter(f"{names['Aino']}: {line}" for line in lines), person
    assert not h.server.faults["sendMessage"] and not h.server.faults["getUpdates"]


async def test_an_answer_slower_than_the_timeout_is_sent_again_once(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher, clock: ManualClock
) -> None:
    copy_sqlite(sqlite_template, tmp_path / "piiri.db")
    url = sqlite_url(tmp_path / "piiri.db")
    async with running_telegram(url, cipher, clock, read_timeout=0.3) as h:
        h.server.fail_next("sendMessage", Fault.slow(0.6))
        answer = await h.says("Aino", "/start")
        assert len(answer) == 1 and answer[0].startswith("Hei! Olen Piiri")
        assert h.server.abandoned == ["sendMessage"], "the first attempt timed out"


async def test_a_restart_resumes_from_the_saved_offset_without_loss_or_repeats(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    names = await _talking_group(h)
    h.world.say("Aino", "ennen katkoa")
    await h.settle()
    saved = await h.saved_offset()
    await h.stop()
    # While Piiri is down, people keep writing.
    h.world.say("Aino", "katkon aikana")
    h.world.say("Bo", "minäkin")
    polls = len(h.server.sent("getUpdates"))
    await h.start()
    await h.settle()
    assert h.server.sent("getUpdates")[polls]["offset"] == saved, "resumed from the saved offset"
    assert _copies(h, "Bo", names["Aino"]) == Counter(
        {f"{names['Aino']}: ennen katkoa": 1, f"{names['Aino']}: katkon aikana": 1}
    )
    assert _copies(h, "Aino", names["Bo"]) == Counter({f"{names['Bo']}: minäkin": 1})
    assert await h.saved_offset() == h.world.confirmed_below


async def test_updates_redelivered_after_a_crash_are_handled_once(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    names = await _talking_group(h)
    start = h.world.confirmed_below
    h.world.say("Aino", "tämä tulee kahdesti")
    h.world.say("Bo", "niin tämäkin")
    await h.settle()
    seen = {person: list(h.world.texts(person)) for person in PEOPLE}
    await h.stop()
    # The service died after handling both but before Telegram or the store heard so.
    await h.start(rewind_to=start)
    await h.settle()
    assert h.world.confirmed_below > start, "the updates were delivered again"
    assert {person: h.world.texts(person) for person in PEOPLE} == seen
    assert _copies(h, "Chris", names["Aino"])[f"{names['Aino']}: tämä tulee kahdesti"] == 1


async def test_a_forged_or_stale_button_answers_kindly_and_does_nothing(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    await _talking_group(h)
    welcome = h.world.last("Aino")
    async with h.app.store.transaction() as tx:
        open_before = await tx.reviews.queue([])
    for data in ("mq:a:424242", "zz:nothing", "j:ok"):
        before = len(h.world.inbox("Aino"))
        h.world.press("Aino", welcome, data)
        await h.settle()
        answers = [p.text or "" for p in h.world.inbox("Aino")[before:]]
        assert len(answers) == 1 and answers[0], data
        assert "vikaan" not in answers[0], "not an apology for a failure: a kind refusal"
    assert len(h.world.answered) == len(PEOPLE) * 3 + 3, "every press was answered"
    async with h.app.store.transaction() as tx:
        assert await tx.reviews.queue([]) == open_before
    assert all(i.status is not ReviewStatus.RESOLVED for i in open_before)


async def test_an_update_the_service_could_not_take_is_delivered_again(
    telegram: TelegramHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = telegram
    handle = h.app.dispatcher.handle
    tried: list[str] = []

    async def store_away_once(event: Inbound) -> None:
        tried.append(event.event_id)
        if len(tried) == 1:
            raise ConnectionError("the store went away for a moment")
        await handle(event)

    monkeypatch.setattr(h.app.dispatcher, "handle", store_away_once)
    answer = await h.says("Aino", "/start")
    assert len(answer) == 1 and answer[0].startswith("Hei! Olen Piiri")
    assert len(tried) == 2 and tried[0] == tried[1], "the same update, offered again"
