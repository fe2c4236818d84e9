"""The Matrix transport's pure parts, without a homeserver: events read into `Inbound`s,
outbound content, choices answered by reaction or by number, and errors sorted for retrying."""

from __future__ import annotations

from typing import Any

import pytest
from nio import ErrorResponse

from bot.ports import Button, InboundKind
from bot.transports.matrix.errors import NO_POWER, to_send_error
from bot.transports.matrix.events import Reaction, read_event, strip_reply_fallback
from bot.transports.matrix.messages import (
    BUTTONS_KEY,
    choice_from_reaction,
    choice_from_text,
    edit_content,
    split_text,
    text_content,
)

ROOM = "!room:example.org"


def _event(kind: str, content: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": kind, "event_id": "$e1", "sender": "@aino:example.org", "content": content}


def _read(source: dict[str, Any], private: bool = True) -> Any:
    return read_event(source, ROOM, "matrix", is_private=private)


def test_a_text_message_with_a_reply_loses_its_quoted_fallback() -> None:
    event = _read(
        _event(
            "m.room.message",
            {
                "msgtype": "m.text",
                "body": "> <@bo:example.org> moi\n> toinen rivi\n\nSamoin!",
                "m.relates_to": {"m.in_reply_to": {"event_id": "$earlier"}},
            },
        )
    )
    assert event.kind is InboundKind.MESSAGE and event.is_private
    assert event.text == "Samoin!" and event.reply_to_message_id == "$earlier"
    assert event.message_id == event.event_id == "$e1"
    assert strip_reply_fallback("> ei vastaus") == ""
    assert strip_reply_fallback("tavallinen") == "tavallinen"


def test_an_edit_names_the_original_and_carries_the_new_text() -> None:
    event = _read(
        _event(
            "m.room.message",
            {
                "msgtype": "m.text",
                "body": "* uusi",
                "m.new_content": {"msgtype": "m.text", "body": "uusi"},
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$original"},
            },
        ),
        private=False,
    )
    assert event.kind is InboundKind.EDIT and event.message_id == "$original"
    assert event.text == "uusi" and not event.is_private


def test_a_redaction_is_a_deletion_of_its_target() -> None:
    event = _read(_event("m.room.redaction", {"redacts": "$gone"}))
    assert event.kind is InboundKind.DELETE and event.message_id == "$gone"


@pytest.mark.parametrize(
    ("content", "text", "media"),
    [
        ({"msgtype": "m.image", "body": "kuva.jpg", "filename": "kuva.jpg"}, None, "photo"),
        ({"msgtype": "m.image", "body": "katso", "filename": "kuva.jpg"}, "katso", "photo"),
        ({"msgtype": "m.audio", "body": "ääni.ogg"}, None, "voice"),
        ({"msgtype": "m.file", "body": "liite.pdf"}, None, "file"),
    ],
)
def test_media_is_named_and_a_caption_kept(
    content: dict[str, Any], text: str | None, media: str
) -> None:
    event = _read(_event("m.room.message", content))
    assert (event.text, event.media) == (text, media)


def test_notices_reactions_and_redacted_events() -> None:
    assert _read(_event("m.room.message", {"msgtype": "m.notice", "body": "botti"})) is None
    redacted = _event("m.room.message", {})
    redacted["unsigned"] = {"redacted_because": {}}
    assert _read(redacted) is None
    reaction = _read(
        _event(
            "m.reaction",
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$bot", "key": "✅"}},
        )
    )
    assert isinstance(reaction, Reaction) and reaction.reacts_to == "$bot"
    assert "aino" not in repr(reaction)


def test_choices_are_numbered_under_the_text_and_escaped() -> None:
    buttons = ((Button("Kuittaa <b>", "mq:a:1"), Button("Poista", "mq:x:1")),)
    content = text_content("Hälytys & <i>", notice=False, buttons=buttons, reply_to="$x")
    assert content["msgtype"] == "m.text"
    assert content["body"] == "Hälytys & <i>\n\n1️⃣ Kuittaa <b>\n2️⃣ Poista"
    assert "&lt;i&gt;" in content["formatted_body"] and "<b>" not in content["formatted_body"]
    assert content[BUTTONS_KEY] == ["mq:a:1", "mq:x:1"]
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$x"}}
    plain = text_content("Huomio", notice=True)
    assert plain == {"msgtype": "m.notice", "body": "Huomio"}, "no formatted body without need"
    edit = edit_content("$old", text_content("uusi", notice=False))
    assert edit["m.new_content"] == {"msgtype": "m.text", "body": "uusi"}
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$old"}


def test_a_choice_by_reaction_or_by_writing() -> None:
    assert choice_from_reaction("✅", 3) == 0
    assert choice_from_reaction("2️⃣", 3) == 1
    assert choice_from_reaction("2\u20e3", 3) == 1, "a keycap without the variation selector"
    assert choice_from_reaction("4️⃣", 3) is None
    assert choice_from_reaction("❤️", 3) is None
    assert choice_from_text("1", ["a", "b"]) == 0
    assert choice_from_text(" 2. ", ["a", "b"]) == 1
    assert choice_from_text("3", ["a", "b"]) is None
    assert choice_from_text("suomi", ["suomi", "svenska"]) == 0
    assert choice_from_text("1 kerta vain", ["a", "b"]) is None


def test_long_texts_are_split_at_line_ends() -> None:
    text = "\n".join(["rivi " * 10] * 100)
    pieces = split_text(text, limit=500)
    assert all(len(p) <= 500 for p in pieces) and len(pieces) > 1
    assert sum(p.count("rivi") for p in pieces) == 1000, "nothing lost at the cuts"
    assert all(p.startswith("rivi") for p in pieces), "cut at a line end, not inside a line"


@pytest.mark.parametrize(
    ("code", "redacting", "permanent", "reason"),
    [
        ("M_LIMIT_EXCEEDED", False, False, "rate limited"),
        ("M_FORBIDDEN", True, True, NO_POWER),
        ("M_FORBIDDEN", False, True, "forbidden"),
        ("M_TOO_LARGE", False, True, "message too large"),
        (None, False, False, "homeserver error"),
    ],
)
def test_errors_sorted_for_retrying(
    code: str | None, redacting: bool, permanent: bool, reason: str
) -> None:
    error = ErrorResponse("words from the server !room:example.org", code, 2500)
    sent = to_send_error(error, redacting=redacting)
    assert (sent.permanent, sent.reason) == (permanent, reason)
    assert "!room" not in sent.reason
    if code == "M_LIMIT_EXCEEDED":
        assert sent.retry_after == 2.5
