"""The Telegram transport's conversions, each on its own: updates in, messages out, errors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.ports import Attachment, Button, ChatRef, InboundKind, Outbound, SendError
from bot.transports.telegram.errors import NO_RIGHTS, already_done, to_send_error
from bot.transports.telegram.messages import ButtonDataTooLong, keyboard, shorten, split_text
from bot.transports.telegram.updates import to_inbound
from tests.joining import joinable_group
from tests.telegram_api.harness import TelegramHarness

AINO = {"id": 100001, "is_bot": False, "first_name": "Aino"}
PRIVATE = {"id": 100001, "type": "private", "first_name": "Aino"}
GROUP = {"id": -1001000000001, "type": "supergroup", "title": "Piiri"}


def _update(**payload: Any) -> Update:
    return Update.de_json({"update_id": 41, **payload}, None)


def _message(chat: dict[str, Any] = PRIVATE, **fields: Any) -> dict[str, Any]:
    return {"message_id": 7, "date": 1_790_000_000, "chat": chat, "from": AINO, **fields}


def test_a_private_text_a_group_photo_and_an_edit_become_inbound_events() -> None:
    text = to_inbound(_update(message=_message(text="/start ABC")), "telegram")
    assert text is not None and text.kind is InboundKind.MESSAGE and text.is_private
    assert (text.event_id, text.text, text.sender.user_id) == ("41", "/start ABC", "100001")
    photo = to_inbound(
        _update(
            message=_message(
                GROUP,
                caption="katso",
                photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
                reply_to_message=_message(GROUP, message_id=3, text="hei"),
            )
        ),
        "telegram",
    )
    assert photo is not None and not photo.is_private
    assert (photo.media, photo.text, photo.reply_to_message_id) == ("photo", "katso", "3")
    assert photo.chat.chat_id == str(GROUP["id"])
    edit = to_inbound(
        _update(edited_message=_message(text="korjattu", edit_date=1_790_000_001)), "telegram"
    )
    assert edit is not None and edit.kind is InboundKind.EDIT and edit.message_id == "7"


def test_service_messages_and_other_bots_are_not_events() -> None:
    joined = _message(GROUP, new_chat_members=[AINO])
    assert to_inbound(_update(message=joined), "telegram") is None
    robot = {"id": 5, "is_bot": True, "first_name": "Robo"}
    assert to_inbound(_update(message={**_message(text="hi"), "from": robot}), "telegram") is None


def test_a_button_press_in_a_group_names_the_group_and_the_data() -> None:
    pressed = to_inbound(
        _update(
            callback_query={
                "id": "q1",
                "from": AINO,
                "chat_instance": "c",
                "data": "mq:a:12",
                "message": _message(GROUP, text="alert"),
            }
        ),
        "telegram",
    )
    assert pressed is not None and pressed.kind is InboundKind.BUTTON
    assert (pressed.button_data, pressed.is_private) == ("mq:a:12", False)


@pytest.mark.parametrize(
    ("error", "permanent", "retry_after"),
    [
        (RetryAfter(3), False, 3.0),
        (TimedOut(), False, None),
        (NetworkError("Bad Gateway"), False, None),
        (Forbidden("Forbidden: bot was blocked by the user"), True, None),
        (BadRequest("Bad Request: chat not found"), True, None),
        (BadRequest("Bad Request: message can't be deleted"), True, None),
    ],
)
def test_errors_are_retried_only_when_retrying_can_help(
    error: Exception, permanent: bool, retry_after: float | None
) -> None:
    assert isinstance(error, Forbidden | NetworkError | RetryAfter)
    mapped = to_send_error(error)
    assert (mapped.permanent, mapped.retry_after) == (permanent, retry_after)


def test_a_refused_deletion_says_rights_and_a_vanished_one_is_done() -> None:
    assert to_send_error(BadRequest("Bad Request: message can't be deleted")).reason == NO_RIGHTS
    assert already_done(BadRequest("Bad Request: message to delete not found"))
    assert already_done(BadRequest("Bad Request: message is not modified: same content"))
    assert not already_done(BadRequest("Bad Request: chat not found"))


def test_button_data_over_64_bytes_is_refused_and_long_text_is_split_at_a_line() -> None:
    with pytest.raises(ButtonDataTooLong):
        keyboard(((Button("liian pitkä", "x" * 65),),))
    assert keyboard(((Button("ok", "ä" * 32),),)) is not None  # 64 bytes exactly
    text = "\n".join(f"rivi {n}: " + " ".join(["sana"] * 20) for n in range(200))
    pieces = split_text(text)
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert "\n".join(pieces) == text, "cut only where a line ends"
    assert len(shorten("a" * 5000)) == 4096 and shorten("lyhyt") == "lyhyt"


async def test_long_texts_buttons_and_files_reach_telegram_whole(
    telegram: TelegramHarness,
) -> None:
    h = telegram
    aino = ChatRef("telegram", h.id("Aino"))
    long_text = "\n".join(f"{n}: " + " ".join(["sana"] * 30) for n in range(40))
    await h.transport.send(Outbound(aino, long_text, buttons=((Button("Selvä", "x:1"),),)))
    first, second = h.world.inbox("Aino")
    assert not first.buttons and second.button_data() == ["x:1"]
    assert (first.text or "") + "\n" + (second.text or "") == long_text
    with pytest.raises(SendError) as refused:
        await h.transport.send(Outbound(aino, "hei", buttons=((Button("x", "y" * 65),),)))
    assert refused.value.permanent
    calendar = Attachment("piiri.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    await h.transport.send(Outbound(aino, "Kalenteri", attachment=calendar))
    assert h.world.last("Aino").document == "piiri.ics"
    assert h.world.last("Aino").text == "Kalenteri"


async def test_a_member_gets_the_calendar_file(telegram: TelegramHarness) -> None:
    h = telegram
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=ZoneInfo("Europe/Helsinki")))
    group = await joinable_group(
        h.app, h.platform, date(2027, 1, 12), facilitator=h.id("Sanna"), staff_room=False
    )
    await h.join("Aino", group.code)
    await h.says("Aino", "/kalenteri")
    assert (h.world.last("Aino").document or "").endswith(".ics")
