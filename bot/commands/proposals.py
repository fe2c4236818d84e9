"""`/propose TEXT`: a member proposes a topic or question for a coming session, screened like
a message; `/proposals`: the facilitators see the open ones (without names) and add one to the
next session as a prompt, or dismiss it."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.crisis_reply import crisis_help
from bot.commands.group_target import Target, for_group, when
from bot.i18n import N_
from bot.ports import Button
from groups import proposals
from groups.fanout import send_each, staff_recipients
from groups.lifecycle import GroupError, can_manage
from groups.private_text import Origin, screen_private
from groups.relay import relay_groups
from storage.models import Group, Membership, Priority, Proposal

NO_LONGER = N_("That button is no longer in use.")
PROPOSED = N_(
    "A member proposed a topic for a coming session: «{text}». {proposals} shows the proposals."
)


async def _group_of(ctx: Context) -> tuple[Group, Membership] | None:
    memberships, groups = await ctx.memberships(), await ctx.membership_groups()
    candidates = relay_groups(memberships, groups) or [
        m for m in memberships if m.group_id in groups
    ]
    chosen = [m for m in candidates if m.group_id == ctx.person.active_group_id] or candidates
    return (groups[chosen[0].group_id], chosen[0]) if chosen else None


async def propose(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    text = " ".join(args.split())
    if not ctx.event.is_private:
        return [Reply(_("Send your proposal to me in a private chat."))]
    if not text:
        example = ctx.command("propose") + " " + _("How do you say no kindly?")
        return [
            Reply(_("Write your topic or question after the command: {example}", example=example))
        ]
    if len(text) > proposals.MAX_TEXT:
        return [Reply(_("Keep it under {limit} characters.", limit=proposals.MAX_TEXT))]
    found = await _group_of(ctx)
    event = ctx.event
    if found is None or event.message_id is None:
        return [Reply(_("You can propose topics in a group you are in."))]
    group, membership = found
    screened = await screen_private(
        ctx.tx,
        group=group,
        author=membership,
        text=text,
        origin=Origin(event.transport, event.chat.chat_id, event.message_id),
        now=ctx.services.clock.now(),
        screen=ctx.services.screen,
        texts_for=ctx.catalogues.translator,
        escalation=ctx.services.escalation,
    )
    status = proposals.OPEN if screened.kept else proposals.HELD
    await ctx.tx.followup.add_proposal(group.id, membership.id, text, status)
    help_now = crisis_help(ctx, screened.verdict, held=not screened.kept)
    if not screened.kept:
        return help_now or [
            Reply(_("Your proposal waits for a moderator to look at it before the facilitators."))
        ]
    await send_each(
        ctx.tx,
        await staff_recipients(ctx.tx, group),
        lambda r: ctx.catalogues.translator(r.language).gettext(
            PROPOSED, text=text, proposals=ctx.command("proposals", r.language)
        ),
        priority=Priority.ROUTINE,
        notice=True,
    )
    return [
        *help_now,
        Reply(_("Thank you! The facilitators see your proposal, without your name.")),
    ]


async def show(ctx: Context, target: Target) -> list[Reply]:
    _ = ctx.t.gettext
    found = await ctx.tx.followup.proposals(target.group.id)
    if not found:
        return [Reply(_("No open proposals in {group}.", group=target.group.name))]
    coming = proposals.next_session(
        await ctx.tx.schedule.sessions(target.group.id), ctx.services.clock.now()
    )
    replies = [Reply(_("Proposals from members of {group}:", group=target.group.name))]
    for proposal in found:
        row = [Button(_("Dismiss"), f"{proposals.PREFIX}:x:{proposal.id}")]
        if coming is not None:
            label = _("Add to session {number}", number=coming.number)
            row.insert(0, Button(label, f"{proposals.PREFIX}:add:{proposal.id}"))
        replies.append(Reply(f"#{proposal.id} {proposal.text}", buttons=(tuple(row),)))
    return replies


async def _managed(ctx: Context, proposal_id: str) -> tuple[Group, Proposal] | None:
    proposal = await ctx.tx.followup.proposal(int(proposal_id)) if proposal_id.isdigit() else None
    group = await ctx.tx.groups.get(proposal.group_id) if proposal is not None else None
    if proposal is None or group is None:
        return None
    membership = await ctx.tx.memberships.find(group.id, ctx.person.id)
    return (group, proposal) if can_manage(ctx.person, membership) else None


async def pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    action, _sep, proposal_id = payload.partition(":")
    found = await _managed(ctx, proposal_id)
    if found is None or action not in ("add", "x"):
        return [Reply(_(NO_LONGER))]
    group, proposal = found
    now = ctx.services.clock.now()
    try:
        if action == "x":
            await proposals.dismiss(ctx.tx, group, proposal, actor_person_id=ctx.person.id)
            return [Reply(_("Dismissed."))]
        session = proposals.next_session(await ctx.tx.schedule.sessions(group.id), now)
        if session is None:
            raise GroupError(N_("The group has no coming session to add it to."))
        due = await proposals.add_to_session(
            ctx.tx, group, proposal, session, actor_person_id=ctx.person.id, now=now
        )
    except GroupError as error:
        return [Reply(error.render(ctx.t))]
    programme = await ctx.services.snapshots.get(ctx.tx, group.programme_snapshot_id)
    at = when(ctx, Target(group, programme, ""), due) if programme else ""
    return [
        Reply(_("Added to session {number}: it is posted {when}.", number=session.number, when=at))
    ]


COMMANDS = [
    Command(
        {"en": "propose", "fi": "ehdota", "sv": "foresla"},
        N_("propose a topic or question for a coming session"),
        propose,
    ),
    Command(
        {"en": "proposals", "fi": "ehdotukset", "sv": "forslag"},
        N_("members' proposals; add one to the next session"),
        for_group(show),
        staff=True,
    ),
]
BUTTONS = [ButtonRoute(proposals.PREFIX, pressed)]
