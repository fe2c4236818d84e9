"""Answering the feedback question: a press of 1–5 on the closing prompt, then, if the member
wants, a one-line comment as their next message (screened like any message)."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.crisis_reply import crisis_help
from bot.ports import Button, ChatRef
from groups import feedback
from groups.attendance import note_presence
from groups.private_text import Origin, screen_private
from storage.models import Group, GroupSession, Membership, MembershipStatus

NO_LONGER = "That button is no longer in use."


async def _member_of(ctx: Context, group_id: int) -> tuple[Group, Membership] | None:
    membership = await ctx.tx.memberships.find(group_id, ctx.person.id)
    group = await ctx.tx.groups.get(group_id)
    if membership is None or group is None or membership.status is not MembershipStatus.ACTIVE:
        return None
    return group, membership


async def pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    first, _sep, rest = payload.partition(":")
    if first == "skip":
        return await _skip(ctx, rest)
    session = (
        (await ctx.tx.schedule.sessions_by_id([int(first)])).get(int(first))
        if first.isdigit()
        else None
    )
    found = await _member_of(ctx, session.group_id) if session is not None else None
    if session is None or found is None or not rest.isdigit() or int(rest) not in feedback.SCALE:
        return [Reply(_(NO_LONGER))]
    return await _rated(ctx, session, *found, int(rest))


async def _rated(
    ctx: Context, session: GroupSession, group: Group, membership: Membership, value: int
) -> list[Reply]:
    _ = ctx.t.gettext
    now = ctx.services.clock.now()
    rated = await feedback.record_rating(ctx.tx, membership, session, value, now)
    await note_presence(ctx.tx, group, membership, now)
    skip = Button(_(feedback.SKIP), f"{feedback.PREFIX}:skip:{rated.response.id}")
    if ctx.event.is_private:
        return [Reply(_(feedback.ASK_COMMENT), buttons=((skip,),))]
    # Pressed in the group's room (room mode): the offer to comment goes to them privately,
    # so the room does not learn who answered.
    dm = ctx.tx.persons.dm_chat(ctx.person)
    if dm is None:
        feedback.stop_waiting(rated.response)
        return []
    chat = ChatRef(ctx.event.transport, dm)
    return [Reply(_(feedback.ASK_COMMENT), buttons=((skip,),), chat=chat)]


async def _skip(ctx: Context, response_id: str) -> list[Reply]:
    _ = ctx.t.gettext
    memberships = {m.id for m in await ctx.memberships()}
    response = await ctx.tx.surveys.get(int(response_id)) if response_id.isdigit() else None
    if response is None or response.membership_id not in memberships:
        return [Reply(_(NO_LONGER))]
    feedback.stop_waiting(response)
    return [Reply(_("Alright. Thank you for your answer!"))]


async def take_comment(ctx: Context) -> list[Reply] | None:
    """The member's text as the comment Piiri asked for; None when none is awaited."""
    event = ctx.event
    if event.text is None or event.media is not None or event.message_id is None:
        return None
    now = ctx.services.clock.now()
    memberships = await ctx.memberships()
    response = await ctx.tx.followup.awaiting_comment([m.id for m in memberships], now)
    if response is None:
        return None
    feedback.stop_waiting(response)
    membership = next(m for m in memberships if m.id == response.membership_id)
    group = (await ctx.membership_groups()).get(membership.group_id)
    if group is None:
        return None
    text = feedback.one_line(event.text)
    screened = await screen_private(
        ctx.tx,
        group=group,
        author=membership,
        text=text,
        origin=Origin(event.transport, event.chat.chat_id, event.message_id),
        now=now,
        screen=ctx.services.screen,
        texts_for=ctx.catalogues.translator,
        escalation=ctx.services.escalation,
    )
    await note_presence(ctx.tx, group, membership, now)
    help_now = crisis_help(ctx, screened.verdict, held=not screened.kept)
    if not screened.kept:
        return help_now or [
            Reply(
                ctx.t.gettext(
                    "I kept your answer, but not the comment: a moderator will look at it first."
                )
            )
        ]
    response.comment = text
    return [*help_now, Reply(ctx.t.gettext("Thank you, your comment was saved."))]


BUTTONS = [ButtonRoute(feedback.PREFIX, pressed)]
COMMANDS: list[Command] = []
