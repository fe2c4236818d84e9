"""Text a member writes to Piiri alone (a feedback comment, a proposed topic) is screened like a
message to the group: what screening finds is kept for the moderators as a private message
(never relayed), and a crisis reaches them at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from groups.alerts import Escalation
from groups.review import record_findings
from groups.texts import TextsFor
from moderation.normalise import Author
from moderation.screen import Screen
from moderation.verdict import Action, Verdict
from storage.models import Group, Membership, MessageState
from storage.store import Transaction


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the text came from: the author's chat and the platform's id of it there."""

    transport: str
    chat_id: str
    message_id: str

    def __repr__(self) -> str:
        return f"Origin({self.transport}, …)"


@dataclass(frozen=True, slots=True)
class Screened:
    verdict: Verdict | None
    # False when screening holds or blocks it: it is kept only for the moderators.
    kept: bool


async def screen_private(
    tx: Transaction,
    *,
    group: Group,
    author: Membership,
    text: str,
    origin: Origin,
    now: datetime,
    screen: Screen | None,
    texts_for: TextsFor,
    escalation: Escalation | None,
) -> Screened:
    if screen is None:
        return Screened(None, True)
    verdict = screen.check(text, Author(joined_at=author.joined_at, now=now))
    if not verdict.findings:
        return Screened(verdict, True)
    message = await tx.messages.add(
        group_id=group.id,
        membership_id=author.id,
        text=text,
        state=MessageState.PRIVATE,
        source_transport=origin.transport,
        source_chat_id=origin.chat_id,
        source_message_id=origin.message_id,
    )
    await record_findings(
        tx,
        screen,
        group=group,
        message_id=message.id,
        verdict=verdict,
        membership_id=author.id,
        alerts=(texts_for, escalation) if escalation is not None else None,
        now=now,
    )
    return Screened(verdict, verdict.action < Action.HOLD)
