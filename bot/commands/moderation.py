"""What moderators do: act on an alert with one tap, work through `/queue`, sanction a member,
and (role-gated, with a reason, audited) reveal who is behind a pseudonym. Members `/report`
a message by replying to it; the reporter is never shown to anyone.

Who may act on an item: the group's moderators and facilitators, and admins. Revealing an
identity: the group's moderators and admins only.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.reach import tell_member, when_local
from bot.i18n import N_
from bot.ports import Button, ChatRef
from groups.alerts import ALERT_PREFIX, CATEGORY_NAMES, SEVERITY_NAMES, raise_alert
from groups.contact import parties, to_member, to_moderator
from groups.fanout import reader_language
from groups.names import display_name
from groups.relay import Relay
from storage.models import (
    CLOSED_STATUSES,
    Group,
    Membership,
    MembershipStatus,
    MessageState,
    PrivateContact,
    ReviewItem,
    ReviewSource,
    ReviewStatus,
    Role,
)

QUEUE_LIMIT = 10
ACTING_ROLES = (Role.MODERATOR, Role.FACILITATOR)
DURATION = re.compile(r"^(\d{1,4})\s*(m|min|h|d)$")
MUTE_DEFAULT = timedelta(hours=24)

WARNING = N_(
    "A moderator of {name} asks you to keep to the group's rules: be kind, keep everyone's "
    "anonymity, and keep contact details out of the group. Thank you."
)
MUTED = N_(
    "A moderator has paused your messages in {name} until {until}. What you write meanwhile "
    "is kept for a moderator and not shown to the group."
)
REMOVED = N_("A moderator has removed you from {name}.")
CONTACT_ENDED = N_("The moderator ended the private conversation. Thank you for talking.")


async def _item_for_staff(
    ctx: Context, item_id: str, *, reveal: bool = False
) -> tuple[ReviewItem, Group] | None:
    """The item, if this person may act on it (admins; the group's moderators, and for
    anything but a reveal its facilitators)."""
    item = await ctx.tx.reviews.get(int(item_id)) if item_id.isdigit() else None
    if item is None:
        return None
    group = await ctx.tx.groups.get(item.group_id)
    if group is None:
        return None
    if ctx.person.is_admin:
        return item, group
    membership = await ctx.tx.memberships.find(group.id, ctx.person.id)
    roles = (Role.MODERATOR,) if reveal else ACTING_ROLES
    if (
        membership is None
        or membership.status is not MembershipStatus.ACTIVE
        or membership.role not in roles
    ):
        return None
    return item, group


NOT_ALLOWED = N_("That is not something you can do here.")


def _not_allowed(ctx: Context) -> list[Reply]:
    return [Reply(ctx.t.gettext(NOT_ALLOWED))]


async def _moderates(ctx: Context, roles: tuple[Role, ...] = ACTING_ROLES) -> bool:
    """Whether this person acts on moderation anywhere (before any item is looked up)."""
    if ctx.person.is_admin:
        return True
    return any(
        m.status is MembershipStatus.ACTIVE and m.role in roles for m in await ctx.memberships()
    )


async def _audit(ctx: Context, action: str, item: ReviewItem, reason: str | None = None) -> None:
    await ctx.tx.audit.append(
        action,
        actor_person_id=ctx.person.id,
        group_id=item.group_id,
        subject=f"review:{item.id}",
        reason=reason,
        details={"category": item.category, "severity": item.severity},
    )


async def alert_pressed(ctx: Context, payload: str) -> list[Reply]:
    """One tap on an alert: a acknowledge, r release, x remove, v reveal (asks a reason)."""
    _ = ctx.t.gettext
    choice, _sep, item_id = payload.partition(":")
    found = await _item_for_staff(ctx, item_id, reveal=choice == "v")
    if found is None:
        return _not_allowed(ctx)
    item, group = found
    if choice == "a":
        return await _acknowledge(ctx, item, group)
    if choice == "r":
        return await _release(ctx, item, group)
    if choice == "x":
        return await _remove(ctx, item, group)
    if choice == "c":
        return await _contact(ctx, item, group)
    if choice == "v":
        return [
            Reply(
                _(
                    "To see who wrote it, send {command} {id} and your reason. The reason and "
                    "your name are kept in the audit log.",
                    command=ctx.command("reveal"),
                    id=item.id,
                )
            )
        ]
    return [Reply(_("That button is no longer in use."))]


async def _acknowledge(ctx: Context, item: ReviewItem, group: Group) -> list[Reply]:
    """Taken: said where the alert was, so the other moderators see who has it."""
    _ = ctx.t.gettext
    if not await ctx.tx.reviews.acknowledge(item, ctx.person.id):
        return [Reply(_("#{id} was already taken care of.", id=item.id))]
    await _audit(ctx, "review.acknowledge", item)
    membership = await ctx.tx.memberships.find(group.id, ctx.person.id)
    who = display_name(ctx.t, membership) if membership is not None else _("an admin")
    return [
        Reply(
            _(
                "#{id} acknowledged by {name}; the alert will not be raised again.",
                id=item.id,
                name=who,
            )
        )
    ]


async def _contact(ctx: Context, item: ReviewItem, group: Group) -> list[Reply]:
    """Open a private conversation with the member behind an item; the how-to goes to the
    moderator's own private chat (or here, if the bot has none for them yet)."""
    _ = ctx.t.gettext
    member = await ctx.tx.memberships.get(item.membership_id) if item.membership_id else None
    if member is None:
        return [Reply(_("There is no one to contact for #{id}.", id=item.id))]
    existing = await ctx.tx.reviews.contact_between(ctx.person.id, member.id)
    if existing is None:
        await ctx.tx.reviews.open_contact(group.id, ctx.person.id, member.id, item.id)
        await _audit(ctx, "contact.open", item)
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
    if not await _moderates(ctx):
        return _not_allowed(ctx)
    found = await _member_of(ctx, args)
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
        await _audit(ctx, "contact.open", item)
    people = await parties(ctx.tx, contact)
    if people is None or not await to_member(
        ctx.tx, ctx.catalogues.translator, people, text.strip(), first=first
    ):
        return [Reply(_("{name} cannot be reached privately.", name=member.pseudonym))]
    return [Reply(_("Sent to {name}.", name=member.pseudonym))]


async def end_contact(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not await _moderates(ctx):
        return _not_allowed(ctx)
    found = await _member_of(ctx, args)
    contact = await ctx.tx.reviews.contact_between(ctx.person.id, found[2].id) if found else None
    if found is None or contact is None:
        return [Reply(_("There is no open conversation for that item."))]
    item, group, member, _rest = found
    await ctx.tx.reviews.close_contact(contact)
    await tell_member(ctx.tx, ctx.catalogues, member, group, CONTACT_ENDED)
    await _audit(ctx, "contact.close", item)
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


async def _release(ctx: Context, item: ReviewItem, group: Group) -> list[Reply]:
    _ = ctx.t.gettext
    message = await ctx.tx.messages.get(item.message_id) if item.message_id else None
    author = await ctx.tx.memberships.get(item.membership_id) if item.membership_id else None
    if message is None or author is None or message.state is not MessageState.HELD:
        return [Reply(_("#{id} has no held message to release.", id=item.id))]
    await ctx.tx.messages.set_state(message, MessageState.ACCEPTED)
    await Relay(ctx.tx, ctx.catalogues.translator).deliver(group, author, message)
    await ctx.tx.reviews.close(item, ctx.person.id, "released")
    await _audit(ctx, "review.release", item)
    return [Reply(_("Released: the message of #{id} went to the group.", id=item.id))]


async def _remove(ctx: Context, item: ReviewItem, group: Group) -> list[Reply]:
    _ = ctx.t.gettext
    message = await ctx.tx.messages.get(item.message_id) if item.message_id else None
    author = await ctx.tx.memberships.get(item.membership_id) if item.membership_id else None
    if message is not None and author is not None:
        await Relay(ctx.tx, ctx.catalogues.translator).remove(group, author, message)
    await ctx.tx.reviews.close(item, ctx.person.id, "removed")
    await _audit(ctx, "review.remove", item)
    return [Reply(_("Removed: the message of #{id} is gone from the group.", id=item.id))]


async def queue(ctx: Context, args: str) -> list[Reply]:
    """Open items in the groups this person moderates: most severe first, then oldest."""
    _ = ctx.t.gettext
    if not await _moderates(ctx):
        return _not_allowed(ctx)
    group_ids = (
        None
        if ctx.person.is_admin
        else [
            m.group_id
            for m in await ctx.memberships()
            if m.status is MembershipStatus.ACTIVE and m.role in ACTING_ROLES
        ]
    )
    items = await ctx.tx.reviews.queue(group_ids, limit=QUEUE_LIMIT + 1)
    if not items:
        return [Reply(_("The queue is empty."))]
    replies = [Reply(_("Open items, most severe first:"))]
    for item in items[:QUEUE_LIMIT]:
        group = await ctx.tx.groups.get(item.group_id)
        status = _("acknowledged") if item.status is ReviewStatus.ACKNOWLEDGED else _("open")
        line = _(
            "#{id} {category} ({severity}) in {group}, {when}: {status}",
            id=item.id,
            category=_(CATEGORY_NAMES.get(item.category, item.category)),
            severity=_(SEVERITY_NAMES.get(item.severity, item.severity)),
            group=group.name if group else "?",
            when=when_local(ctx.language, group, item.created_at) if group else "",
            status=status,
        )
        if item.reports:
            line += " · " + _("reports: {n}", n=item.reports)
        buttons = (
            (
                Button(_("Show"), f"{QUEUE_PREFIX}:s:{item.id}"),
                Button(_("Resolved"), f"{QUEUE_PREFIX}:d:{item.id}"),
                Button(_("Dismiss"), f"{QUEUE_PREFIX}:n:{item.id}"),
            ),
        )
        replies.append(Reply(line, buttons=buttons))
    if len(items) > QUEUE_LIMIT:
        replies.append(Reply(_("…and more. Close these to see the rest.")))
    return replies


QUEUE_PREFIX = "rq"


async def queue_pressed(ctx: Context, payload: str) -> list[Reply]:
    """From /queue: s show the whole alert again, d resolved, n dismissed."""
    _ = ctx.t.gettext
    choice, _sep, item_id = payload.partition(":")
    found = await _item_for_staff(ctx, item_id)
    if found is None:
        return _not_allowed(ctx)
    item, group = found
    if choice == "s":
        await raise_alert(ctx.tx, ctx.catalogues.translator, group, item, to=ctx.person)
        return []
    if item.status in CLOSED_STATUSES:
        return [Reply(_("#{id} was already closed.", id=item.id))]
    dismissed = choice == "n"
    await ctx.tx.reviews.close(
        item, ctx.person.id, "dismissed" if dismissed else "resolved", dismissed=dismissed
    )
    await _audit(ctx, "review.dismiss" if dismissed else "review.resolve", item)
    return [Reply(_("#{id} closed.", id=item.id))]


async def report(ctx: Context, args: str) -> list[Reply]:
    """`/report` as a reply to a message from the group: it goes to the moderators' queue."""
    _ = ctx.t.gettext
    reply_to = ctx.event.reply_to_message_id
    target = None
    reporter = None
    if reply_to is not None:
        for membership in await ctx.memberships():
            received = await ctx.tx.messages.received_as(membership.id, reply_to)
            if received is not None and received.group_id == membership.group_id:
                target, reporter = received, membership
                break
    if target is None or reporter is None:
        return [
            Reply(
                _(
                    "Reply to a message from the group with {report} to tell the moderators "
                    "about it. They will not see who reported it.",
                    report=ctx.command("report"),
                )
            )
        ]
    item = await ctx.tx.reviews.for_message(target.id, ReviewSource.REPORT)
    new = item is None
    if item is None:
        item = await ctx.tx.reviews.open(
            group_id=target.group_id,
            message_id=target.id,
            membership_id=target.membership_id,
            category="report",
            severity="low",
            action="flag",
            source=ReviewSource.REPORT,
        )
    counted = await ctx.tx.reviews.add_report(
        item, ctx.tx.reviews.reporter_key(ctx.person.id, target.id)
    )
    if not counted:
        return [Reply(_("You have already reported this message. Thank you."))]
    if new:
        group = await ctx.tx.groups.get(target.group_id)
        if group is not None:
            await raise_alert(ctx.tx, ctx.catalogues.translator, group, item)
    return [Reply(_("Thank you. The moderators will look at it; nobody is told who reported it."))]


async def _member_of(ctx: Context, args: str) -> tuple[ReviewItem, Group, Membership, str] | None:
    words = args.split(maxsplit=1)
    found = await _item_for_staff(ctx, words[0]) if words else None
    if found is None:
        return None
    item, group = found
    member = await ctx.tx.memberships.get(item.membership_id) if item.membership_id else None
    if member is None:
        return None
    return item, group, member, words[1] if len(words) > 1 else ""


async def warn(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not await _moderates(ctx):
        return _not_allowed(ctx)
    found = await _member_of(ctx, args)
    if found is None:
        return [
            Reply(_("Write {command} and an item number from /queue.", command=ctx.command("warn")))
        ]
    item, group, member, reason = found
    await tell_member(ctx.tx, ctx.catalogues, member, group, WARNING, name=group.name)
    await _audit(ctx, "member.warn", item, reason or None)
    return [Reply(_("{name} was warned.", name=member.pseudonym))]


async def mute(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not await _moderates(ctx):
        return _not_allowed(ctx)
    found = await _member_of(ctx, args)
    if found is None:
        return [
            Reply(
                _(
                    "Write {command}, an item number from /queue and how long (30m, 2h, 3d).",
                    command=ctx.command("mute"),
                )
            )
        ]
    item, group, member, rest = found
    words = rest.split(maxsplit=1)
    length = _duration(words[0]) if words else None
    length = length or MUTE_DEFAULT
    reason = words[1] if len(words) > 1 and _duration(words[0]) else rest or None
    until = ctx.services.clock.now() + length
    member.muted_until = until
    await ctx.tx.session.flush()
    person = await ctx.tx.persons.get(member.person_id)
    language = reader_language(group, member, person) if person else group.language
    await tell_member(
        ctx.tx,
        ctx.catalogues,
        member,
        group,
        MUTED,
        name=group.name,
        until=when_local(language, group, until),
    )
    await _audit(ctx, "member.mute", item, reason)
    return [
        Reply(
            _(
                "{name} is muted until {until}.",
                name=member.pseudonym,
                until=when_local(ctx.language, group, until),
            )
        )
    ]


def _duration(text: str) -> timedelta | None:
    match = DURATION.match(text.strip().casefold())
    if match is None:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    return {
        "m": timedelta(minutes=amount),
        "min": timedelta(minutes=amount),
        "h": timedelta(hours=amount),
        "d": timedelta(days=amount),
    }[unit]


async def remove_member(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not await _moderates(ctx):
        return _not_allowed(ctx)
    found = await _member_of(ctx, args)
    if found is None:
        return [
            Reply(_("Write {command} and an item number from /queue.", command=ctx.command("kick")))
        ]
    item, group, member, reason = found
    if member.status is not MembershipStatus.ACTIVE:
        return [Reply(_("{name} is no longer in the group.", name=member.pseudonym))]
    await ctx.tx.memberships.set_status(member, MembershipStatus.REMOVED)
    await tell_member(ctx.tx, ctx.catalogues, member, group, REMOVED, name=group.name)
    await _audit(ctx, "member.remove", item, reason or None)
    return [Reply(_("{name} was removed from the group.", name=member.pseudonym))]


async def reveal(ctx: Context, args: str) -> list[Reply]:
    """Who wrote an item's message: only to the group's moderators and admins, only with a
    reason, and always in the audit log."""
    _ = ctx.t.gettext
    if not await _moderates(ctx, (Role.MODERATOR,)):
        return _not_allowed(ctx)
    words = args.split(maxsplit=1)
    found = await _item_for_staff(ctx, words[0], reveal=True) if words else None
    if found is None:
        return [
            Reply(
                _(
                    "Write {command}, an item number from /queue and your reason.",
                    command=ctx.command("reveal"),
                )
            )
        ]
    item, _group = found
    reason = words[1].strip() if len(words) > 1 else ""
    if len(reason) < 5:
        return [
            Reply(
                _(
                    "A reason is needed: {command} {id} and why, in a few words.",
                    command=ctx.command("reveal"),
                    id=item.id,
                )
            )
        ]
    member = await ctx.tx.memberships.get(item.membership_id) if item.membership_id else None
    person = await ctx.tx.persons.get(member.person_id) if member else None
    external = (
        ctx.tx.persons.external_id(person)
        if person is not None and person.erased_at is None
        else None
    )
    if member is None or person is None or external is None:
        return [Reply(_("There is no one to reveal for #{id}.", id=item.id))]
    await _audit(ctx, "identity.reveal", item, reason)
    return [
        Reply(
            _(
                "#{id}: {name} is {platform} user {external}. Keep this to yourself and act "
                "on it only as your organisation's rules say.",
                id=item.id,
                name=member.pseudonym,
                platform=person.transport,
                external=external,
            )
        )
    ]


COMMANDS = [
    Command(
        {"en": "queue", "fi": "jono", "sv": "ko"},
        N_("open moderation items, most severe first"),
        queue,
        staff=True,
    ),
    Command(
        {"en": "report", "fi": "ilmianna", "sv": "anmal"},
        N_("tell the moderators about a message (as a reply to it)"),
        report,
    ),
    Command(
        {"en": "warn", "fi": "varoita", "sv": "varna"},
        N_("warn the member behind a queue item"),
        warn,
        staff=True,
    ),
    Command(
        {"en": "mute", "fi": "hiljenna", "sv": "tysta"},
        N_("pause the messages of the member behind a queue item"),
        mute,
        staff=True,
    ),
    Command(
        {"en": "kick", "fi": "poistajasen", "sv": "uteslut"},
        N_("remove the member behind a queue item from the group"),
        remove_member,
        staff=True,
    ),
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
    Command(
        {"en": "reveal", "fi": "paljasta", "sv": "avsloja"},
        N_("who wrote a queue item's message (moderators; reason required)"),
        reveal,
        staff=True,
    ),
]
BUTTONS = [ButtonRoute(ALERT_PREFIX, alert_pressed), ButtonRoute(QUEUE_PREFIX, queue_pressed)]
