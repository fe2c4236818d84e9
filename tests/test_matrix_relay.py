"""Over Matrix, end to end against a real Synapse: people open direct chats with the bot, join
a relay group with a code and talk, seen by each other only as pseudonyms; a reply, an edit and
a redaction reach every copy. Buttons are answered by number and by reaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from nio import RoomCreateResponse, RoomPreset

from bot.logs import QUIET_LIBRARIES, JsonFormatter, TextFormatter, configure_logging
from tests.joining import joinable_group
from tests.matrix_server.harness import MatrixHarness

HELSINKI = ZoneInfo("Europe/Helsinki")
PEOPLE = ("Aino", "Bo", "Chris")


async def test_three_join_by_code_talk_reply_edit_and_redact(matrix: MatrixHarness) -> None:
    h = matrix
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    await h.person("Sanna")
    staff_room = await h.open_room("Sanna", ["Olli"])
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator=h.id("Sanna"), staff_room_id=staff_room
    )
    names = {person: await h.join(person, group.code) for person in PEOPLE}
    assert len(set(names.values())) == 3
    for person in PEOPLE:
        assert "Tervetuloa" in (await h.texts(person))[-1]

    said = await h.say("Aino", "Hei kaikki, mukava olla täällä")
    await h.settle()
    line = f"{names['Aino']}: Hei kaikki, mukava olla täällä"
    for person in ("Bo", "Chris"):
        assert (await h.texts(person))[-1] == line
    assert line not in await h.texts("Aino"), "the author gets no copy"
    staff_view = await h.room("Sanna", staff_room)
    assert staff_view[-1].body == line, "the facilitators see the conversation"

    # A reply points at each reader's own copy; the author's is their original message.
    bos_copy = (await h.inbox("Bo"))[-1]
    await h.say("Bo", "Samoin!", reply_to=bos_copy.event_id)
    await h.settle()
    to_aino = (await h.inbox("Aino"))[-1]
    assert to_aino.body == f"{names['Bo']}: Samoin!"
    assert to_aino.reply_to == said
    chris_inbox = await h.inbox("Chris")
    chris_copy = next(m for m in chris_inbox if m.body == line)
    assert chris_inbox[-1].reply_to == chris_copy.event_id

    # An edit reaches every copy, as an m.replace of it.
    await h.edit("Aino", said, "Hei kaikki!")
    await h.settle()
    for person in ("Bo", "Chris"):
        [copy] = [m for m in await h.inbox(person) if line in m.edits]
        assert copy.body == f"{names['Aino']}: Hei kaikki!"

    # A redaction by the author turns every copy into a short note.
    gone = await h.say("Chris", "Tämän poistan kohta")
    await h.settle()
    copies = {p: (await h.inbox(p))[-1] for p in ("Aino", "Bo")}
    await h.redact("Chris", gone)
    await h.settle()
    for person, copy in copies.items():
        [now] = [m for m in await h.inbox(person) if m.event_id == copy.event_id]
        assert "Tämän poistan" not in now.body, f"{person} still sees the removed message"

    # Nobody's Matrix id reaches anyone else.
    ids = {person: h.id(person) for person in PEOPLE}
    for person in PEOPLE:
        for message in await h.inbox(person):
            for other, user_id in ids.items():
                if other != person:
                    assert user_id not in message.body, f"{other}'s id leaked"


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
async def test_logs_over_matrix_hold_no_text_no_ids_and_no_token(
    matrix: MatrixHarness, caplog: pytest.LogCaptureFixture
) -> None:
    h = matrix
    configure_logging("DEBUG", "json")
    caplog.set_level(logging.DEBUG)
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator="@sanna:piiri.test", staff_room=False
    )
    for person in ("Aino", "Bo"):
        await h.join(person, group.code)
    await asyncio.to_thread(h.server.limit_messages, h.bot, 5, 1)
    try:
        said = await h.say("Aino", "salainen-viesti-8472 hei")
        await h.say("Aino", "salainen-viesti-8472 toinen")
        await h.settle()
        await h.edit("Aino", said, "salainen-viesti-8472 moi")
        await h.settle()
    finally:
        await asyncio.to_thread(h.server.unlimit_messages, h.bot)
    assert any(r.getMessage() == "outbound.retry" for r in caplog.records)
    rooms = [p.dm for p in h.people.values() if p.dm]
    secrets = [h.bot.access_token, h.bot.user_id, h.id("Aino"), h.id("Bo"), "salainen", group.code]
    for record in caplog.records:
        for line in (JsonFormatter().format(record), TextFormatter().format(record)):
            for secret in [*secrets, *rooms]:
                assert secret not in line, record.getMessage()


async def test_what_is_written_before_the_bot_accepts_the_invitation_is_answered(
    matrix: MatrixHarness,
) -> None:
    h = matrix
    aino = await h.person("Aino")
    created = await aino.client.room_create(
        is_direct=True, invite=[h.bot.user_id], preset=RoomPreset.trusted_private_chat
    )
    assert isinstance(created, RoomCreateResponse), created
    aino.dm = created.room_id
    await h.say("Aino", "!start")  # at once, not waiting for the bot to join
    await h.settle()
    assert (await h.texts("Aino"))[0].startswith("Hei! Olen Piiri")
