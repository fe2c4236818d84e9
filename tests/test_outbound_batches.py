"""A transport that takes several messages at once (the web chat) gets a batch's new messages
in one call, in order; one refused message fails alone, a failed call is retried whole, and an
edit of a message in the same batch waits until that message went."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_app
from bot.config import Settings
from bot.ports import BatchSending, Button, ChatRef, Outbound, SendError, SentMessage
from bot.transports.memory import MemoryTransport
from bot.transports.web import WebTransport
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from storage.store import Store
from tests.harness import Harness
from tests.joining import join, joinable_group

HELSINKI = ZoneInfo("Europe/Helsinki")
PEOPLE = ("a1", "b2", "c3", "d4", "e5")


class TakesMany(MemoryTransport):
    """The memory transport, taking new messages in batches; notes the size of each call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []
        self.refuse_chats: set[str] = set()
        self.fail_next_call = False

    async def send_many(self, messages: Sequence[Outbound]) -> list[SentMessage | SendError]:
        self.calls.append(len(messages))
        if self.fail_next_call:
            self.fail_next_call = False
            raise ConnectionError("the store went away")
        results: list[SentMessage | SendError] = []
        for message in messages:
            if message.chat.chat_id in self.refuse_chats:
                results.append(SendError("gone", permanent=True))
            else:
                results.append(await self.send(message))
        return results


@pytest.fixture
async def many(
    database_url: str, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[Harness]:
    settings = Settings.model_validate({"database": {"url": database_url}})
    transport = TakesMany()
    assert isinstance(transport, BatchSending)
    app = build_app(settings, cipher, [transport], clock=clock)
    await app.start()
    yield Harness(app, transport, clock)
    await app.stop()


async def _group_of_five(h: Harness) -> dict[str, str]:
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    return {person: await join(h, person, group.code) for person in PEOPLE}


async def test_a_message_reaches_everyone_in_one_call_per_batch(many: Harness) -> None:
    h = many
    transport = h.transport
    assert isinstance(transport, TakesMany)
    names = await _group_of_five(h)
    transport.calls.clear()

    await h.says("a1", "moikka kaikki")
    for person in PEOPLE[1:]:
        assert transport.texts(person)[-1] == f"{names['a1']}: moikka kaikki"
    assert transport.calls and max(transport.calls) >= 4, transport.calls

    await h.says("b2", "eka")
    await h.says("b2", "toka")
    assert transport.texts("c3")[-2:] == [f"{names['b2']}: eka", f"{names['b2']}: toka"]


async def test_one_refused_copy_fails_alone_and_a_failed_call_is_retried(many: Harness) -> None:
    h = many
    transport = h.transport
    assert isinstance(transport, TakesMany)
    names = await _group_of_five(h)
    transport.refuse_chats.add(transport.dm("e5").chat_id)

    await h.says("a1", "kuuleeko kukaan")
    assert transport.texts("b2")[-1] == f"{names['a1']}: kuuleeko kukaan"
    assert "kuuleeko kukaan" not in " ".join(transport.texts("e5"))

    transport.refuse_chats.clear()
    transport.fail_next_call = True
    await h.says("c3", "toinen yritys")
    for person in ("a1", "b2", "d4", "e5"):
        assert transport.texts(person).count(f"{names['c3']}: toinen yritys") == 1


async def test_an_edit_made_before_the_copies_went_reaches_every_copy(many: Harness) -> None:
    h = many
    transport = h.transport
    assert isinstance(transport, TakesMany)
    names = await _group_of_five(h)

    before = len(transport.calls)
    said = transport.say("a1", "kirjoitusvirhe")
    transport.edit_own("a1", str(said.message_id), "korjattu")
    await h.settle()
    for person in PEOPLE[1:]:
        assert transport.texts(person)[-1] == f"{names['a1']}: korjattu"
        assert sum("kirjoitusvirhe" in t or "korjattu" in t for t in transport.texts(person)) == 1
    assert len(transport.calls) > before


async def test_the_web_chat_writes_a_batch_in_one_go_and_an_unknown_chat_fails_alone(
    store: Store, cipher: IdentityCipher
) -> None:
    web = WebTransport(store, cipher)
    assert isinstance(web, BatchSending)
    _token, aino = await web.new_visitor()
    _token, bo = await web.new_visitor()
    results = await web.send_many(
        [
            Outbound(aino.chat, "Tervetuloa"),
            Outbound(ChatRef("web", "nobody-has-this-chat"), "hukassa"),
            Outbound(bo.chat, "Hei", buttons=((Button("Kyllä", "y"),),)),
            Outbound(aino.chat, "Toinen"),
        ]
    )
    assert [type(r).__name__ for r in results] == [
        "SentMessage",
        "SendError",
        "SentMessage",
        "SentMessage",
    ]
    refused = results[1]
    assert isinstance(refused, SendError) and refused.permanent
    assert [e["text"] for e in await web.events_after(aino.id, 0)] == ["Tervetuloa", "Toinen"]
    (hei,) = await web.events_after(bo.id, 0)
    assert hei["buttons"] == [[{"label": "Kyllä", "data": "y"}]]
