"""`/members`: who is enrolled in a group, by pseudonym only, for its facilitators."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.group_target import Target, for_group
from bot.i18n import N_
from groups.enrolment import SEAT_ROLES
from groups.names import display_name
from storage.models import MembershipStatus


async def members(ctx: Context, target: Target) -> list[Reply]:
    _ = ctx.t.gettext
    group = target.group
    everyone = await ctx.tx.memberships.for_group(
        group.id, statuses=(MembershipStatus.ACTIVE, MembershipStatus.WAITING)
    )
    active = [m for m in everyone if m.status is MembershipStatus.ACTIVE]
    seated = sum(1 for m in active if m.role in SEAT_ROLES)
    waiting = [m for m in everyone if m.status is MembershipStatus.WAITING]
    limit = str(group.capacity) if group.capacity is not None else "–"
    lines = [_("{group}: {count}/{limit} members", group=group.name, count=seated, limit=limit)]
    lines += [f"• {display_name(ctx.t, m)}" for m in active]
    if waiting:
        lines.append(_("Waiting list: {names}", names=", ".join(m.pseudonym for m in waiting)))
    return [Reply("\n".join(lines))]


COMMANDS = [
    Command(
        {"en": "members", "fi": "jasenet", "sv": "medlemmar"},
        N_("who is in the group, by pseudonym"),
        for_group(members),
        staff=True,
    ),
]
BUTTONS: list[ButtonRoute] = []
