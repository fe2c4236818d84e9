"""Being in a group: leaving it (which offers the seat to the next person waiting), taking or
declining an offered place, and choosing which group free text goes to when in several."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.reach import OFFER_PREFIX, notify_staff, queue_offer, welcome
from bot.i18n import N_
from bot.ports import Button
from groups import enrolment
from groups.relay import relay_groups
from storage.models import Group, Membership, MembershipStatus

LEAVE_PREFIX = "lv"
CHOOSE_PREFIX = "g"


async def _mine(ctx: Context, membership_id: str) -> Membership | None:
    """The membership named by a button, only if it is this person's own."""
    if not membership_id.isdigit():
        return None
    membership = await ctx.tx.memberships.get(int(membership_id))
    if membership is None or membership.person_id != ctx.person.id:
        return None
    return membership


async def _groups_of(ctx: Context, memberships: list[Membership]) -> dict[int, Group]:
    return await ctx.tx.groups.get_many(m.group_id for m in memberships)


async def leave(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    memberships = [
        m
        for m in await ctx.tx.memberships.for_person(ctx.person.id, active_only=False)
        if m.status in (MembershipStatus.ACTIVE, MembershipStatus.WAITING)
    ]
    if not memberships:
        return [Reply(_("You are not in any group."))]
    groups = await _groups_of(ctx, memberships)
    rows = tuple(
        (Button(groups[m.group_id].name, f"{LEAVE_PREFIX}:{m.id}"),)
        for m in memberships
        if m.group_id in groups
    )
    keep = Button(_("Stay"), f"{LEAVE_PREFIX}:no")
    return [
        Reply(
            _(
                "Which group do you want to leave? What you wrote stays with the group "
                "until its text is deleted."
            ),
            buttons=(*rows, (keep,)),
        )
    ]


async def leave_pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    if payload == "no":
        return [Reply(_("Good, you stay."))]
    membership = await _mine(ctx, payload)
    if membership is None or membership.status not in (
        MembershipStatus.ACTIVE,
        MembershipStatus.WAITING,
    ):
        return [Reply(_("That button is no longer in use."))]
    group = await ctx.tx.groups.get(membership.group_id)
    if group is None:
        return [Reply(_("That button is no longer in use."))]
    was_active = membership.status is MembershipStatus.ACTIVE
    await enrolment.leave(ctx.tx, membership)
    if ctx.person.active_group_id == group.id:
        ctx.person.active_group_id = None
    if was_active:
        await notify_staff(
            ctx.tx, ctx.catalogues, group, N_("{name} left the group."), name=membership.pseudonym
        )
        await offer_seats(ctx, group)
    return [Reply(_("You have left {group}. Take care!", group=group.name))]


async def offer_seats(ctx: Context, group: Group) -> None:
    now = ctx.services.clock.now()
    for offered in await enrolment.offer_free_seats(ctx.tx, group, now, ctx.services.joining):
        await queue_offer(ctx.tx, ctx.catalogues, offered, group)


async def offer_pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    answer, _sep, membership_id = payload.partition(":")
    membership = await _mine(ctx, membership_id)
    group = await ctx.tx.groups.get(membership.group_id) if membership else None
    if membership is None or group is None:
        return [Reply(_("That button is no longer in use."))]
    now = ctx.services.clock.now()
    if answer == "no":
        if membership.status is MembershipStatus.WAITING:
            await enrolment.leave(ctx.tx, membership)
            await offer_seats(ctx, group)
        return [Reply(_("Alright, I gave the place to the next person. Take care!"))]
    result = await enrolment.take_offer(ctx.tx, membership, now)
    if result is enrolment.OfferAnswer.EXPIRED:
        return [Reply(_("Sorry, the time to take this place has run out."))]
    if result is enrolment.OfferAnswer.NOT_OFFERED:
        return [Reply(_("That button is no longer in use."))]
    ctx.person.active_group_id = group.id
    await notify_staff(
        ctx.tx, ctx.catalogues, group, N_("{name} joined the group."), name=membership.pseudonym
    )
    return [Reply(await welcome(ctx, group, membership.pseudonym, ctx.language, now))]


async def choose_group(ctx: Context, args: str) -> list[Reply]:
    """Which group free text goes to, for someone in several."""
    _ = ctx.t.gettext
    memberships = await ctx.tx.memberships.for_person(ctx.person.id)
    groups = await _groups_of(ctx, memberships)
    open_ones = relay_groups(memberships, groups)
    if not open_ones:
        return [Reply(_("You are not in any group."))]
    rows = tuple(
        (Button(groups[m.group_id].name, f"{CHOOSE_PREFIX}:{m.group_id}"),) for m in open_ones
    )
    return [Reply(_("Which group should your messages go to?"), buttons=rows)]


async def group_pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    memberships = await ctx.tx.memberships.for_person(ctx.person.id)
    groups = await _groups_of(ctx, memberships)
    chosen = [m for m in relay_groups(memberships, groups) if str(m.group_id) == payload]
    if not chosen:
        return [Reply(_("That button is no longer in use."))]
    ctx.person.active_group_id = chosen[0].group_id
    return [
        Reply(
            _(
                "Your messages now go to {group}. Write again what you wanted to say.",
                group=groups[chosen[0].group_id].name,
            )
        )
    ]


COMMANDS = [
    Command({"en": "leave", "fi": "poistu", "sv": "lamna"}, N_("leave a group"), leave),
    Command(
        {"en": "group", "fi": "ryhma", "sv": "grupp"},
        N_("choose which group your messages go to"),
        choose_group,
    ),
]
BUTTONS = [
    ButtonRoute(LEAVE_PREFIX, leave_pressed),
    ButtonRoute(OFFER_PREFIX, offer_pressed),
    ButtonRoute(CHOOSE_PREFIX, group_pressed),
]
