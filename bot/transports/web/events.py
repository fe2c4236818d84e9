"""An event of a chat's log as the page reads it (JSON over the socket)."""

from __future__ import annotations

from typing import Any

from bot.ports import Keyboard
from storage.models import MessageState, WebEvent

# What became of a member's own message, as the page names it.
STATES = {
    MessageState.ACCEPTED: "sent",
    MessageState.HELD: "held",
    MessageState.BLOCKED: "blocked",
    MessageState.REMOVED: "removed",
    MessageState.CLOSED: "closed",
    MessageState.DEFERRED: "deferred",
}


def buttons_payload(buttons: Keyboard) -> list[list[dict[str, str]]]:
    return [[{"label": b.label, "data": b.data} for b in row] for row in buttons]


def event_data(event: WebEvent) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "event",
        "seq": event.seq,
        "kind": event.kind.value,
        "id": event.message_id,
        "text": event.text,
        "at": event.created_at.isoformat(timespec="seconds"),
    }
    payload = event.payload or {}
    for key in ("buttons", "notice", "reply_to", "state"):
        if key in payload:
            data[key] = payload[key]
    if "file" in payload and event.attachment is not None:
        data["file"] = {"name": payload["file"]["name"], "url": f"/file/{event.seq}"}
    return data
