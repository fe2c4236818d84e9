"""The web chat as a transport: what Piiri sends a web member is appended to their chat's
event log in the store and pushed to their open pages; what they do on the page becomes an
`Inbound` like a message on any platform.

A member is a random token in a cookie (kept only as a keyed hash) and, for the rest of Piiri,
a separate random chat id: the UserRef and ChatRef of their private chat with the bot.
Message ids are `s<seq>` for Piiri's messages (the log's number for the send) and the page's
own id for the member's messages.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.logs import get_logger
from bot.ports import (
    ChatRef,
    CursorStore,
    Inbound,
    InboundKind,
    InboundSink,
    Outbound,
    SendError,
    SentMessage,
    UserRef,
)
from bot.transports.receiving import deliver
from bot.transports.web.events import STATES, buttons_payload, event_data
from bot.transports.web.hub import Hub
from storage.crypto import IdentityCipher
from storage.models import SessionStatus, WebEvent, WebEventKind
from storage.repositories.web import WebRepository
from storage.store import Store, Transaction

log = get_logger(__name__)

WEB = "web"
TOKEN_BYTES = 32
FORGET_YES = "fg:yes"
# A button press counts only for a button among this many of Piiri's last messages to the chat.
BUTTONS_LOOK_BACK = 200
# States a moderator or the clock may still change (released, sent when the group opens).
UNSETTLED = {"held", "closed", "deferred"}
STATES_LOOK_BACK = 100
# Chat ids → visitor ids remembered; the table starts over when it is full.
VISITOR_CACHE = 100_000


class StoppingError(Exception):
    """The service is stopping and did not take the event; the page sends it again later."""


@dataclass(frozen=True, slots=True)
class Visitor:
    id: int
    chat_id: str
    last_seq: int

    def __repr__(self) -> str:
        return f"Visitor({self.id})"

    @property
    def user(self) -> UserRef:
        return UserRef(WEB, self.chat_id)

    @property
    def chat(self) -> ChatRef:
        return ChatRef(WEB, self.chat_id)


@dataclass(frozen=True, slots=True)
class StoredFile:
    name: str
    media_type: str
    data: bytes


class WebTransport:
    name = WEB

    def __init__(self, store: Store, cipher: IdentityCipher) -> None:
        self._store = store
        self._cipher = cipher
        self.hub = Hub()
        self._visitor_ids: dict[str, int] = {}
        self._sink: InboundSink | None = None
        self._stopping = asyncio.Event()

    def repository(self, tx: Transaction) -> WebRepository:
        return WebRepository(tx.session, self._cipher, tx.clock)

    # --- visitors ---------------------------------------------------------------------------

    async def new_visitor(self) -> tuple[str, Visitor]:
        """A new member: their cookie token (shown to no one else) and their visitor."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        chat_id = secrets.token_urlsafe(18)
        async with self._store.transaction() as tx:
            row = await self.repository(tx).create_visitor(token, chat_id)
            visitor = Visitor(row.id, chat_id, row.last_seq)
        log.info("web.visitor_created", visitor=visitor.id)
        return token, visitor

    async def visitor(self, token: str | None) -> Visitor | None:
        """The visitor a cookie token belongs to; None for a token nobody has."""
        if not token or len(token) > 128:
            return None
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            row = await web.by_token(token)
            return Visitor(row.id, web.chat_id(row), row.last_seq) if row is not None else None

    async def visitor_by_id(self, visitor_id: int) -> Visitor | None:
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            row = await web.get(visitor_id)
            return Visitor(row.id, web.chat_id(row), row.last_seq) if row is not None else None

    async def language(self, visitor: Visitor) -> str | None:
        """The language Piiri speaks to the member in chat: their own choice, else their one
        group's (as the dispatcher chooses it)."""
        async with self._store.transaction() as tx:
            person = await tx.persons.find(WEB, visitor.chat_id)
            if person is None or person.language is not None:
                return person.language if person is not None else None
            memberships = await tx.memberships.for_person(person.id)
            if len(memberships) != 1:
                return None
            group = await tx.groups.get(memberships[0].group_id)
            return memberships[0].language or (group.language if group else None)

    async def set_phrase(self, visitor: Visitor, phrase: str) -> bool:
        """Keep the recovery phrase's hash; False if another visitor has the same phrase."""
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            if await web.phrase_taken(phrase):
                return False
            row = await web.by_chat(visitor.chat_id)
            if row is None:
                return False
            await web.set_phrase(row, phrase)
            return True

    async def recover(self, phrase: str) -> tuple[str, Visitor] | None:
        """A new token for the visitor with this phrase (the old device's stops working)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            row = await web.by_phrase(phrase)
            if row is None:
                return None
            await web.set_token(row, token)
            visitor = Visitor(row.id, web.chat_id(row), row.last_seq)
        log.info("web.visitor_recovered", visitor=visitor.id)
        return token, visitor

    # --- the log ----------------------------------------------------------------------------

    async def events_after(self, visitor_id: int, seq: int, *, limit: int = 200) -> list[Any]:
        async with self._store.transaction() as tx:
            return [
                event_data(e) for e in await self.repository(tx).after(visitor_id, seq, limit=limit)
            ]

    async def file(self, visitor_id: int, seq: int) -> StoredFile | None:
        async with self._store.transaction() as tx:
            event = await self.repository(tx).event(visitor_id, seq)
        if event is None or event.attachment is None or "file" not in event.payload:
            return None
        meta = event.payload["file"]
        return StoredFile(str(meta["name"]), str(meta["type"]), event.attachment)

    async def _append_for_chat(
        self, chat: ChatRef, kind: WebEventKind, **fields: Any
    ) -> tuple[int, WebEvent]:
        """One event in the log of the chat `chat`, in one transaction; pushed once committed."""
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            row = await web.by_chat(chat.chat_id)
            if row is None:
                raise SendError("no such web chat", permanent=True)
            event = await web.append(row.id, kind, **fields)
        self.hub.publish(row.id, event_data(event))
        return row.id, event

    async def _append(self, visitor_id: int, kind: WebEventKind, **fields: Any) -> WebEvent:
        async with self._store.transaction() as tx:
            event = await self.repository(tx).append(visitor_id, kind, **fields)
        self.hub.publish(visitor_id, event_data(event))
        return event

    async def meeting(self, visitor: Visitor) -> dict[str, Any] | None:
        """The member's group's meeting that is on now or comes next, for the page's timer:
        its number and UTC start and end; None with no group or no meeting ahead."""
        async with self._store.transaction() as tx:
            person = await tx.persons.find(WEB, visitor.chat_id)
            if person is None:
                return None
            memberships = await tx.memberships.for_person(person.id)
            if not memberships:
                return None
            chosen = next(
                (m for m in memberships if m.group_id == person.active_group_id), memberships[0]
            )
            now = tx.clock.now()
            for session in await tx.schedule.sessions(chosen.group_id):
                if session.status is SessionStatus.SCHEDULED and session.ends_at > now:
                    return {
                        "number": session.number,
                        "starts_at": _utc(session.starts_at),
                        "ends_at": _utc(session.ends_at),
                    }
        return None

    # --- the Transport protocol -------------------------------------------------------------

    async def start(self, sink: InboundSink, cursors: CursorStore) -> None:
        """Pages hand their events straight to the sink; a page resends what was not
        acknowledged, so there is no stream to keep a cursor in."""
        self._stopping.clear()
        self._sink = sink

    async def stop(self) -> None:
        self._stopping.set()
        await self.hub.close_all()
        self._sink = None

    async def send(self, message: Outbound) -> SentMessage:
        _visitor_id, event = await self._append_for_chat(
            message.chat, WebEventKind.SEND, **_send_fields(message)
        )
        return SentMessage(message.chat, str(event.message_id))

    async def send_many(self, messages: Sequence[Outbound]) -> list[SentMessage | SendError]:
        """A batch of the outbound queue in one transaction (one commit instead of one per
        copy, one insert for all), each event pushed once committed; a message to a chat
        nobody has fails alone."""
        results: list[SentMessage | SendError | None] = []
        items: list[tuple[int, str | None, dict[str, Any], bytes | None]] = []
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            for message in messages:
                visitor_id = await self._known_visitor(web, message.chat.chat_id)
                if visitor_id is None:
                    results.append(SendError("no such web chat", permanent=True))
                    continue
                fields = _send_fields(message)
                items.append((visitor_id, fields["text"], fields["payload"], fields["attachment"]))
                results.append(None)
            events = iter(await web.append_sends(items))
        answered: list[SentMessage | SendError] = []
        for message, result in zip(messages, results, strict=True):
            if result is not None:
                answered.append(result)
                continue
            event = next(events)
            self.hub.publish(event.visitor_id, event_data(event))
            answered.append(SentMessage(message.chat, str(event.message_id)))
        return answered

    async def _known_visitor(self, web: WebRepository, chat_id: str) -> int | None:
        """The visitor behind a chat id; remembered, as a chat never changes hands (a visitor
        row stays, emptied, even after /forgetme)."""
        known = self._visitor_ids.get(chat_id)
        if known is None:
            row = await web.by_chat(chat_id)
            if row is None:
                return None
            if len(self._visitor_ids) >= VISITOR_CACHE:
                self._visitor_ids.clear()
            known = self._visitor_ids[chat_id] = row.id
        return known

    async def edit(self, sent: SentMessage, text: str) -> None:
        await self._append_for_chat(
            sent.chat, WebEventKind.EDIT, message_id=sent.message_id, text=text
        )

    async def delete(self, sent: SentMessage) -> None:
        await self._append_for_chat(sent.chat, WebEventKind.DELETE, message_id=sent.message_id)

    # --- what a member does on the page -----------------------------------------------------

    async def _handle(self, event: Inbound) -> None:
        """Hand the event to the service until it is taken."""
        sink = self._sink
        if sink is None or not await deliver(sink, event, self._stopping):
            raise StoppingError()

    def _inbound(
        self, visitor: Visitor, kind: InboundKind, event_id: str, **fields: Any
    ) -> Inbound:
        # The page's ids are unique only per visitor: the event id carries the visitor too.
        return Inbound(
            transport=WEB,
            event_id=f"{visitor.id}:{event_id}",
            kind=kind,
            sender=visitor.user,
            chat=visitor.chat,
            is_private=True,
            **fields,
        )

    async def say(
        self, visitor: Visitor, client_id: str, text: str, reply_to: str | None = None
    ) -> str | None:
        """The member writes; returns what became of it ("sent", "held", "blocked", …) when
        it went to a group, else None (a command, a pseudonym typed in the join flow)."""
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            known = await web.find(visitor.id, (WebEventKind.OWN,), client_id)
            if known is None:
                payload = {"reply_to": reply_to} if reply_to else {}
                own = await web.append(
                    visitor.id, WebEventKind.OWN, message_id=client_id, text=text, payload=payload
                )
        if known is None:
            self.hub.publish(visitor.id, event_data(own))
        inbound = self._inbound(
            visitor,
            InboundKind.MESSAGE,
            f"m:{client_id}",
            text=text,
            message_id=client_id,
            reply_to_message_id=reply_to,
        )
        await self._handle(inbound)
        return await self._record_state(visitor, client_id)

    async def _record_state(self, visitor: Visitor, client_id: str) -> str | None:
        async with self._store.transaction() as tx:
            message = await tx.messages.find_by_source(WEB, visitor.chat_id, client_id)
            if message is None:
                return None
            state = STATES.get(message.state)
            web = self.repository(tx)
            if state is None or await web.find(visitor.id, (WebEventKind.STATE,), client_id):
                return state
            event = await web.append(
                visitor.id, WebEventKind.STATE, message_id=client_id, payload={"state": state}
            )
        self.hub.publish(visitor.id, event_data(event))
        return state

    async def refresh_states(self, visitor: Visitor) -> None:
        """Messages shown as held, closed or deferred that have since moved on (a moderator
        released one, the group opened) get their new state in the log."""
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            latest: dict[str, str] = {}
            for event in await web.latest(
                visitor.id, (WebEventKind.STATE,), limit=STATES_LOOK_BACK
            ):
                if event.message_id is not None:
                    latest.setdefault(event.message_id, str(event.payload.get("state")))
            changed = []
            for message_id, shown in latest.items():
                if shown not in UNSETTLED:
                    continue
                message = await tx.messages.find_by_source(WEB, visitor.chat_id, message_id)
                now = STATES.get(message.state) if message is not None else None
                if now is not None and now != shown:
                    changed.append(
                        await web.append(
                            visitor.id,
                            WebEventKind.STATE,
                            message_id=message_id,
                            payload={"state": now},
                        )
                    )
        for event in changed:
            self.hub.publish(visitor.id, event_data(event))

    async def edit_own(self, visitor: Visitor, client_id: str, message_id: str, text: str) -> None:
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            if await web.find(visitor.id, (WebEventKind.OWN,), message_id) is None:
                return
        await self._append(visitor.id, WebEventKind.OWN_EDIT, message_id=message_id, text=text)
        await self._handle(
            self._inbound(
                visitor, InboundKind.EDIT, f"e:{client_id}", text=text, message_id=message_id
            )
        )

    async def delete_own(self, visitor: Visitor, client_id: str, message_id: str) -> None:
        async with self._store.transaction() as tx:
            web = self.repository(tx)
            if await web.find(visitor.id, (WebEventKind.OWN,), message_id) is None:
                return
            done = await web.find(visitor.id, (WebEventKind.OWN_DELETE,), message_id)
        if done is None:
            await self._append(visitor.id, WebEventKind.OWN_DELETE, message_id=message_id)
        await self._handle(
            self._inbound(visitor, InboundKind.DELETE, f"d:{client_id}", message_id=message_id)
        )

    async def press(self, visitor: Visitor, client_id: str, data: str) -> None:
        """A button Piiri showed this member; data it never showed them is ignored, as a
        platform would never deliver it."""
        async with self._store.transaction() as tx:
            sent = await self.repository(tx).latest(
                visitor.id, (WebEventKind.SEND,), limit=BUTTONS_LOOK_BACK
            )
        offered = {b.get("data") for e in sent for row in e.payload.get("buttons", []) for b in row}
        if data not in offered:
            log.info("web.button_not_offered", visitor=visitor.id)
            return
        await self._handle(
            self._inbound(visitor, InboundKind.BUTTON, f"b:{client_id}", button_data=data)
        )
        if data == FORGET_YES:
            await self._forget_if_erased(visitor)

    async def command(self, visitor: Visitor, event_id: str, text: str) -> None:
        """A command the page sends for the member (`/start CODE`, `/mydata`, `/forgetme`)."""
        await self._handle(
            self._inbound(
                visitor, InboundKind.MESSAGE, f"c:{event_id}", text=text, message_id=f"c-{event_id}"
            )
        )

    async def _forget_if_erased(self, visitor: Visitor) -> None:
        """After /forgetme went through, the page's log goes too: it starts over empty."""
        async with self._store.transaction() as tx:
            if await tx.persons.find(WEB, visitor.chat_id) is not None:
                return
            web = self.repository(tx)
            await web.forget_events(visitor.id)
            row = await web.by_chat(visitor.chat_id)
            if row is not None:
                row.phrase_hash = None
            event = await web.append(visitor.id, WebEventKind.RESET)
        self.hub.publish(visitor.id, event_data(event))
        log.info("web.visitor_forgotten", visitor=visitor.id)


def _send_fields(message: Outbound) -> dict[str, Any]:
    """A message as its SEND event's text, payload (buttons, notice, reply, file) and file."""
    payload: dict[str, Any] = {}
    if message.buttons:
        payload["buttons"] = buttons_payload(message.buttons)
    if message.notice:
        payload["notice"] = True
    if message.reply_to:
        payload["reply_to"] = message.reply_to
    attachment = message.attachment
    if attachment is not None:
        payload["file"] = {"name": attachment.name, "type": attachment.media_type}
    return {
        "text": message.text,
        "payload": payload,
        "attachment": attachment.data if attachment is not None else None,
    }


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
