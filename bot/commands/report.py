"""`/report`: a member tells the moderators about a message from the group by replying to
it. Reports of one message merge into one item; the reporter is kept only as a keyed hash
and is never shown to anyone."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.i18n import N_
from groups.alerts import raise_alert
from storage.models import ReviewSource


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


COMMANDS = [
    Command(
        {"en": "report", "fi": "ilmianna", "sv": "anmal"},
        N_("tell the moderators about a message (as a reply to it)"),
        report,
    ),
]
BUTTONS: list[ButtonRoute] = []
