"""Over Telegram, end to end: people join a relay group with a deep link and talk, seen by
each other only as pseudonyms; a reply and an edit reach every copy."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.logs import QUIET_LIBRARIES, JsonFormatter, TextFormatter, configure_logging
from bot.ports import Button, Outbound
from tests.joining import joinable_group
from tests.telegram_api.harness import TelegramHarness
from tests.telegram_api.server import TOKEN, Fault

HELSINKI = ZoneInfo("Europe/Helsinki")
PEOPLE = ("Aino", "Bo", "Chris")


async def test_three_join_by_deep_link_talk_reply_and_edit(telegram: TelegramHarness) -> None:
    h = telegram
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    staff_room = h.world.group("Ohjaajat")
    group = await joinable_group(
        h.app,
        h.platform,
        date(2027, 1, 12),
        facilitator=h.id("Sanna"),
        staff_room_id=str(staff_room.id),
    )
    # Opening t.me/<bot>?start=CODE makes Telegram send "/start CODE" from the person.
    names = {person: await h.join(person, group.code) for person in PEOPLE}
    assert len(set(names.values())) == 3
    for person in PEOPLE:
        assert "Tervetuloa" in h.world.texts(person)[-1]

    said = h.world.say("Aino", "Hei kaikki, mukava olla täällä")
    await h.settle()
    line = f"{names['Aino']}: Hei kaikki, mukava olla täällä"
    for person in ("Bo", "Chris"):
        assert h.world.texts(person)[-1] == line
    assert line not in h.world.texts("Aino"), "the author gets no copy"
    assert h.world.room(staff_room)[-1].text == line, "the facilitators see the conversation"

    # A reply points at each reader's own copy; the author's is their original message.
    bos_copy = h.world.last("Bo")
    h.world.say("Bo", "Samoin!", reply_to=bos_copy)
    await h.settle()
    to_aino = h.world.last("Aino")
    assert to_aino.text == f"{names['Bo']}: Samoin!"
    assert to_aino.reply_to == said.message_id
    chris_copy = next(p for p in h.world.inbox("Chris") if p.text == line)
    assert h.world.last("Chris").reply_to == chris_copy.message_id

    # An edit reaches every copy.
    h.world.edit("Aino", said, "Hei kaikki!")
    await h.settle()
    for person in ("Bo", "Chris"):
        [copy] = [p for p in h.world.inbox(person) if line in p.edits]
        assert copy.text == f"{names['Aino']}: Hei kaikki!"

    # Nobody's Telegram id reaches anyone else; every button press was answered.
    ids = {person: h.id(person) for person in PEOPLE}
    for chat_id, posted in h.world.messages.items():
        for message in posted:
            for person, user_id in ids.items():
                if str(chat_id) != user_id:
                    assert user_id not in (message.text or ""), f"{person}'s id leaked"
    assert len(h.world.answered) == len(PEOPLE) * 3


@pytest.fixture
def _restore_library_levels() -> Iterator[None]:
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    handlers, level = root.handlers[:], root.level
    yield
    for name, was in saved.items():
        logging.getLogger(name).setLevel(was)
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("_restore_library_levels")
async def test_logs_over_telegram_hold_no_text_no_ids_and_no_token(
    telegram: TelegramHarness, caplog: pytest.LogCaptureFixture
) -> None:
    h = telegram
    configure_logging("DEBUG", "json")
    caplog.set_level(logging.DEBUG)
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator=h.id("Sanna"), staff_room=False
    )
    for person in ("Aino", "Bo"):
        await h.join(person, group.code)
    h.server.fail_next("sendMessage", Fault.too_many(retry_after=1), Fault.bad_gateway())
    said = h.world.say("Aino", "salainen-viesti-8472 hei")
    await h.settle()
    h.world.edit("Aino", said, "salainen-viesti-8472 moi")
    await h.settle()
    assert any(r.getMessage() == "outbound.retry" for r in caplog.records)
    secrets = [TOKEN, TOKEN.split(":")[1], h.id("Aino"), h.id("Bo"), "salainen", group.code]
    for record in caplog.records:
        for line in (JsonFormatter().format(record), TextFormatter().format(record)):
            for secret in secrets:
                assert secret not in line, record.getMessage()


async def test_an_edit_keeps_the_buttons_of_the_message_it_changes(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    chat = h.platform.dm(h.id("Aino"))
    choice = ((Button("Kyllä", "x:1"), Button("Ei", "x:2")),)
    sent = await h.transport.send(Outbound(chat, "Tuletko torstaina?", buttons=choice))
    await h.transport.edit(sent, "Tuletko torstaina klo 18?")
    shown = h.world.last("Aino")
    assert shown.text == "Tuletko torstaina klo 18?" and shown.edits == ["Tuletko torstaina?"]
    assert shown.labels() == ["Kyllä", "Ei"] and shown.button_data() == ["x:1", "x:2"]
    plain = await h.transport.send(Outbound(chat, "Kiitos"))
    await h.transport.edit(plain, "Kiitos vastauksesta")
    assert h.world.last("Aino").buttons == [], "no buttons appear where there were none"
