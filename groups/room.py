"""Room mode: members sit in one platform room and see each other there; the bot posts the
prompts, records each message (for counts, and for moderators to review), and removes what
the group does not allow, telling the author privately why.

Screening applies here as in the relay: what it blocks is removed and not kept; what it holds
is removed and kept for a moderator; a crisis also alerts the moderators.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import datetime

from groups.enrolment import taken_names
from groups.pseudonyms import WordLists, suggest
from groups.review import Alerts, record_findings
from moderation.screen import Screen
from moderation.verdict import Action, Verdict
from storage.models import (
    Group,
    GroupMode,
    Membership,
    MembershipStatus,
    Message,
    MessageState,
    OutboxAction,
    Person,
    Priority,
    RoomBinding,
    RoomPurpose,
)
from storage.repositories import NewSend
from storage.store import Transaction


class RoomOutcome(enum.StrEnum):
    NOT_A_GROUP_ROOM = "not_a_group_room"
    RECORDED = "recorded"
    REMOVED_MEDIA = "removed_media"
    REMOVED_PERSONAL = "removed_personal"  # screening blocked it: personal information
    HELD_TEXT = "held_text"  # screening holds it: out of the room, kept for a moderator
    HELD_MEDIA = "held_media"


@dataclass(frozen=True, slots=True)
class RoomPosted:
    outcome: RoomOutcome
    group: Group | None = None
    membership: Membership | None = None
    verdict: Verdict | None = None


async def group_room(
    tx: Transaction, transport: str, room_id: str
) -> tuple[Group, RoomBinding] | None:
    binding = await tx.groups.find_binding(transport, room_id)
    if binding is None or binding.purpose is not RoomPurpose.ROOM:
        return None
    group = await tx.groups.get(binding.group_id)
    if group is None or group.mode is not GroupMode.ROOM:
        return None
    return group, binding


async def _member(
    tx: Transaction, group: Group, person: Person, words: WordLists, rng: random.Random
) -> Membership:
    """Who wrote: a member of the group, enrolled quietly on first message in its room.

    They show as themselves in the room; the pseudonym is what moderators and reports see.
    """
    membership = await tx.memberships.find(group.id, person.id)
    if membership is not None:
        if membership.status is not MembershipStatus.ACTIVE:
            await tx.memberships.set_status(membership, MembershipStatus.ACTIVE)
        return membership
    taken = await taken_names(tx, group.id)
    [name] = suggest(words, group.language, taken, rng, 1) or [f"#{len(taken) + 1}"]
    return await tx.memberships.add(group.id, person.id, name)


async def room_message(
    tx: Transaction,
    person: Person,
    *,
    transport: str,
    room_id: str,
    message_id: str,
    text: str | None,
    media: str | None,
    words: WordLists,
    rng: random.Random,
    screen: Screen | None = None,
    alerts: Alerts | None = None,
) -> RoomPosted:
    found = await group_room(tx, transport, room_id)
    if found is None:
        return RoomPosted(RoomOutcome.NOT_A_GROUP_ROOM)
    group, _binding = found
    membership = await _member(tx, group, person, words, rng)
    held = media is not None and group.media_policy == "review"
    verdict = screen.check(text) if screen is not None and text else None
    blocked = verdict is not None and verdict.action is Action.BLOCK
    # A held message is taken out of the room and kept for a moderator to look at.
    held_text = verdict is not None and verdict.action is Action.HOLD
    removed = (media is not None and not held) or blocked or held_text
    state = (
        MessageState.BLOCKED
        if (media is not None and not held) or blocked
        else MessageState.HELD
        if held or held_text
        else MessageState.ACCEPTED
    )
    message = await tx.messages.add(
        group_id=group.id,
        membership_id=membership.id,
        text=text or "",
        state=state,
        source_transport=transport,
        source_chat_id=room_id,
        source_message_id=message_id,
        media_kind=media,
    )
    if held:
        await tx.reviews.open(
            group_id=group.id,
            message_id=message.id,
            category="media",
            severity="low",
            action="flag",
        )
        return RoomPosted(RoomOutcome.HELD_MEDIA, group, membership)
    if verdict is not None and screen is not None:
        await _review(tx, screen, group, message, verdict, alerts)
    if blocked:
        message.text = None  # what broke someone's anonymity is not kept
    if removed:
        await _remove_from_room(tx, transport, room_id, message_id)
        outcome = (
            RoomOutcome.REMOVED_PERSONAL
            if blocked
            else RoomOutcome.HELD_TEXT
            if held_text
            else RoomOutcome.REMOVED_MEDIA
        )
        return RoomPosted(outcome, group, membership, verdict)
    return RoomPosted(RoomOutcome.RECORDED, group, membership, verdict)


async def room_edit(
    tx: Transaction,
    *,
    transport: str,
    room_id: str,
    message_id: str,
    text: str,
    screen: Screen | None,
    alerts: Alerts | None = None,
) -> RoomPosted:
    """A member edited their message in the room: screened again, removed if now blocked."""
    found = await group_room(tx, transport, room_id)
    message = await tx.messages.find_by_source(transport, room_id, message_id)
    if found is None or message is None or message.state is not MessageState.ACCEPTED:
        return RoomPosted(RoomOutcome.NOT_A_GROUP_ROOM)
    group, _binding = found
    verdict = screen.check(text) if screen is not None else None
    if screen is None or verdict is None or verdict.action is not Action.BLOCK:
        await tx.messages.edit(message, text)
        return RoomPosted(RoomOutcome.RECORDED, group)
    await _review(tx, screen, group, message, verdict, alerts)
    message.text = None
    await tx.messages.set_state(message, MessageState.BLOCKED)
    await _remove_from_room(tx, transport, room_id, message_id)
    return RoomPosted(RoomOutcome.REMOVED_PERSONAL, group)


async def _review(
    tx: Transaction,
    screen: Screen,
    group: Group,
    message: Message,
    verdict: Verdict,
    alerts: Alerts | None,
) -> None:
    await record_findings(
        tx,
        screen,
        group=group,
        message_id=message.id,
        verdict=verdict,
        membership_id=message.membership_id,
        alerts=alerts,
        now=tx.clock.now(),
    )


async def _remove_from_room(tx: Transaction, transport: str, room_id: str, message_id: str) -> None:
    await tx.outbox.enqueue_many(
        [
            NewSend(
                transport,
                room_id,
                "",
                priority=Priority.URGENT,
                action=OutboxAction.DELETE,
                target_message_id=message_id,
            )
        ]
    )


async def warn_once_about_rights(
    tx: Transaction, transport: str, room_id: str, now: datetime
) -> Group | None:
    """The group whose facilitators should now be told the bot cannot remove messages in its
    room; None when it is not a group room or they were told already."""
    found = await group_room(tx, transport, room_id)
    if found is None:
        return None
    group, binding = found
    if binding.rights_warned_at is not None:
        return None
    binding.rights_warned_at = now
    await tx.session.flush()
    return group
