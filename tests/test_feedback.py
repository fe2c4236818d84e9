"""Feedback after a session: the closing question carries a 1–5 scale as buttons, an optional
one-line comment follows, answers are kept per membership, and a comment is screened like any
message (a crisis in it reaches the moderators, never the group)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.ports import Button
from bot.transports.matrix.messages import (
    BUTTONS_KEY,
    choice_from_reaction,
    choice_from_text,
    text_content,
)
from groups import feedback
from groups.planning import NewGroup, create_group
from groups.staff import PlatformRef, bind_rooms
from storage.models import (
    GroupMode,
    Membership,
    MessageState,
    ReviewItem,
    RoomPurpose,
    SurveyResponse,
)
from tests.feedback_helpers import joined_group, sessions, to_feedback
from tests.harness import Harness
from tests.joining import STAFF_ROOM
from tests.programmes import make_programme, weekly

ROOM = "room:-100200300"
CRISIS = "mä haluun kuolla tänä yönä, en jaksa enää"


async def answers(h: Harness) -> dict[str, tuple[str, int | None, str | None]]:
    async with h.app.store.transaction() as tx:
        rows = await tx.session.execute(
            select(Membership.person_id, SurveyResponse).join(
                Membership, Membership.id == SurveyResponse.membership_id
            )
        )
        out = {}
        for person_id, response in rows.all():
            person = await tx.persons.get(person_id)
            assert person is not None
            name = tx.persons.external_id(person)
            out[name] = (response.occasion, response.value, response.comment)
        return out


async def test_a_member_answers_with_a_button_and_a_comment_nobody_else_reads(
    harness: Harness,
) -> None:
    h = harness
    group_id, names = await joined_group(h)
    first = (await sessions(h, group_id))[0]
    await to_feedback(h, first)

    question = h.transport.inbox("aino")[-1]
    assert question.text.startswith("feedback 1/9")
    assert [b.label for row in question.buttons for b in row] == ["1", "2", "3", "4", "5"]
    mirror = h.transport.received[STAFF_ROOM][-1]
    assert mirror.text.startswith("feedback 1/9") and mirror.buttons == ()

    (ask,) = await h.presses("aino", question.button_data()[3])
    assert "kommentin" in ask.casefold()
    bo_before = len(h.transport.inbox("bo"))
    room_before = len(h.transport.received[STAFF_ROOM])
    (thanks,) = await h.says("aino", "Hyvä kerta,\n kiitos!")
    assert "tallensin" in thanks.casefold() or "kiitos" in thanks.casefold()
    assert len(h.transport.inbox("bo")) == bo_before, "the comment is not relayed"
    assert len(h.transport.received[STAFF_ROOM]) == room_before
    assert (await answers(h))["aino"] == ("session-1", 4, "Hyvä kerta, kiitos!")

    # A second press changes the answer and keeps the comment; the next text is for the group.
    await h.presses("aino", question.button_data()[1])
    await h.presses("aino", h.transport.inbox("aino")[-1].button_data()[0])  # Skip
    await h.says("aino", "Moi kaikki")
    assert h.transport.inbox("bo")[-1].text == f"{names['aino']}: Moi kaikki"
    assert (await answers(h))["aino"] == ("session-1", 2, "Hyvä kerta, kiitos!")


async def test_a_crisis_in_a_comment_reaches_a_moderator_and_not_the_group(
    harness: Harness,
) -> None:
    h = harness
    group_id, _names = await joined_group(h)
    await to_feedback(h, (await sessions(h, group_id))[0])
    await h.presses("bo", h.transport.inbox("bo")[-1].button_data()[1])
    aino_before = len(h.transport.inbox("aino"))

    (help_now,) = await h.says("bo", CRISIS)

    assert "112" in help_now
    assert len(h.transport.inbox("aino")) == aino_before
    alert = h.transport.received[STAFF_ROOM][-1]
    assert alert.text.startswith("🚨") and CRISIS in alert.text
    assert "mq:r:" not in " ".join(alert.button_data()), "nothing to release to the group"
    async with h.app.store.transaction() as tx:
        (item,) = (await tx.session.execute(select(ReviewItem))).scalars()
        message = await tx.messages.get(item.message_id or 0)
        assert item.category == "crisis" and message is not None
        assert message.state is MessageState.PRIVATE
    assert (await answers(h))["bo"] == ("session-1", 2, None)


async def test_an_old_or_foreign_feedback_button_is_refused(harness: Harness) -> None:
    h = harness
    group_id, _names = await joined_group(h, ("aino",))
    first = (await sessions(h, group_id))[0]
    (answer,) = await h.presses("aino", "fb:9999:3")
    assert "ei ole enää käytössä" in answer
    (answer,) = await h.presses("stranger", f"fb:{first.id}:3")
    assert "ei ole enää käytössä" in answer
    (answer,) = await h.presses("aino", "fb:skip:12345")
    assert "ei ole enää käytössä" in answer
    assert await answers(h) == {}


def test_on_matrix_the_scale_is_a_numbered_choice_a_reaction_or_number_answers() -> None:
    keyboard = tuple(
        tuple(Button(b.label, b.data) for b in row) for row in feedback.rating_buttons(42)
    )
    content = text_content("Millainen kerta oli?", notice=False, buttons=keyboard)
    assert content["body"].endswith("1️⃣ 1\n2️⃣ 2\n3️⃣ 3\n4️⃣ 4\n5️⃣ 5")
    data = content[BUTTONS_KEY]
    assert data[choice_from_reaction("4️⃣", len(data)) or 0] == "fb:42:4"
    assert data[choice_from_text("2", ["1", "2", "3", "4", "5"]) or 0] == "fb:42:2"


async def test_in_room_mode_the_scale_is_in_the_room_and_the_rest_private(
    harness: Harness,
) -> None:
    h = harness
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    async with h.app.store.transaction() as tx:
        group = await create_group(
            tx,
            NewGroup(
                name="Vanhempien piiri",
                programme=make_programme(),
                series=weekly(date(2027, 1, 12)),
                mode=GroupMode.ROOM,
            ),
            now=h.clock.now(),
            actor_person_id=None,
            via="test",
        )
        await bind_rooms(tx, group, {RoomPurpose.ROOM: PlatformRef("memory", ROOM)})
        group_id = group.id
    await h.says("aino", "/start")
    h.transport.say_in_room("aino", ROOM, "Hei kaikki")
    await h.settle()
    await to_feedback(h, (await sessions(h, group_id))[0])
    question = h.transport.received[ROOM][-1]
    assert question.text.startswith("feedback 1/9") and len(question.button_data()) == 5

    in_room = len(h.transport.received[ROOM])
    h.transport.press("aino", question.button_data()[4], room_id=ROOM)
    await h.settle()
    assert len(h.transport.received[ROOM]) == in_room, "the room does not learn who answered"
    assert "kommentin" in h.transport.texts("aino")[-1]
    assert (await answers(h))["aino"] == ("session-1", 5, None)
