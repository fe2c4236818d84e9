"""Alerting moderators: what screening found in a message reaches the people who can act on it,
with enough context to act, and is raised again (to backup contacts too) until someone
acknowledges it.

Where an alert goes, in order: the group's moderators' room; else its moderators privately;
else its facilitators (their room, or each privately); else Piiri's admins. A crisis alert
always has somewhere to go while anyone runs the group. Dashboard inboxes get it too, but never
instead of a chat platform (see `alert_places`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from groups.fanout import Recipient, staff_recipients
from groups.names import display_name
from groups.staff import DASHBOARD, PlatformRef
from groups.texts import N_, Texts, TextsFor
from moderation.verdict import Category, Severity
from storage.models import (
    Group,
    Membership,
    Message,
    MessageState,
    Person,
    Priority,
    ReviewItem,
    ReviewStatus,
    Role,
    RoomPurpose,
)
from storage.repositories import QueuedButton
from storage.store import Transaction

# Categories whose findings alert moderators at once (the rest wait in the queue).
ALERTING = frozenset({Category.CRISIS, Category.SAFEGUARDING})
ALERT_PREFIX = "mq"
CONTEXT_MESSAGES = 5

CATEGORY_NAMES = {
    "crisis": N_("Crisis"),
    "safeguarding": N_("Safeguarding"),
    "harassment": N_("Harassment"),
    "hate": N_("Hate"),
    "sexual": N_("Sexual content"),
    "personal_info": N_("Personal information"),
    "contact_exchange": N_("Contact exchange"),
    "spam": N_("Spam"),
    "media": N_("File"),
    "report": N_("Reported by a member"),
}
SEVERITY_NAMES = {"low": N_("low"), "medium": N_("medium"), "high": N_("high")}
# What every place an alert went is told once someone has acted on it.
TAKEN_NOTES = {
    "acknowledged": N_("✓ #{id} acknowledged by {name}."),
    "released": N_("✓ #{id} released to the group by {name}."),
    "removed": N_("✓ #{id} removed by {name}."),
    "resolved": N_("✓ #{id} resolved by {name}."),
    "dismissed": N_("✓ #{id} dismissed by {name}."),
}


@dataclass(frozen=True, slots=True)
class Escalation:
    """How long an alert may wait for an acknowledgement, by severity, and how many times it
    is raised again before Piiri stops repeating it (it stays first in the queue)."""

    after: Mapping[Severity, timedelta] = field(
        default_factory=lambda: {
            Severity.HIGH: timedelta(minutes=5),
            Severity.MEDIUM: timedelta(minutes=15),
            Severity.LOW: timedelta(minutes=60),
        }
    )
    repeats: int = 3
    # People alerted too when no one acknowledges in time (else Piiri's admins).
    backups: tuple[PlatformRef, ...] = ()

    def first_due(self, severity: str, now: datetime) -> datetime | None:
        wait = self.after.get(Severity[severity.upper()])
        return now + wait if wait is not None and self.repeats > 0 else None


async def alert_places(tx: Transaction, group: Group) -> list[Recipient]:
    """Where the group's alerts go (see the module's docstring).

    A dashboard account's inbox is read only while someone has the page open, so it never
    ends the search on its own: the alert also goes on to the next level that reaches a chat
    platform, and the inboxes come along."""
    inboxes: list[Recipient] = []
    for level in (_moderator_rooms, _moderators_privately, staff_recipients, _admins):
        places = await level(tx, group)
        live = [p for p in places if p.transport != DASHBOARD]
        inboxes.extend(p for p in places if p.transport == DASHBOARD and p not in inboxes)
        if live:
            return live + inboxes
    return inboxes


async def _moderator_rooms(tx: Transaction, group: Group) -> list[Recipient]:
    return [
        Recipient(None, b.id, b.transport, tx.groups.room_id(b), group.language)
        for b in await tx.groups.bindings(group.id)
        if b.purpose is RoomPurpose.MODERATORS
    ]


async def _moderators_privately(tx: Transaction, group: Group) -> list[Recipient]:
    moderators = await tx.memberships.with_persons(group.id, roles=(Role.MODERATOR,))
    return [
        Recipient(m.id, None, p.transport, chat, p.language or m.language or group.language)
        for m, p in moderators
        if (chat := tx.persons.dm_chat(p)) is not None
    ]


async def _admins(tx: Transaction, group: Group) -> list[Recipient]:
    return [
        Recipient(None, None, p.transport, chat, p.language or group.language)
        for p in await tx.persons.admins()
        if (chat := tx.persons.dm_chat(p)) is not None
    ]


async def raise_alert(
    tx: Transaction,
    texts_for: TextsFor,
    group: Group,
    item: ReviewItem,
    *,
    level: int = 0,
    extra: Sequence[Recipient] = (),
    to: Person | None = None,
) -> int:
    """Send the alert about `item` to the group's alert places (and `extra`), or only to one
    staff member privately (`to`, from /queue); returns how many places it went to. Level 0
    is the first alert; higher levels say it waited."""
    message = await tx.messages.get(item.message_id) if item.message_id is not None else None
    author = await tx.memberships.get(item.membership_id) if item.membership_id else None
    before = await tx.messages.before(message, limit=CONTEXT_MESSAGES) if message else []
    names = await _names(tx, [m.membership_id for m in before])
    session = await _session_label(tx, group, item.created_at)
    if to is not None:
        chat = tx.persons.dm_chat(to)
        language = to.language or group.language
        places = [Recipient(None, None, to.transport, chat, language)] if chat else []
    else:
        places = [*await alert_places(tx, group), *extra]
    ids = []
    for place in places:
        texts = texts_for(place.language)
        text = _alert_text(texts, group, item, message, author, before, names, session, level)
        row = await tx.outbox.enqueue(
            place.transport,
            place.chat_id,
            text,
            buttons=_buttons(texts, item, message),
            priority=Priority.URGENT,
        )
        ids.append(row.id)
    await tx.reviews.record_alerts(item.id, ids, level)
    return len(ids)


def _buttons(texts: Texts, item: ReviewItem, message: Message | None) -> list[list[QueuedButton]]:
    _ = texts.gettext
    first = [QueuedButton(_("Acknowledge"), f"{ALERT_PREFIX}:a:{item.id}")]
    if message is not None and message.state is MessageState.HELD:
        first.append(QueuedButton(_("Release to group"), f"{ALERT_PREFIX}:r:{item.id}"))
    first.append(QueuedButton(_("Remove"), f"{ALERT_PREFIX}:x:{item.id}"))
    second = [
        QueuedButton(_("Contact privately"), f"{ALERT_PREFIX}:c:{item.id}"),
        QueuedButton(_("Reveal identity"), f"{ALERT_PREFIX}:v:{item.id}"),
    ]
    return [first, second]


def _alert_text(
    texts: Texts,
    group: Group,
    item: ReviewItem,
    message: Message | None,
    author: Membership | None,
    before: list[Message],
    names: dict[int, Membership],
    session: int | None,
    level: int,
) -> str:
    _ = texts.gettext
    heading = _(
        "{category} ({severity}) in {group}",
        category=_(CATEGORY_NAMES.get(item.category, item.category)),
        severity=_(SEVERITY_NAMES.get(item.severity, item.severity)),
        group=group.name,
    )
    lines = [("🚨 " if item.category in ALERTING else "⚑ ") + heading]
    if level > 0:
        lines.append(_("Not acknowledged yet (alert {n}).", n=level + 1))
    where = _("Session {n}", n=session) if session is not None else _("Between sessions")
    who = display_name(texts, author) if author is not None else _("(unknown)")
    lines.append(f"{where} · {who} · #{item.id}")
    if message is not None and message.text:
        held = message.state is MessageState.HELD
        lines.append((_("Held from the group:") if held else _("Message:")) + f" «{message.text}»")
    if item.reports:
        lines.append(_("Reports from members: {n}", n=item.reports))
    if before:
        lines.append(_("Just before it:"))
        for earlier in before:
            writer = names.get(earlier.membership_id)
            name = writer.pseudonym if writer is not None else "?"
            lines.append(f"  {name}: {earlier.text or _('(no text)')}")
    return "\n".join(lines)


async def _names(tx: Transaction, membership_ids: list[int]) -> dict[int, Membership]:
    out: dict[int, Membership] = {}
    for membership_id in set(membership_ids):
        membership = await tx.memberships.get(membership_id)
        if membership is not None:
            out[membership_id] = membership
    return out


async def _session_label(tx: Transaction, group: Group, at: datetime) -> int | None:
    """The session under way at `at`, if any."""
    for session in await tx.schedule.sessions(group.id):
        if session.starts_at <= at <= session.ends_at:
            return session.number
    return None


async def escalate_due(
    tx: Transaction, texts_for: TextsFor, escalation: Escalation, now: datetime
) -> int:
    """Raise again every alert whose wait for an acknowledgement has run out, to the backup
    contacts too; returns how many items were escalated."""
    escalated = 0
    due = await tx.reviews.due_escalations(now)
    backups = await _backups(tx, escalation) if due else []
    for item in due:
        if item.status is not ReviewStatus.OPEN:
            await tx.reviews.escalate(item, None)
            continue
        group = await tx.groups.get(item.group_id)
        if group is None:
            continue
        level = item.escalation_level + 1
        wait = escalation.after.get(Severity[item.severity.upper()])
        next_at = now + wait if wait is not None and level < escalation.repeats else None
        await raise_alert(tx, texts_for, group, item, level=level, extra=backups)
        await tx.reviews.escalate(item, next_at)
        escalated += 1
    return escalated


async def tell_alert_places(
    tx: Transaction,
    texts_for: TextsFor,
    group: Group,
    item: ReviewItem,
    what: str,
    by: Person,
    *,
    escalation: Escalation | None,
    besides: tuple[str, str] | None = None,
) -> int:
    """The places the item's alerts went (the group's alert places, and the backups once it
    was raised again), but `besides` (transport, chat: where the act was done, which has its
    own answer), are told what was done and by whom, so no one else starts on it. Returns
    how many places were told."""
    alerts = await tx.reviews.alerts(item.id)
    if not alerts:
        return 0
    places = await alert_places(tx, group)
    if escalation is not None and any(alert.level > 0 for alert in alerts):
        places += await _backups(tx, escalation)
    membership = await tx.memberships.find(group.id, by.id)
    told: set[tuple[str, str]] = {besides} if besides is not None else set()
    for place in places:
        if (place.transport, place.chat_id) in told:
            continue
        told.add((place.transport, place.chat_id))
        texts = texts_for(place.language)
        name = display_name(texts, membership) if membership else texts.gettext("an admin")
        await tx.outbox.enqueue(
            place.transport,
            place.chat_id,
            texts.gettext(TAKEN_NOTES[what], id=item.id, name=name),
            priority=Priority.URGENT,
            notice=True,
        )
    return len(told) - (besides is not None)


async def _backups(tx: Transaction, escalation: Escalation) -> list[Recipient]:
    """The backup contacts who can be reached privately (else the admins)."""
    people = [
        person
        for ref in escalation.backups
        if (person := await tx.persons.find(ref.transport, ref.id)) is not None
    ] or await tx.persons.admins()
    return [
        Recipient(None, None, p.transport, chat, p.language or "fi")
        for p in people
        if (chat := tx.persons.dm_chat(p)) is not None
    ]
