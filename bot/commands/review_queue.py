"""The moderators' review queue: one-tap actions on an alert (acknowledge, release to the
group, remove, contact privately, reveal) and `/queue` with its Show, Resolved and Dismiss."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.private_contact import open_contact
from bot.commands.reach import when_local
from bot.commands.staff_access import (
    acting_group_ids,
    audit,
    item_for_staff,
    moderates,
    not_allowed,
)
from bot.i18n import N_
from bot.ports import Button
from groups.alerts import (
    ALERT_PREFIX,
    CATEGORY_NAMES,
    SEVERITY_NAMES,
    raise_alert,
    tell_alert_places,
)
from groups.names import display_name
from groups.relay import Relay
from storage.models import (
    CLOSED_STATUSES,
    Group,
    MessageState,
    ReviewItem,
    ReviewStatus,
)

QUEUE_LIMIT = 10

QUEUE_PREFIX = "rq"


async def alert_pressed(ctx: Context, payload: str) -> list[Reply]:
    """One tap on an alert: a acknowledge, r release, x remove, v reveal (asks a reason)."""
    _ = ctx.t.gettext
    choice, _sep, item_id = payload.partition(":")
    found = await item_for_staff(ctx, item_id, reveal=choice == "v")
    if found is None:
        return not_allowed(ctx)
    item, group = found
    if choice == "a":
        return await _acknowledge(ctx, item, group)
    if choice == "r":
        return await _release(ctx, item, group)
    if choice == "x":
        return await _remove(ctx, item, group)
    if choice == "c":
        return await open_contact(ctx, item, group)
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


async def acknowledge(ctx: Context, args: str) -> list[Reply]:
    """`/ack N`: what the alert's Acknowledge button does, for chats without buttons."""
    if not await moderates(ctx):
        return not_allowed(ctx)
    item_id = args.strip().lstrip("#")
    if not item_id.isdigit() or await item_for_staff(ctx, item_id) is None:
        return [
            Reply(
                ctx.t.gettext(
                    "Write {command} and an item number from /queue.", command=ctx.command("ack")
                )
            )
        ]
    return await alert_pressed(ctx, f"a:{item_id}")


async def _acknowledge(ctx: Context, item: ReviewItem, group: Group) -> list[Reply]:
    """Taken: said where the alert was, so the other moderators see who has it."""
    _ = ctx.t.gettext
    if not await ctx.tx.reviews.acknowledge(item, ctx.person.id):
        return [Reply(_("#{id} was already taken care of.", id=item.id))]
    await audit(ctx, "review.acknowledge", item)
    await _tell_others(ctx, group, item, "acknowledged")
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


async def _tell_others(ctx: Context, group: Group, item: ReviewItem, what: str) -> None:
    here = (ctx.event.transport, ctx.event.chat.chat_id)
    await tell_alert_places(
        ctx.tx,
        ctx.catalogues.translator,
        group,
        item,
        what,
        ctx.person,
        escalation=ctx.services.escalation,
        besides=here,
    )


async def _release(ctx: Context, item: ReviewItem, group: Group) -> list[Reply]:
    _ = ctx.t.gettext
    message = await ctx.tx.messages.get(item.message_id) if item.message_id else None
    author = await ctx.tx.memberships.get(item.membership_id) if item.membership_id else None
    if message is None or author is None or message.state is not MessageState.HELD:
        return [Reply(_("#{id} has no held message to release.", id=item.id))]
    await ctx.tx.messages.set_state(message, MessageState.ACCEPTED)
    await Relay(ctx.tx, ctx.catalogues.translator).deliver(group, author, message)
    await ctx.tx.reviews.close(item, ctx.person.id, "released")
    await audit(ctx, "review.release", item)
    await _tell_others(ctx, group, item, "released")
    return [Reply(_("Released: the message of #{id} went to the group.", id=item.id))]


async def _remove(ctx: Context, item: ReviewItem, group: Group) -> list[Reply]:
    _ = ctx.t.gettext
    message = await ctx.tx.messages.get(item.message_id) if item.message_id else None
    author = await ctx.tx.memberships.get(item.membership_id) if item.membership_id else None
    if message is not None and author is not None:
        await Relay(ctx.tx, ctx.catalogues.translator).remove(group, author, message)
    await ctx.tx.reviews.close(item, ctx.person.id, "removed")
    await audit(ctx, "review.remove", item)
    await _tell_others(ctx, group, item, "removed")
    return [Reply(_("Removed: the message of #{id} is gone from the group.", id=item.id))]


async def queue(ctx: Context, args: str) -> list[Reply]:
    """Open items in the groups this person moderates: most severe first, then oldest."""
    _ = ctx.t.gettext
    if not await moderates(ctx):
        return not_allowed(ctx)
    items = await ctx.tx.reviews.queue(await acting_group_ids(ctx), limit=QUEUE_LIMIT + 1)
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


async def queue_pressed(ctx: Context, payload: str) -> list[Reply]:
    """From /queue: s show the whole alert again, d resolved, n dismissed."""
    _ = ctx.t.gettext
    choice, _sep, item_id = payload.partition(":")
    found = await item_for_staff(ctx, item_id)
    if found is None:
        return not_allowed(ctx)
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
    await audit(ctx, "review.dismiss" if dismissed else "review.resolve", item)
    what = "dismissed" if dismissed else "resolved"
    await _tell_others(ctx, group, item, what)
    return [Reply(_("#{id} closed.", id=item.id))]


COMMANDS = [
    Command(
        {"en": "queue", "fi": "jono", "sv": "ko"},
        N_("open moderation items, most severe first"),
        queue,
        staff=True,
    ),
    Command(
        {"en": "ack", "fi": "kuittaa", "sv": "kvittera"},
        N_("acknowledge an alert by its number, as its button does"),
        acknowledge,
        staff=True,
    ),
]
BUTTONS = [ButtonRoute(ALERT_PREFIX, alert_pressed), ButtonRoute(QUEUE_PREFIX, queue_pressed)]
