"""Over Telegram, end to end: people join a relay group with a deep link and talk, seen by
each other only as pseudonyms; a reply and an edit reach every copy."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.joining import joinable_group
from tests.telegram_api.harness import TelegramHarness

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
