"""The web chat's members and what Piiri sent them: visitors, and one event log per chat.

A visitor is known by a random token in a cookie, stored here only as a keyed hash; their
chat id (the UserRef and ChatRef the rest of Piiri sees) is a separate random id, kept
encrypted with a keyed hash for look-up like every platform id. The event log is what the
page shows, numbered per chat so a page that reconnects asks for exactly what it missed.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, str_enum


class WebVisitor(Base):
    __tablename__ = "web_visitors"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        UniqueConstraint("chat_hash"),
        UniqueConstraint("phrase_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    # The recovery phrase shown once, kept only as a keyed hash.
    phrase_hash: Mapped[str | None] = mapped_column(String(64))
    chat_hash: Mapped[str] = mapped_column(String(64))
    chat_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # The number of the last event in this visitor's log.
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class WebEventKind(enum.StrEnum):
    SEND = "send"  # Piiri sent a message to the chat
    EDIT = "edit"  # Piiri changed one it sent
    DELETE = "delete"  # Piiri deleted one it sent
    OWN = "own"  # the member wrote a message (shown to them as theirs)
    OWN_EDIT = "own_edit"  # the member edited it
    OWN_DELETE = "own_delete"  # the member deleted it
    STATE = "state"  # what became of the member's message: sent, held, blocked…
    RESET = "reset"  # the member was erased: the page starts over


class WebEvent(Base):
    __tablename__ = "web_events"
    __table_args__ = (UniqueConstraint("visitor_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("web_visitors.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[WebEventKind] = mapped_column(str_enum(WebEventKind, length=12))
    # The message the event is, or is about: "s<seq>" for Piiri's, the client's id for own.
    message_id: Mapped[str | None] = mapped_column(String(64))
    # Text is kept only for the message retention period, like members' messages.
    text: Mapped[str | None] = mapped_column(Text)
    # Buttons, notice, reply_to, state, the attachment's name and type.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(index=True)
