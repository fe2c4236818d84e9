"""The web chat's visitors and their event logs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.crypto import IdentityCipher, chat_namespace
from storage.models.web import WebEvent, WebEventKind, WebVisitor

WEB = "web"
TOKEN_NAMESPACE = "web:token"  # noqa: S105 - a hash namespace, not a secret
PHRASE_NAMESPACE = "web:phrase"
LAST_SEEN_STEP = timedelta(minutes=5)


class WebRepository:
    def __init__(self, session: AsyncSession, cipher: IdentityCipher, clock: Clock) -> None:
        self._session = session
        self._cipher = cipher
        self._clock = clock

    def _token_hash(self, token: str) -> str:
        return self._cipher.lookup_hash(TOKEN_NAMESPACE, token)

    def _chat_hash(self, chat_id: str) -> str:
        return self._cipher.lookup_hash(chat_namespace(WEB), chat_id)

    def chat_id(self, visitor: WebVisitor) -> str:
        return self._cipher.decrypt(chat_namespace(WEB), visitor.chat_enc)

    async def create_visitor(self, token: str, chat_id: str) -> WebVisitor:
        now = self._clock.now()
        visitor = WebVisitor(
            token_hash=self._token_hash(token),
            chat_hash=self._chat_hash(chat_id),
            chat_enc=self._cipher.encrypt(chat_namespace(WEB), chat_id),
            last_seq=0,
            created_at=now,
            last_seen_at=now,
        )
        self._session.add(visitor)
        await self._session.flush()
        return visitor

    async def get(self, visitor_id: int) -> WebVisitor | None:
        return await self._session.get(WebVisitor, visitor_id)

    async def by_token(self, token: str) -> WebVisitor | None:
        result = await self._session.execute(
            select(WebVisitor).where(WebVisitor.token_hash == self._token_hash(token))
        )
        visitor = result.scalar_one_or_none()
        if visitor is not None and self._clock.now() - visitor.last_seen_at >= LAST_SEEN_STEP:
            visitor.last_seen_at = self._clock.now()
        return visitor

    async def by_chat(self, chat_id: str) -> WebVisitor | None:
        result = await self._session.execute(
            select(WebVisitor).where(WebVisitor.chat_hash == self._chat_hash(chat_id))
        )
        return result.scalar_one_or_none()

    async def by_phrase(self, phrase: str) -> WebVisitor | None:
        digest = self._cipher.lookup_hash(PHRASE_NAMESPACE, phrase)
        result = await self._session.execute(
            select(WebVisitor).where(WebVisitor.phrase_hash == digest)
        )
        return result.scalar_one_or_none()

    async def phrase_taken(self, phrase: str) -> bool:
        return await self.by_phrase(phrase) is not None

    async def set_phrase(self, visitor: WebVisitor, phrase: str) -> None:
        visitor.phrase_hash = self._cipher.lookup_hash(PHRASE_NAMESPACE, phrase)
        await self._session.flush()

    async def set_token(self, visitor: WebVisitor, token: str) -> None:
        """A new token for the visitor (recovery on another device); the old one stops working."""
        visitor.token_hash = self._token_hash(token)
        visitor.last_seen_at = self._clock.now()
        await self._session.flush()

    async def append(
        self,
        visitor_id: int,
        kind: WebEventKind,
        *,
        message_id: str | None = None,
        text: str | None = None,
        payload: Mapping[str, Any] | None = None,
        attachment: bytes | None = None,
    ) -> WebEvent:
        """The next event in the visitor's log, numbered by one atomic counter update.

        A message Piiri sends (SEND) is named by its number, `s<seq>`, unless given a name."""
        result = await self._session.execute(
            update(WebVisitor)
            .where(WebVisitor.id == visitor_id)
            .values(last_seq=WebVisitor.last_seq + 1)
            .returning(WebVisitor.last_seq)
        )
        seq = int(result.scalar_one())
        if message_id is None and kind is WebEventKind.SEND:
            message_id = f"s{seq}"
        event = WebEvent(
            visitor_id=visitor_id,
            seq=seq,
            kind=kind,
            message_id=message_id,
            text=text,
            payload=dict(payload or {}),
            attachment=attachment,
            created_at=self._clock.now(),
        )
        self._session.add(event)
        await self._session.flush()
        return event

    async def append_sends(
        self, items: Sequence[tuple[int, str | None, Mapping[str, Any], bytes | None]]
    ) -> list[WebEvent]:
        """Messages Piiri sends, `(visitor_id, text, payload, attachment)` in order, as SEND
        events: one counter update per visitor for all of theirs and one insert for all, each
        named by its number. Returned in the order given."""
        wanted: dict[int, int] = {}
        for visitor_id, *_rest in items:
            wanted[visitor_id] = wanted.get(visitor_id, 0) + 1
        # Visitors getting as many events share one update (usually all: one each).
        by_count: dict[int, list[int]] = {}
        for visitor_id, count in wanted.items():
            by_count.setdefault(count, []).append(visitor_id)
        next_seq: dict[int, int] = {}
        for count, visitor_ids in by_count.items():
            result = await self._session.execute(
                update(WebVisitor)
                .where(WebVisitor.id.in_(visitor_ids))
                .values(last_seq=WebVisitor.last_seq + count)
                .returning(WebVisitor.id, WebVisitor.last_seq)
            )
            for visitor_id, last in result.all():
                next_seq[int(visitor_id)] = int(last) - count + 1
        now = self._clock.now()
        events = []
        for visitor_id, text, payload, attachment in items:
            seq = next_seq[visitor_id]
            next_seq[visitor_id] = seq + 1
            events.append(
                WebEvent(
                    visitor_id=visitor_id,
                    seq=seq,
                    kind=WebEventKind.SEND,
                    message_id=f"s{seq}",
                    text=text,
                    payload=dict(payload),
                    attachment=attachment,
                    created_at=now,
                )
            )
        # One executemany for all: the events are written as rows, not tracked as objects.
        await self._session.execute(
            insert(WebEvent),
            [
                {
                    "visitor_id": e.visitor_id,
                    "seq": e.seq,
                    "kind": e.kind,
                    "message_id": e.message_id,
                    "text": e.text,
                    "payload": e.payload,
                    "attachment": e.attachment,
                    "created_at": e.created_at,
                }
                for e in events
            ],
        )
        return events

    async def after(self, visitor_id: int, seq: int, *, limit: int = 200) -> list[WebEvent]:
        result = await self._session.execute(
            select(WebEvent)
            .where(WebEvent.visitor_id == visitor_id, WebEvent.seq > seq)
            .order_by(WebEvent.seq)
            .limit(limit)
        )
        return list(result.scalars())

    async def latest(
        self, visitor_id: int, kinds: Sequence[WebEventKind], *, limit: int
    ) -> list[WebEvent]:
        """The visitor's last `limit` events of these kinds, newest first."""
        result = await self._session.execute(
            select(WebEvent)
            .where(WebEvent.visitor_id == visitor_id, WebEvent.kind.in_(kinds))
            .order_by(WebEvent.seq.desc())
            .limit(limit)
        )
        return list(result.scalars())

    async def event(self, visitor_id: int, seq: int) -> WebEvent | None:
        result = await self._session.execute(
            select(WebEvent).where(WebEvent.visitor_id == visitor_id, WebEvent.seq == seq)
        )
        return result.scalar_one_or_none()

    async def find(
        self, visitor_id: int, kinds: Sequence[WebEventKind], message_id: str
    ) -> WebEvent | None:
        """The first event of one of `kinds` about `message_id` in the visitor's log."""
        result = await self._session.execute(
            select(WebEvent)
            .where(
                WebEvent.visitor_id == visitor_id,
                WebEvent.kind.in_(kinds),
                WebEvent.message_id == message_id,
            )
            .order_by(WebEvent.seq)
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def forget_events(self, visitor_id: int) -> int:
        """Everything in the visitor's log (after /forgetme); its numbering goes on."""
        result = await self._session.execute(
            delete(WebEvent).where(WebEvent.visitor_id == visitor_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)


async def purge_web_texts(session: AsyncSession, older_than: datetime) -> int:
    """Texts and files in the web chat's logs older than the retention period are dropped."""
    result = await session.execute(
        update(WebEvent)
        .where(
            WebEvent.created_at < older_than,
            or_(WebEvent.text.is_not(None), WebEvent.attachment.is_not(None)),
        )
        .values(text=None, attachment=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)
