"""The anonymous relay: a member writes to the bot privately, and every other member of the
group gets `Pseudonym: text` in their own private chat; the facilitators' room gets a mirror.

Replies point at each recipient's own copy of the message replied to; an edit or a removal
reaches every copy (a copy not yet sent is rewritten in the queue, one already sent is edited
on the platform). Nothing here knows a platform: recipients are transport names and chat ids.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from groups.alerts import Escalation
from groups.fanout import Recipient, reader_language, recipients
from groups.names import display_name
from groups.opening import OpenPolicy, has_ended, is_open, next_opening
from groups.review import record_findings
from groups.texts import N_, Texts, TextsFor
from moderation.normalise import Author
from moderation.screen import Screen
from moderation.verdict import Action, Verdict, without
from storage.models import (
    Group,
    GroupMode,
    Membership,
    MembershipStatus,
    Message,
    MessageState,
    OutboxAction,
    Priority,
    Role,
)
from storage.repositories import NewCopy, NewSend
from storage.store import Transaction

REMOVED_NOTE = N_("(message removed)")
_Body = Callable[[Texts], str]
# How far back a member's own messages are read for repeats and floods.
SPAM_MEMORY = timedelta(minutes=15)
# A deferred message whose group has no opening scheduled is looked at again after this.
RECHECK = timedelta(hours=1)


class Outcome(enum.StrEnum):
    SENT = "sent"
    CLOSED = "closed"  # kept; the author chooses to deliver it at the next opening or drop it
    ENDED = "ended"  # the group has finished; nothing sent
    MUTED = "muted"
    ROOM_MODE = "room_mode"  # this group talks in its platform room, not through the bot
    MEDIA_OFF = "media_off"
    MEDIA_HELD = "media_held"
    BLOCKED = "blocked"  # screening refused it; the author is told why (`verdict`)
    HELD = "held"  # screening holds it for a moderator


@dataclass(frozen=True, slots=True)
class Source:
    """Where an inbound message came from: the author's own chat and its id there."""

    transport: str
    chat_id: str
    message_id: str

    def __repr__(self) -> str:  # a chat id never reaches a log through a repr
        return f"Source({self.transport}, …)"


@dataclass(frozen=True, slots=True)
class Posted:
    outcome: Outcome
    message: Message | None = None
    opens_at: datetime | None = None
    copies: int = 0
    verdict: Verdict | None = None


class Relay:
    """Relay operations inside one transaction; `texts_for` gives each reader's words."""

    def __init__(
        self,
        tx: Transaction,
        texts_for: TextsFor,
        screen: Screen | None = None,
        escalation: Escalation | None = None,
    ) -> None:
        self._tx = tx
        self._texts_for = texts_for
        self._screen = screen
        self._escalation = escalation

    async def post(
        self,
        group: Group,
        author: Membership,
        text: str,
        source: Source,
        *,
        now: datetime,
        reply_to: str | None = None,
        media: str | None = None,
    ) -> Posted:
        tx = self._tx
        if group.mode is GroupMode.ROOM:
            return Posted(Outcome.ROOM_MODE)
        if has_ended(group):
            return Posted(Outcome.ENDED)
        if media is not None and group.media_policy != "review":
            return Posted(Outcome.MEDIA_OFF)
        target = await self._reply_target(author, source, reply_to)

        async def store(state: MessageState) -> Message:
            return await tx.messages.add(
                group_id=group.id,
                membership_id=author.id,
                text=text,
                state=state,
                source_transport=source.transport,
                source_chat_id=source.chat_id,
                source_message_id=source.message_id,
                reply_to_id=target.id if target else None,
                media_kind=media,
            )

        if author.muted_until is not None and author.muted_until > now:
            # Kept for the moderators, never shown to the group.
            message = await store(MessageState.HELD)
            return Posted(Outcome.MUTED, message, opens_at=author.muted_until)
        if media is not None:
            message = await store(MessageState.HELD)
            await tx.reviews.open(
                group_id=group.id,
                message_id=message.id,
                category="media",
                severity="low",
                action="hold",
            )
            return Posted(Outcome.MEDIA_HELD, message)
        verdict = await self._check(author, text, now)
        if verdict is not None and verdict.action >= Action.HOLD:
            blocked = verdict.action is Action.BLOCK
            message = await store(MessageState.BLOCKED if blocked else MessageState.HELD)
            await self._review(group, message, verdict, now)
            return Posted(Outcome.BLOCKED if blocked else Outcome.HELD, message, verdict=verdict)
        always = group.open_policy == OpenPolicy.ALWAYS
        sessions = [] if always else await tx.schedule.sessions(group.id)
        if not is_open(group, sessions, now):
            message = await store(MessageState.CLOSED)
            return Posted(Outcome.CLOSED, message, opens_at=next_opening(group, sessions, now))
        message = await store(MessageState.ACCEPTED)
        if verdict is not None and verdict.action is Action.FLAG:
            await self._review(group, message, verdict, now)
        copies = await self.deliver(group, author, message, target)
        return Posted(Outcome.SENT, message, copies=copies, verdict=verdict)

    async def _check(self, author: Membership, text: str, now: datetime) -> Verdict | None:
        """Screen a new message, knowing how new its author is and what they just wrote."""
        if self._screen is None:
            return None
        recent = await self._tx.messages.recent_by(author.id, now - SPAM_MEMORY)
        # Staff share links (a helpline's page) from their first day; members wait a day.
        joined = None if author.role in (Role.FACILITATOR, Role.MODERATOR) else author.joined_at
        return self._screen.check(text, Author(joined_at=joined, now=now, recent=tuple(recent)))

    async def _review(
        self, group: Group, message: Message, verdict: Verdict, now: datetime
    ) -> None:
        """One review item per finding: what was found, where, and what the policy did; the
        moderators are alerted to a crisis at once."""
        if self._screen is not None:
            await record_findings(
                self._tx,
                self._screen,
                group=group,
                message_id=message.id,
                verdict=verdict,
                membership_id=message.membership_id,
                alerts=(self._texts_for, self._escalation) if self._escalation else None,
                now=now,
            )

    async def resend_without(
        self, group: Group, author: Membership, message: Message, *, now: datetime
    ) -> Posted | None:
        """A blocked message sent on with what was found masked: now, or at the next opening
        if the group has closed meanwhile. None if masking is not enough."""
        if self._screen is None or message.state is not MessageState.BLOCKED or not message.text:
            return None  # not blocked, or its text is already gone (`purge_blocked`)
        spans = [s for f in self._screen.check(message.text or "").findings for s in f.spans]
        masked = without(message.text or "", spans)
        if self._screen.check(masked).action >= Action.HOLD:
            return None
        message.text = masked
        sessions = await self._tx.schedule.sessions(group.id)
        if not is_open(group, sessions, now):
            opens = await self.choose_later(message, group, now)
            return Posted(Outcome.CLOSED, message, opens_at=opens)
        await self._tx.messages.set_state(message, MessageState.ACCEPTED)
        copies = await self.deliver(group, author, message)
        return Posted(Outcome.SENT, message, copies=copies)

    async def _reply_target(
        self, author: Membership, source: Source, reply_to: str | None
    ) -> Message | None:
        """The message replied to: a copy this member received, or one of their own."""
        if reply_to is None:
            return None
        received = await self._tx.messages.received_as(author.id, reply_to)
        if received is not None and received.group_id == author.group_id:
            return received
        own = await self._tx.messages.find_by_source(source.transport, source.chat_id, reply_to)
        if own is not None and own.membership_id == author.id:
            return own
        return None

    async def deliver(
        self, group: Group, author: Membership, message: Message, target: Message | None = None
    ) -> int:
        """Queue a copy for every other member and the facilitators' room; record each copy."""
        tx = self._tx
        targets = [r for r in await recipients(tx, group) if r.membership_id != author.id]
        replied: dict[tuple[int | None, int | None], int | None] = {}
        if target is not None:
            replied = {
                (c.membership_id, c.room_binding_id): c.outbox_id
                for c in await tx.messages.copies(target.id)
            }
        body = message.text or ""
        names = _NameCache(self._texts_for, author)
        sends = []
        for r in targets:
            answers_own = target is not None and r.membership_id == target.membership_id
            sends.append(
                NewSend(
                    r.transport,
                    r.chat_id,
                    f"{names.get(r.language)}: {body}",
                    priority=Priority.CONVERSATION,
                    reply_to_outbox_id=replied.get((r.membership_id, r.room_binding_id)),
                    reply_to_message_id=target.source_message_id
                    if answers_own and target is not None
                    else None,
                )
            )
        ids = await tx.outbox.enqueue_many(sends)
        await tx.messages.add_copies(
            message.id,
            [
                NewCopy(r.membership_id, r.room_binding_id, oid)
                for r, oid in zip(targets, ids, strict=True)
            ],
        )
        return len(ids)

    async def edit(
        self,
        group: Group,
        author: Membership,
        message: Message,
        text: str,
        source: Source | None = None,
    ) -> Verdict | None:
        """Change a message's text everywhere it went, after screening the new text like any
        message: an edit is no way around it. Returns the verdict when the edit was refused
        (the old text stays everywhere), else None.

        A refused edit the policy holds (a crisis, a threat) is kept as a held message of its
        own, so the moderators read what was written; releasing it sends it as a new message.
        One it blocks (personal information) is not kept."""
        if message.state in (MessageState.REMOVED, MessageState.BLOCKED):
            return None
        verdict = self._screen.check(text) if self._screen is not None else None
        if verdict is not None and verdict.action >= Action.HOLD:
            now = self._tx.clock.now()
            reviewed = message
            if verdict.action is Action.HOLD and source is not None:
                reviewed = await self._tx.messages.add(
                    group_id=group.id,
                    membership_id=author.id,
                    text=text,
                    state=MessageState.HELD,
                    source_transport=source.transport,
                    source_chat_id=source.chat_id,
                    source_message_id=f"{source.message_id}:edit:{now.isoformat()}",
                    reply_to_id=message.reply_to_id,
                )
            await self._review(group, reviewed, verdict, now)
            return verdict
        await self._tx.messages.edit(message, text)
        if message.state is MessageState.ACCEPTED:
            await self._rewrite_copies(group, author, message, lambda texts: text)
        return None

    async def remove(self, group: Group, author: Membership, message: Message) -> bool:
        """Withdraw a message: its text is dropped and every copy becomes a short note."""
        if message.state is MessageState.REMOVED:
            return False
        was_delivered = message.state is MessageState.ACCEPTED
        message.text = None
        await self._tx.messages.set_state(message, MessageState.REMOVED)
        if was_delivered:
            await self._rewrite_copies(
                group, author, message, lambda texts: texts.gettext(REMOVED_NOTE)
            )
        return True

    async def _rewrite_copies(
        self, group: Group, author: Membership, message: Message, body_in: _Body
    ) -> None:
        names = _NameCache(self._texts_for, author)
        await rewrite_copies(
            self._tx,
            message.id,
            await every_reader(self._tx, group),
            lambda r: f"{names.get(r.language)}: {body_in(self._texts_for(r.language))}",
        )

    async def choose_later(self, message: Message, group: Group, now: datetime) -> datetime | None:
        """The author wants a closed-time message delivered at the next opening."""
        sessions = await self._tx.schedule.sessions(group.id)
        opens = next_opening(group, sessions, now)
        message.state = MessageState.DEFERRED
        message.deliver_at = opens or now + RECHECK
        await self._tx.session.flush()
        return opens

    async def deliver_deferred(self, now: datetime, *, limit: int = 100) -> int:
        """Deliver the deferred messages whose group is open now; look again later at the rest."""
        tx = self._tx
        delivered = 0
        for message in await tx.messages.deferred_due(now, limit=limit):
            group = await tx.groups.get(message.group_id)
            author = await tx.memberships.get(message.membership_id)
            if group is None or author is None or author.status is not MembershipStatus.ACTIVE:
                message.text = None
                await tx.messages.set_state(message, MessageState.REMOVED)
                continue
            sessions = await tx.schedule.sessions(group.id)
            if has_ended(group):
                message.text = None
                await tx.messages.set_state(message, MessageState.REMOVED)
            elif is_open(group, sessions, now):
                message.deliver_at = None
                await tx.messages.set_state(message, MessageState.ACCEPTED)
                await self.deliver(group, author, message)
                delivered += 1
            else:
                message.deliver_at = next_opening(group, sessions, now) or now + RECHECK
        await tx.session.flush()
        return delivered


ReaderKey = tuple[int | None, int | None]


async def every_reader(tx: Transaction, group: Group) -> dict[ReaderKey, Recipient]:
    """Everyone a copy may have gone to, by (membership, room), including those who left."""
    readers: dict[ReaderKey, Recipient] = {}
    everyone = await tx.memberships.with_persons(group.id, statuses=tuple(MembershipStatus))
    for membership, person in everyone:
        chat = tx.persons.dm_chat(person)
        if chat is not None:
            language = reader_language(group, membership, person)
            readers[(membership.id, None)] = Recipient(
                membership.id, None, person.transport, chat, language
            )
    for binding in await tx.groups.bindings(group.id):
        readers[(None, binding.id)] = Recipient(
            None, binding.id, binding.transport, tx.groups.room_id(binding), group.language
        )
    return readers


async def rewrite_copies(
    tx: Transaction,
    message_id: int,
    readers: dict[ReaderKey, Recipient],
    text_for: Callable[[Recipient], str],
) -> None:
    """Give every copy of a message new text: rewritten in the queue if not sent yet, else
    edited on the platform by a queued EDIT."""
    changes: list[NewSend] = []
    for copy in await tx.messages.copies(message_id):
        reader = readers.get((copy.membership_id, copy.room_binding_id))
        if reader is None or copy.outbox_id is None:
            continue
        new_text = text_for(reader)
        if await tx.outbox.revise_pending(copy.outbox_id, new_text):
            continue
        changes.append(
            NewSend(
                reader.transport,
                reader.chat_id,
                new_text,
                priority=Priority.CONVERSATION,
                action=OutboxAction.EDIT,
                target_outbox_id=copy.outbox_id,
            )
        )
    await tx.outbox.enqueue_many(changes)


class _NameCache:
    """An author's display name per reader language, looked up once per language."""

    def __init__(self, texts_for: TextsFor, author: Membership) -> None:
        self._texts_for = texts_for
        self._author = author
        self._names: dict[str, str] = {}

    def get(self, language: str) -> str:
        name = self._names.get(language)
        if name is None:
            name = display_name(self._texts_for(language), self._author)
            self._names[language] = name
        return name


def relay_groups(memberships: Sequence[Membership], groups: dict[int, Group]) -> list[Membership]:
    """Active memberships in relay-mode groups that have not ended: where free text may go."""
    return [
        m
        for m in memberships
        if m.status is MembershipStatus.ACTIVE
        and (group := groups.get(m.group_id)) is not None
        and group.mode is GroupMode.RELAY
        and not has_ended(group)
    ]
