"""A moderator and a member talking privately through the bot: the member sees "Moderator"
(in their language), never the moderator's name or account; the moderator sees the member's
pseudonym, never their account. Nothing of it reaches the group.

Each message is queued to the other side and linked to its outbox row, so a platform reply to
it continues the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

from groups.fanout import reader_language
from groups.texts import N_, TextsFor
from storage.models import Group, Membership, Person, Priority, PrivateContact
from storage.store import Transaction

MODERATOR = N_("Moderator")
FIRST_NOTE = N_(
    "A moderator of {group} would like to talk with you privately. Reply to their messages "
    "to answer; nothing of this goes to the group."
)


@dataclass(frozen=True, slots=True)
class Parties:
    contact: PrivateContact
    group: Group
    member: Membership
    member_person: Person
    moderator: Person


async def parties(tx: Transaction, contact: PrivateContact) -> Parties | None:
    group = await tx.groups.get(contact.group_id)
    member = await tx.memberships.get(contact.membership_id)
    member_person = await tx.persons.get(member.person_id) if member else None
    moderator = await tx.persons.get(contact.moderator_person_id)
    if group is None or member is None or member_person is None or moderator is None:
        return None
    return Parties(contact, group, member, member_person, moderator)


async def to_member(
    tx: Transaction, texts_for: TextsFor, found: Parties, text: str, *, first: bool = False
) -> bool:
    """The moderator's message to the member; False if the member cannot be reached."""
    chat = tx.persons.dm_chat(found.member_person)
    if chat is None or found.member_person.erased_at is not None:
        return False
    texts = texts_for(reader_language(found.group, found.member, found.member_person))
    lines = [texts.gettext(FIRST_NOTE, group=found.group.name)] if first else []
    lines.append(f"{texts.gettext(MODERATOR)}: {text}")
    row = await tx.outbox.enqueue(
        found.member_person.transport, chat, "\n\n".join(lines), priority=Priority.URGENT
    )
    await tx.reviews.add_contact_message(found.contact.id, row.id, to_member=True)
    return True


async def to_moderator(tx: Transaction, texts_for: TextsFor, found: Parties, text: str) -> bool:
    """The member's answer to the moderator, under the member's pseudonym."""
    chat = tx.persons.dm_chat(found.moderator)
    if chat is None:
        return False
    row = await tx.outbox.enqueue(
        found.moderator.transport,
        chat,
        f"{found.member.pseudonym} (#{found.contact.review_item_id or '-'}): {text}",
        priority=Priority.URGENT,
    )
    await tx.reviews.add_contact_message(found.contact.id, row.id, to_member=False)
    return True
