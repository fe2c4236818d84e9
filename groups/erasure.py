"""A person's own data: everything Piiri keeps about them (/mydata), and erasing it (/forgetme).

Erasing keeps counts and the audit trail working but leaves no identity: the person row stays
as a tombstone with its platform id and chats gone; pseudonyms and texts are removed; their
memberships are closed; their answers are deleted and their proposals lose their text; every
copy of their messages that others received becomes a short note; queued sends to them are
deleted. The audit trail refers to people by internal id only, so it needs no change (it
cannot be changed: it is append-only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from groups.relay import REMOVED_NOTE, every_reader, rewrite_copies
from groups.texts import TextsFor
from storage.models import (
    Group,
    Membership,
    MembershipStatus,
    Message,
    MessageState,
    Person,
)
from storage.store import Transaction


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


async def export(tx: Transaction, person: Person) -> dict[str, Any]:
    memberships = await tx.memberships.for_person(person.id, active_only=False)
    groups = await tx.groups.get_many(m.group_id for m in memberships)
    draft = await tx.joining.draft(person.id)
    return {
        "person": {
            "platform": person.transport,
            "user_id": tx.persons.external_id(person),
            "language": person.language,
            "first_seen": _iso(person.created_at),
            "last_seen": _iso(person.last_seen_at),
            "admin": person.is_admin,
        },
        "groups": [await _membership(tx, m, groups.get(m.group_id)) for m in memberships],
        "joining_now": (
            {
                "group": draft.group_id,
                "step": draft.step,
                "age_band": draft.age_band,
                "pseudonym": draft.pseudonym,
            }
            if draft
            else None
        ),
    }


async def _membership(tx: Transaction, m: Membership, group: Group | None) -> dict[str, Any]:
    return {
        "group": group.name if group else None,
        "pseudonym": m.pseudonym,
        "role": m.role.value,
        "status": m.status.value,
        "language": m.language,
        "age_band": m.age_band,
        "joined_at": _iso(m.joined_at),
        "left_at": _iso(m.left_at),
        "messages": [
            {
                "at": _iso(message.created_at),
                "state": message.state.value,
                "text": message.text,
                "edited_at": _iso(message.edited_at),
                "text_deleted_at": _iso(message.text_purged_at),
            }
            for message in await tx.messages.for_membership(m.id)
        ],
        # Feedback and self-assessment answers (`survey` says which); a skipped item has no value.
        "answers": [
            {
                "survey": answer.survey_key,
                "item": answer.item_key,
                "occasion": answer.occasion,
                "value": answer.value,
                "comment": answer.comment,
                "at": _iso(answer.created_at),
            }
            for answer in await tx.surveys.for_membership(m.id)
        ],
        "proposals": [
            {"at": _iso(p.created_at), "text": p.text, "status": p.status}
            for p in await tx.followup.proposals_by(m.id)
        ],
    }


async def erase(tx: Transaction, person: Person, texts_for: TextsFor, now: datetime) -> list[Group]:
    """Erase the person; returns the groups where they held a seat (to offer it on)."""
    freed: list[Group] = []
    for membership in await tx.memberships.for_person(person.id, active_only=False):
        group = await tx.groups.get(membership.group_id)
        if group is None:
            continue
        if membership.status is MembershipStatus.ACTIVE:
            freed.append(group)
        for message in await tx.messages.for_membership(membership.id):
            await _withdraw_copies(tx, group, message, texts_for)
            await tx.messages.erase(message, now)
        await tx.surveys.delete_for_membership(membership.id)
        for proposal in await tx.followup.proposals_by(membership.id):
            proposal.text = None
        await tx.memberships.erase(membership)
    await tx.joining.discard(person.id)
    await tx.joining.forget_failures(person.id)
    await tx.outbox.forget_chat(person.transport, tx.persons.dm_chat(person))
    await tx.persons.erase(person, now)
    await tx.audit.append("person.erased", actor_person_id=None, subject=f"person:{person.id}")
    return freed


async def _withdraw_copies(
    tx: Transaction, group: Group, message: Message, texts_for: TextsFor
) -> None:
    """Every copy others got becomes "(message removed)", with no name on it."""
    if message.state is not MessageState.ACCEPTED:
        return
    await rewrite_copies(
        tx,
        message.id,
        await every_reader(tx, group),
        lambda reader: texts_for(reader.language).gettext(REMOVED_NOTE),
    )
