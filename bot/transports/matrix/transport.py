"""`MatrixTransport`: Piiri's transport port on a Matrix homeserver, through matrix-nio.

Retries belong to Piiri's outbound queue (priorities, back-off, `retry_after`), so the client
is set never to retry by itself and every failure comes back as a `SendError`.
"""

from __future__ import annotations

import io
from typing import Any

from nio import (
    AsyncClient,
    JoinError,
    MessageDirection,
    RoomGetEventResponse,
    RoomMessagesResponse,
    RoomRedactError,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
)

from bot.config import MatrixSettings
from bot.logs import get_logger
from bot.ports import (
    Attachment,
    Button,
    ChatRef,
    CursorStore,
    Inbound,
    InboundKind,
    InboundSink,
    Keyboard,
    Outbound,
    SendError,
    SentMessage,
    UserRef,
)
from bot.transports.matrix.errors import NETWORK_ERRORS, network_error, to_send_error
from bot.transports.matrix.events import (
    Reaction,
    changes_members,
    is_encrypted,
    read_event,
)
from bot.transports.matrix.keyboards import Keyboards, Offered
from bot.transports.matrix.messages import (
    BUTTONS_KEY,
    TEXT_LIMIT,
    choice_from_reaction,
    choice_from_text,
    edit_content,
    flatten,
    looks_like_choice,
    split_text,
    text_content,
)
from bot.transports.matrix.rooms import Rooms
from bot.transports.matrix.setup import MatrixStartError, log_in
from bot.transports.matrix.sync import TIMELINE_LIMIT, Syncer

log = get_logger(__name__)

SYNC_TIMEOUT_MS = 30_000
MESSAGE = "m.room.message"
# How far back a written number after a restart looks for the message it answers.
HISTORY_LOOKBACK = 30


class MatrixTransport:
    def __init__(
        self,
        client: AsyncClient,
        settings: MatrixSettings,
        *,
        encrypted_notice: str,
        name: str = "matrix",
        sync_timeout_ms: int = SYNC_TIMEOUT_MS,
        timeline_limit: int = TIMELINE_LIMIT,
    ) -> None:
        """`encrypted_notice` is said in an encrypted room before leaving it."""
        self.name = name
        self._client = client
        self._settings = settings
        self._encrypted_notice = encrypted_notice
        self._sync_timeout_ms = sync_timeout_ms
        self._timeline_limit = timeline_limit
        self._rooms = Rooms(client)
        self._keyboards = Keyboards()
        self._not_offers: set[str] = set()
        self._syncer: Syncer | None = None
        self.user_id: str | None = None

    @property
    def client(self) -> AsyncClient:
        return self._client

    @property
    def syncer(self) -> Syncer | None:
        return self._syncer

    async def connect(self) -> str:
        """Log in (once per transport); the bot's Matrix user id."""
        if self.user_id is None:
            try:
                self.user_id = await log_in(self._client, self._settings)
            except MatrixStartError:
                await self._client.close()
                raise
        return self.user_id

    async def start(self, sink: InboundSink, cursors: CursorStore) -> None:
        await self.connect()
        syncer = Syncer(
            self._client,
            self.name,
            sink,
            cursors,
            read_batch=self._read_batch,
            timeout_ms=self._sync_timeout_ms,
            timeline_limit=self._timeline_limit,
        )
        syncer.start()
        self._syncer = syncer

    async def stop(self) -> None:
        if self._syncer is not None:
            await self._syncer.stop()
            self._syncer = None
        await self._client.close()

    # --- inbound ---------------------------------------------------------------------------

    async def _read_batch(self, batch: SyncResponse, since: str | None) -> list[Inbound]:
        """Accept invites, leave encrypted rooms, and turn the timelines into events."""
        for room_id, invited in batch.rooms.invite.items():
            await self._accept(room_id, [_source(e) for e in invited.invite_state])
        for room_id in batch.rooms.leave:
            self._rooms.forget(room_id)
        events: list[Inbound] = []
        for room_id, info in batch.rooms.join.items():
            sources = [_source(e) for e in (*info.state, *info.timeline.events)]
            if any(changes_members(s) for s in sources):
                self._rooms.forget(room_id)
            if any(is_encrypted(s) for s in sources):
                await self._refuse_encrypted(room_id, joined=True)
                continue
            timeline = [_source(e) for e in info.timeline.events]
            if info.timeline.limited and since is not None and not self._joined_now(timeline):
                timeline = [*await self._gap(room_id, info.timeline.prev_batch, since), *timeline]
            for source in timeline:
                found = await self._inbound(room_id, source)
                if found is not None:
                    events.append(found)
        return events

    def _joined_now(self, timeline: list[dict[str, Any]]) -> bool:
        """The bot joined in this batch: what came before is history, not a gap."""
        return any(
            s.get("type") == "m.room.member"
            and s.get("state_key") == self.user_id
            and (s.get("content") or {}).get("membership") == "join"
            for s in timeline
        )

    async def _gap(self, room_id: str, prev_batch: str | None, since: str) -> list[dict[str, Any]]:
        """The events a limited timeline left out, oldest first, read back page by page from
        where the timeline starts to where the last batch ended."""
        if prev_batch is None:
            return []
        missed: list[dict[str, Any]] = []
        start: str | None = prev_batch
        while start is not None:
            page = await self._client.room_messages(
                room_id, start=start, end=since, direction=MessageDirection.back, limit=100
            )
            if not isinstance(page, RoomMessagesResponse):
                if to_send_error(page).permanent:  # the history is not ours to read
                    log.warning("matrix.gap_unreadable", code=page.status_code)
                    break
                raise to_send_error(page)
            missed.extend(_source(e) for e in page.chunk)
            start = page.end if page.chunk and page.end != start else None
        log.info("matrix.gap_filled", events=len(missed))
        return missed[::-1]

    async def _accept(self, room_id: str, invite_state: list[dict[str, Any]]) -> None:
        if any(is_encrypted(s) for s in invite_state):
            await self._refuse_encrypted(room_id, joined=False)
            return
        answer = await self._client.join(room_id)
        if isinstance(answer, JoinError):
            if answer.status_code == "M_LIMIT_EXCEEDED":
                raise to_send_error(answer)
            log.warning("matrix.join_failed", code=answer.status_code)
            return
        self._rooms.forget(room_id)
        log.info("matrix.joined")

    async def _refuse_encrypted(self, room_id: str, *, joined: bool) -> None:
        """Say plainly that Piiri cannot read an encrypted room, then leave it."""
        if not joined:
            answer = await self._client.join(room_id)
            if isinstance(answer, JoinError):
                log.warning("matrix.join_failed", code=answer.status_code)
                return
        content = text_content(self._encrypted_notice, notice=True)
        said = await self._client.room_send(room_id, MESSAGE, content)
        if not isinstance(said, RoomSendResponse):
            log.warning("matrix.encrypted_notice_failed", code=said.status_code)
        await self._client.room_leave(room_id)
        self._rooms.forget(room_id)
        log.info("matrix.left_encrypted_room")

    async def _inbound(self, room_id: str, source: dict[str, Any]) -> Inbound | None:
        if source.get("sender") == self.user_id:
            self._remember_own(room_id, source)
            return None
        if source.get("type") not in (
            "m.room.message",
            "m.room.redaction",
            "m.reaction",
            "m.sticker",
        ):
            return None
        private = await self._rooms.is_private(room_id)
        found = read_event(source, room_id, self.name, is_private=private)
        if isinstance(found, Reaction):
            return await self._press_by_reaction(found, private)
        if found is not None and found.kind is InboundKind.MESSAGE and found.text:
            return await self._press_by_answer(found) or found
        return found

    def _remember_own(self, room_id: str, source: dict[str, Any]) -> None:
        """The bot's own message, as synced back: keep its buttons for answers after a restart."""
        offered = _offered(source)
        if offered is not None and self._keyboards.on(offered.event_id) is None:
            self._keyboards.remember(offered)

    async def _press_by_answer(self, event: Inbound) -> Inbound | None:
        """A written number (or label) answering the bot's latest message with buttons."""
        room_id, text = event.chat.chat_id, event.text or ""
        if self._keyboards.knows_latest(room_id):
            offered = self._keyboards.latest(room_id)
        elif looks_like_choice(text):
            offered = await self._offered_before(room_id, event.event_id)
        else:
            return None
        if offered is None:
            return None
        chosen = choice_from_text(text, list(offered.labels))
        if chosen is None:
            return None
        return _press(event, offered.event_id, offered.data[chosen])

    async def _offered_before(self, room_id: str, event_id: str) -> Offered | None:
        """After a restart: the buttons on the bot's last message before `event_id`, read
        back from the room's recent history."""
        page = await self._client.room_messages(
            room_id, direction=MessageDirection.back, limit=HISTORY_LOOKBACK
        )
        if not isinstance(page, RoomMessagesResponse):
            if to_send_error(page).permanent:
                return None
            raise to_send_error(page)
        passed = False
        for source in (_source(e) for e in page.chunk):
            if source.get("event_id") == event_id:
                passed = True
            elif passed and source.get("sender") == self.user_id:
                if source.get("type") != MESSAGE:
                    continue
                offered = _offered(source)
                if offered is not None:
                    self._keyboards.remember(offered)
                return offered
        return None

    async def _press_by_reaction(self, reaction: Reaction, private: bool) -> Inbound | None:
        offered = await self._offered_on(reaction.room_id, reaction.reacts_to)
        if offered is None:
            return None  # a reaction to a member's message, or to a message with no buttons
        chosen = choice_from_reaction(reaction.key, len(offered.data))
        if chosen is None:
            return None
        return Inbound(
            transport=self.name,
            event_id=reaction.event_id,
            kind=InboundKind.BUTTON,
            sender=UserRef(self.name, reaction.sender),
            chat=ChatRef(self.name, reaction.room_id),
            is_private=private,
            message_id=reaction.reacts_to,
            button_data=offered.data[chosen],
        )

    async def _offered_on(self, room_id: str, event_id: str) -> Offered | None:
        """The buttons on the bot's message `event_id`, read back from the homeserver if they
        were sent before this start."""
        known = self._keyboards.on(event_id)
        if known is not None or event_id in self._not_offers:
            return known
        answer = await self._client.room_get_event(room_id, event_id)
        offered = None
        if isinstance(answer, RoomGetEventResponse):
            source = _source(answer.event)
            offered = _offered(source) if source.get("sender") == self.user_id else None
        if offered is None:
            if len(self._not_offers) > 10_000:
                self._not_offers.clear()
            self._not_offers.add(event_id)
            return None
        self._keyboards.remember(offered)
        return offered

    # --- outbound --------------------------------------------------------------------------

    async def send(self, message: Outbound) -> SentMessage:
        room_id = message.chat.chat_id
        pieces = split_text(message.text) if message.text else []
        choices = flatten(message.buttons)
        event_id: str | None = None
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            content = text_content(
                piece,
                notice=message.notice,
                buttons=message.buttons if last else (),
                reply_to=message.reply_to if index == 0 else None,
            )
            sent = await self._send_content(room_id, content)
            event_id = event_id if event_id and not last else sent
            self._keyboards.sent(room_id, sent, choices if last else [])
        if message.attachment is not None:
            attached = await self._send_file(room_id, message.attachment)
            event_id = event_id or attached
        if event_id is None:
            raise SendError("nothing to send", permanent=True)
        return SentMessage(message.chat, event_id)

    async def _send_content(self, room_id: str, content: dict[str, Any]) -> str:
        try:
            answer = await self._client.room_send(room_id, MESSAGE, content)
        except NETWORK_ERRORS as exc:
            raise network_error(exc) from exc
        if isinstance(answer, RoomSendResponse):
            return answer.event_id
        raise to_send_error(answer)

    async def _send_file(self, room_id: str, attachment: Attachment) -> str:
        try:
            uploaded, _keys = await self._client.upload(
                io.BytesIO(attachment.data),
                content_type=attachment.media_type,
                filename=attachment.name,
                filesize=len(attachment.data),
            )
        except NETWORK_ERRORS as exc:
            raise network_error(exc) from exc
        if not isinstance(uploaded, UploadResponse):
            raise to_send_error(uploaded)
        content = {
            "msgtype": "m.file",
            "body": attachment.name,
            "filename": attachment.name,
            "url": uploaded.content_uri,
            "info": {"mimetype": attachment.media_type, "size": len(attachment.data)},
        }
        return await self._send_content(room_id, content)

    async def edit(self, sent: SentMessage, text: str) -> None:
        offered = self._keyboards.on(sent.message_id)
        buttons: Keyboard = ()
        if offered is not None and all(offered.labels):
            pairs = zip(offered.labels, offered.data, strict=True)
            buttons = (tuple(Button(label, data) for label, data in pairs),)
        short = text if len(text) <= TEXT_LIMIT else split_text(text)[0] + "…"
        new = text_content(short, notice=False, buttons=buttons)
        await self._send_content(sent.chat.chat_id, edit_content(sent.message_id, new))

    async def delete(self, sent: SentMessage) -> None:
        try:
            answer = await self._client.room_redact(sent.chat.chat_id, sent.message_id)
        except NETWORK_ERRORS as exc:
            raise network_error(exc) from exc
        if isinstance(answer, RoomRedactError):
            if answer.status_code == "M_NOT_FOUND":
                return  # already gone
            raise to_send_error(answer, redacting=True)

    async def can_remove_messages(self, room_id: str) -> bool:
        """Whether the bot's power level in `room_id` lets it redact others' messages."""
        return await self._rooms.can_redact(room_id)


def _source(event: object) -> dict[str, Any]:
    source = getattr(event, "source", None)
    return source if isinstance(source, dict) else {}


def _offered(source: dict[str, Any]) -> Offered | None:
    content = source.get("content")
    event_id = source.get("event_id")
    if not isinstance(content, dict) or not isinstance(event_id, str):
        return None
    data = content.get(BUTTONS_KEY)
    if not isinstance(data, list) or not data or not all(isinstance(d, str) for d in data):
        return None
    return Offered(event_id, tuple("" for _ in data), tuple(data))


def _press(event: Inbound, message_id: str, data: str) -> Inbound:
    return Inbound(
        transport=event.transport,
        event_id=event.event_id,
        kind=InboundKind.BUTTON,
        sender=event.sender,
        chat=event.chat,
        is_private=event.is_private,
        message_id=message_id,
        button_data=data,
    )
