"""After the programme, in the chat: `/afterwards open|close` (or the buttons under the final
report) keeps the group as an open peer room or closes it; members answer whether they would
help a future group; `/helpers` shows the facilitators who offered (by pseudonym) with a button
to invite each to one of their groups as a peer supporter."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.group_target import Target, for_group, managed_groups
from bot.commands.join import join
from bot.i18n import N_
from bot.ports import Button
from groups import afterwards
from groups.invites import JOINABLE
from groups.lifecycle import GroupError, can_manage
from storage.models import Group, Membership, MembershipStatus
from storage.repositories import QueuedButton

NO_LONGER = N_("That button is no longer in use.")
HELPER_INVITE_PREFIX = "hi"
ACCEPT_PREFIX = "ah"
CHOICE_WORDS = {
    afterwards.OPEN_ROOM: {"open", "auki", "avoin", "öppen", "oppen"},
    afterwards.CLOSED: {"close", "closed", "sulje", "kiinni", "stäng", "stang"},
}
DONE = {
    afterwards.OPEN_ROOM: N_("{group} stays open as a peer room; members were told."),
    afterwards.CLOSED: N_("{group} is closed; members were told."),
}


async def _choose(ctx: Context, group: Group, choice: str) -> list[Reply]:
    _ = ctx.t.gettext
    try:
        changed = await afterwards.choose_after(
            ctx.tx,
            ctx.catalogues.translator,
            group,
            choice,
            actor_person_id=ctx.person.id,
            via="chat",
        )
    except GroupError as error:
        return [Reply(error.render(ctx.t))]
    if not changed:
        return [Reply(_("That was already chosen."))]
    return [Reply(_(DONE[choice], group=group.name))]


async def after(ctx: Context, target: Target) -> list[Reply]:
    word = target.args.strip().casefold()
    choice = next((c for c, words in CHOICE_WORDS.items() if word in words), None)
    if choice is None:
        return [
            Reply(
                ctx.t.gettext(
                    "After the last session, keep the group as an open peer room or close it: "
                    "{example}",
                    example=f"{ctx.command('afterwards')} open | close",
                )
            )
        ]
    return await _choose(ctx, target.group, choice)


async def _managed(ctx: Context, group_id: str) -> Group | None:
    group = await ctx.tx.groups.get(int(group_id)) if group_id.isdigit() else None
    if group is None:
        return None
    membership = await ctx.tx.memberships.find(group.id, ctx.person.id)
    return group if can_manage(ctx.person, membership) else None


async def after_pressed(ctx: Context, payload: str) -> list[Reply]:
    choice, _sep, group_id = payload.partition(":")
    group = await _managed(ctx, group_id)
    if group is None or choice not in afterwards.CHOICES:
        return [Reply(ctx.t.gettext(NO_LONGER))]
    return await _choose(ctx, group, choice)


async def volunteer_pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    answer, _sep, membership_id = payload.partition(":")
    membership = (
        await ctx.tx.memberships.get(int(membership_id)) if membership_id.isdigit() else None
    )
    if membership is None or membership.person_id != ctx.person.id or answer not in ("yes", "no"):
        return [Reply(_(NO_LONGER))]
    await afterwards.volunteer(ctx.tx, membership, answer == "yes", ctx.services.clock.now())
    if answer == "yes":
        return [
            Reply(
                _(
                    "Thank you! The facilitators now see your pseudonym on the list of people "
                    "who would like to help. If they invite you, I'll tell you here."
                )
            )
        ]
    return [Reply(_("Alright. Thank you for taking part!"))]


async def helpers(ctx: Context, args: str) -> list[Reply]:
    """The volunteers of every group this person runs, each with invite buttons."""
    _ = ctx.t.gettext
    groups = await managed_groups(ctx)
    if not groups:
        return [Reply(_("This command is for the group's facilitators."))]
    open_groups = [g for g in groups if g.status in JOINABLE]
    replies = []
    for group in groups:
        for helper in await ctx.tx.followup.volunteers(group.id):
            if helper.status is MembershipStatus.REMOVED or not helper.pseudonym:
                continue
            buttons = tuple(
                (
                    Button(
                        _("Invite to {group}", group=target.name),
                        f"{HELPER_INVITE_PREFIX}:{helper.id}:{target.id}",
                    ),
                )
                for target in open_groups
                if target.id != group.id
            )
            replies.append(Reply(f"{helper.pseudonym} ({group.name})", buttons=buttons))
    if not replies:
        return [Reply(_("Nobody has offered to help yet."))]
    heading = _("They would like to help a future group as peer supporters:")
    return [Reply(heading), *replies]


async def invite_pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    helper_id, _sep, group_id = payload.partition(":")
    helper = await ctx.tx.memberships.get(int(helper_id)) if helper_id.isdigit() else None
    target = await _managed(ctx, group_id)
    source = await _managed(ctx, str(helper.group_id)) if helper is not None else None
    if helper is None or target is None or source is None or target.status not in JOINABLE:
        return [Reply(_(NO_LONGER))]
    try:
        code = await afterwards.invite_helper(
            ctx.tx, helper, target, actor_person_id=ctx.person.id, now=ctx.services.clock.now()
        )
    except GroupError as error:
        return [Reply(error.render(ctx.t))]
    if not await _tell_helper(ctx, helper, source, target, code):
        return [Reply(_("I can't reach {name} privately.", name=helper.pseudonym))]
    return [Reply(_("Invitation sent to {name}.", name=helper.pseudonym))]


async def _tell_helper(
    ctx: Context, helper: Membership, source: Group, target: Group, code: str
) -> bool:
    person = await ctx.tx.persons.get(helper.person_id)
    chat = ctx.tx.persons.dm_chat(person) if person else None
    if person is None or chat is None:
        return False
    t = ctx.catalogues.translator(person.language or helper.language or source.language)
    text = t.gettext(
        "The facilitators of {old} invite you to help in a new group, {new}, as a peer "
        "supporter. You'll choose a pseudonym there: a new one, or write {name} to keep yours.",
        old=source.name,
        new=target.name,
        name=helper.pseudonym,
    )
    label = t.gettext(N_("Join as a peer supporter"))
    button = [[QueuedButton(label, f"{ACCEPT_PREFIX}:{code}")]]
    await ctx.tx.outbox.enqueue(person.transport, chat, text, buttons=button)
    return True


async def accept_pressed(ctx: Context, payload: str) -> list[Reply]:
    """The invited volunteer starts the ordinary join flow with their peer-supporter code."""
    return await join(ctx, payload)


COMMANDS = [
    Command(
        dict(afterwards.COMMAND_NAMES),
        N_("after the last session: keep the group open as a peer room, or close it"),
        for_group(after),
        staff=True,
    ),
    Command(
        {"en": "helpers", "fi": "vertaistukijat", "sv": "stodpersoner"},
        N_("members who would like to help a future group; invite them"),
        helpers,
        staff=True,
    ),
]
BUTTONS = [
    ButtonRoute(afterwards.AFTER_PREFIX, after_pressed),
    ButtonRoute(afterwards.VOLUNTEER_PREFIX, volunteer_pressed),
    ButtonRoute(HELPER_INVITE_PREFIX, invite_pressed),
    ButtonRoute(ACCEPT_PREFIX, accept_pressed),
]
