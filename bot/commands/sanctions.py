"""Sanctions on the member behind a queue item, each by a moderator and audited: `/warn`,
`/mute` for a time (their messages are then kept back, with a kind note), `/kick`; and
`/reveal` (moderators and admins, a reason required) of who is behind a pseudonym."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.reach import tell_member, when_local
from bot.commands.staff_access import audit, item_for_staff, member_of, moderates, not_allowed
from bot.i18n import N_
from groups.fanout import reader_language
from storage.models import MembershipStatus, Role

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


async def warn(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not await moderates(ctx):
        return not_allowed(ctx)
    found = await member_of(ctx, args)
    if found is None:
        return [
            Reply(_("Write {command} and an item number from /queue.", command=ctx.command("warn")))
        ]
    item, group, member, reason = found
    await tell_member(ctx.tx, ctx.catalogues, member, group, WARNING, name=group.name)
    await audit(ctx, "member.warn", item, reason or None)
    return [Reply(_("{name} was warned.", name=member.pseudonym))]


async def mute(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not await moderates(ctx):
        return not_allowed(ctx)
    found = await member_of(ctx, args)
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
    await audit(ctx, "member.mute", item, reason)
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
    if not await moderates(ctx):
        return not_allowed(ctx)
    found = await member_of(ctx, args)
    if found is None:
        return [
            Reply(_("Write {command} and an item number from /queue.", command=ctx.command("kick")))
        ]
    item, group, member, reason = found
    if member.status is not MembershipStatus.ACTIVE:
        return [Reply(_("{name} is no longer in the group.", name=member.pseudonym))]
    await ctx.tx.memberships.set_status(member, MembershipStatus.REMOVED)
    await tell_member(ctx.tx, ctx.catalogues, member, group, REMOVED, name=group.name)
    await audit(ctx, "member.remove", item, reason or None)
    return [Reply(_("{name} was removed from the group.", name=member.pseudonym))]


async def reveal(ctx: Context, args: str) -> list[Reply]:
    """Who wrote an item's message: only to the group's moderators and admins, only with a
    reason, and always in the audit log."""
    _ = ctx.t.gettext
    if not await moderates(ctx, (Role.MODERATOR,)):
        return not_allowed(ctx)
    words = args.split(maxsplit=1)
    found = await item_for_staff(ctx, words[0], reveal=True) if words else None
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
    await audit(ctx, "identity.reveal", item, reason)
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
        {"en": "reveal", "fi": "paljasta", "sv": "avsloja"},
        N_("who wrote a queue item's message (moderators; reason required)"),
        reveal,
        staff=True,
    ),
]
BUTTONS: list[ButtonRoute] = []
