"""A moderator and a member talking privately through the bot (`groups.contact`): opened
from an alert, `/msg ID text` and `/endcontact ID` for the moderator, a platform reply or
`/mod text` for the member."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.reach import tell_member
from bot.commands.staff_access import audit, member_of, moderates, not_allowed
from bot.i18n import N_
from bot.ports import ChatRef
from groups.contact import parties, to_member, to_moderator
from storage.models import Group, PrivateContact, ReviewItem

CONTACT_ENDED = N_("The moderator ended the private conversation. Thank you for talking.")


async def open_contact(ctx: Context, item: ReviewItem, group: Group) -> list[Reply]:
    """Open a private conversation with the member behind an item; the how-to goes to the
    moderator's own private chat (or here, if the bot has none for them yet)."""
    _ = ctx.t.gettext
    member = await ctx.tx.memberships.get(item.membership_id) if item.membership_id else None
    if member is None:
        return [Reply(_("There is no one to contact for #{id}.", id=item.id))]
    existing = await ctx.tx.reviews.contact_between(ctx.person.id, member.id)
    if existing is None:
        await ctx.tx.reviews.open_contact(group.id, ctx.person.id, member.id, item.id)
        await audit(ctx, "contact.open", item)
    dm = ctx.tx.persons.dm_chat(ctx.person)
    text = _(
        "You can now write to {name} privately: {msg} {id} and your message. They see you "
        'as "Moderator"; their answers come to you here. {end} {id} ends the conversation.',
        name=member.pseudonym,
        msg=ctx.command("msg"),
        end=ctx.command("endcontact"),
        id=item.id,
    )
    chat = ChatRef(ctx.event.transport, dm) if dm is not None else None
    return [Reply(text, chat=chat)]


async def message_member(ctx: Context, args: str) -> list[Reply]:
    """`/msg ID text`: to the member behind a queue item, privately, as "Moderator"."""
    _ = ctx.t.gettext
    if not await moderates(ctx):
        return not_allowed(ctx)
    found = await member_of(ctx, args)
    if found is None or not found[3].strip():
        return [
            Reply(
                _(
                    "Write {command}, an item number and your message.",
                    command=ctx.command("msg"),
                )
            )
        ]
    item, group, member, text = found
    contact = await ctx.tx.reviews.contact_between(ctx.person.id, member.id)
    first = contact is None
    if contact is None:
        contact = await ctx.tx.reviews.open_contact(group.id, ctx.person.id, member.id, item.id)
        await audit(ctx, "contact.open", item)
    people = await parties(ctx.tx, contact)
    if people is None or not await to_member(
        ctx.tx, ctx.catalogues.translator, people, text.strip(), first=first
    ):
        return [Reply(_("{name} cannot be reached privately.", name=member.pseudonym))]
    return [Reply(_("Sent to {name}.", name=member.pseudonym))]


async def end_contact(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not await moderates(ctx):
        return not_allowed(ctx)
    found = await member_of(ctx, args)
    contact = await ctx.tx.reviews.contact_between(ctx.person.id, found[2].id) if found else None
    if found is None or contact is None:
        return [Reply(_("There is no open conversation for that item."))]
    item, group, member, _rest = found
    await ctx.tx.reviews.close_contact(contact)
    await tell_member(ctx.tx, ctx.catalogues, member, group, CONTACT_ENDED)
    await audit(ctx, "contact.close", item)
    return [Reply(_("The conversation with {name} has ended.", name=member.pseudonym))]


async def reply_in_contact(ctx: Context) -> list[Reply] | None:
    """A reply to a message of a private contact continues it, for the member or the
    moderator; None when the reply is to something else."""
    reply_to = ctx.event.reply_to_message_id
    text = (ctx.event.text or "").strip()
    if reply_to is None or not text:
        return None
    tx = ctx.tx
    as_moderator = await tx.reviews.contact_replied_to(reply_to, moderator_person_id=ctx.person.id)
    if as_moderator is not None:
        people = await parties(tx, as_moderator)
        if people is not None and await to_member(tx, ctx.catalogues.translator, people, text):
            return [Reply(ctx.t.gettext("Sent to {name}.", name=people.member.pseudonym))]
        return [Reply(ctx.t.gettext("They cannot be reached privately any more."))]
    mine = [m.id for m in await ctx.memberships()]
    as_member = await tx.reviews.contact_replied_to(reply_to, membership_ids=mine)
    if as_member is None:
        return None
    return await _to_moderator(ctx, as_member, text)


async def to_the_moderator(ctx: Context, args: str) -> list[Reply]:
    """`/mod text`: a member answers the moderator who contacted them."""
    _ = ctx.t.gettext
    mine = [m.id for m in await ctx.memberships()]
    contacts = await ctx.tx.reviews.contacts_of_member(mine) if mine else []
    if not contacts or not args.strip():
        return [
            Reply(
                _(
                    "When a moderator writes to you privately, reply to their message (or "
                    "write {mod} and your message) to answer them.",
                    mod=ctx.command("mod"),
                )
            )
        ]
    return await _to_moderator(ctx, contacts[0], args.strip())


async def _to_moderator(ctx: Context, contact: PrivateContact, text: str) -> list[Reply]:
    people = await parties(ctx.tx, contact)
    if people is None or not await to_moderator(ctx.tx, ctx.catalogues.translator, people, text):
        return [Reply(ctx.t.gettext("The moderator cannot be reached right now."))]
    return [Reply(ctx.t.gettext("Sent to the moderator only."))]


COMMANDS = [
    Command(
        {"en": "msg", "fi": "viesti", "sv": "skriv"},
        N_("write privately to the member behind a queue item"),
        message_member,
        staff=True,
    ),
    Command(
        {"en": "endcontact", "fi": "lopeta", "sv": "avsluta"},
        N_("end a private conversation with a member"),
        end_contact,
        staff=True,
    ),
    Command(
        {"en": "mod", "fi": "mod", "sv": "mod"},
        N_("answer a moderator who wrote to you privately"),
        to_the_moderator,
    ),
]
BUTTONS: list[ButtonRoute] = []
