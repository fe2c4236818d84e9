"""Who may act on moderation, and recording what they did: shared by the review queue,
sanctions and private contact.

Who may act on an item: the group's moderators and facilitators, and admins. Revealing an
identity: the group's moderators and admins only. A refusal says no more than "not allowed".
"""

from __future__ import annotations

from bot.commands import Context, Reply
from bot.i18n import N_
from storage.models import Group, Membership, MembershipStatus, ReviewItem, Role

ACTING_ROLES = (Role.MODERATOR, Role.FACILITATOR)

NOT_ALLOWED = N_("That is not something you can do here.")


async def item_for_staff(
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


def not_allowed(ctx: Context) -> list[Reply]:
    return [Reply(ctx.t.gettext(NOT_ALLOWED))]


async def moderates(ctx: Context, roles: tuple[Role, ...] = ACTING_ROLES) -> bool:
    """Whether this person acts on moderation anywhere (before any item is looked up)."""
    if ctx.person.is_admin:
        return True
    return any(
        m.status is MembershipStatus.ACTIVE and m.role in roles for m in await ctx.memberships()
    )


async def acting_group_ids(ctx: Context) -> list[int] | None:
    """The groups whose items this person acts on; None for all of them (an admin)."""
    if ctx.person.is_admin:
        return None
    return [
        m.group_id
        for m in await ctx.memberships()
        if m.status is MembershipStatus.ACTIVE and m.role in ACTING_ROLES
    ]


async def audit(ctx: Context, action: str, item: ReviewItem, reason: str | None = None) -> None:
    await ctx.tx.audit.append(
        action,
        actor_person_id=ctx.person.id,
        group_id=item.group_id,
        subject=f"review:{item.id}",
        reason=reason,
        details={"category": item.category, "severity": item.severity},
    )


async def member_of(ctx: Context, args: str) -> tuple[ReviewItem, Group, Membership, str] | None:
    words = args.split(maxsplit=1)
    found = await item_for_staff(ctx, words[0]) if words else None
    if found is None:
        return None
    item, group = found
    member = await ctx.tx.memberships.get(item.membership_id) if item.membership_id else None
    if member is None:
        return None
    return item, group, member, words[1] if len(words) > 1 else ""
