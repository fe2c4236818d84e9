"""Reaching people outside the chat they just wrote in: the group's staff, or a member
offered a waiting-list place. Used by handlers and by housekeeping alike."""

from __future__ import annotations

from datetime import datetime

from bot.commands import Context
from bot.i18n import N_, Catalogues
from groups.fanout import reader_language, send_each, staff_recipients
from groups.texts import local_date, local_time
from groups.timezones import utc_to_local
from storage.models import Group, Membership, Priority, SessionStatus
from storage.repositories import QueuedButton
from storage.store import Transaction

OFFER_PREFIX = "wl"


def when_local(language: str, group: Group, at: datetime) -> str:
    local = utc_to_local(at, group.timezone)
    return f"{local_date(local.date(), language)} {local_time(local.time(), language)}"


async def notify_staff(
    tx: Transaction, catalogues: Catalogues, group: Group, message: str, **params: object
) -> None:
    """A notice to the facilitators: their room, or each of them privately."""
    targets = await staff_recipients(tx, group)
    await send_each(
        tx,
        targets,
        lambda r: catalogues.translator(r.language).gettext(message, **params),
        priority=Priority.CONVERSATION,
        notice=True,
    )


async def tell_member(
    tx: Transaction,
    catalogues: Catalogues,
    membership: Membership,
    group: Group,
    message: str,
    **params: object,
) -> bool:
    """A notice to one member in their private chat, in their language; False if unreachable."""
    person = await tx.persons.get(membership.person_id)
    chat = tx.persons.dm_chat(person) if person else None
    if person is None or chat is None:
        return False
    t = catalogues.translator(reader_language(group, membership, person))
    await tx.outbox.enqueue(person.transport, chat, t.gettext(message, **params), notice=True)
    return True


async def queue_offer(
    tx: Transaction, catalogues: Catalogues, membership: Membership, group: Group
) -> bool:
    """Tell a waiting member a place is theirs until the deadline; False if unreachable."""
    person = await tx.persons.get(membership.person_id)
    chat = tx.persons.dm_chat(person) if person else None
    if person is None or chat is None or membership.offer_expires_at is None:
        return False
    t = catalogues.translator(reader_language(group, membership, person))
    text = t.gettext(
        "A place has opened in {group}! It is yours if you take it by {deadline}.",
        group=group.name,
        deadline=when_local(t.language, group, membership.offer_expires_at),
    )
    buttons = [
        [
            QueuedButton(t.gettext(N_("Take the place")), f"{OFFER_PREFIX}:yes:{membership.id}"),
            QueuedButton(t.gettext(N_("No, thanks")), f"{OFFER_PREFIX}:no:{membership.id}"),
        ]
    ]
    await tx.outbox.enqueue(
        person.transport, chat, text, buttons=buttons, priority=Priority.CONVERSATION
    )
    return True


async def welcome(ctx: Context, group: Group, name: str, language: str, now: datetime) -> str:
    t = ctx.catalogues.translator(language)
    lines = [
        t.gettext("Welcome to {group}, {name}!", group=group.name, name=name),
        t.gettext(
            "From now on, what you write to me goes to the group under your pseudonym, and "
            "you'll see the others' messages here."
        ),
    ]
    upcoming = [
        s
        for s in await ctx.tx.schedule.sessions(group.id)
        if s.status is SessionStatus.SCHEDULED and s.starts_at > now
    ]
    if upcoming:
        lines.append(
            t.gettext(
                "The next session is {when}.",
                when=when_local(language, group, upcoming[0].starts_at),
            )
        )
    lines.append(t.gettext("{leave} leaves the group.", leave=ctx.command("leave", language)))
    return "\n".join(lines)
