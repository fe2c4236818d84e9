"""Answering the self-assessment: each press keeps one answer (or a skip) and brings the next
item still open, until all are done."""

from __future__ import annotations

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.ports import Button
from groups import self_assessment
from groups.attendance import note_presence
from storage.models import MembershipStatus

NO_LONGER = "That button is no longer in use."


async def pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    parts = payload.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return [Reply(_(NO_LONGER))]
    session_id, index, choice = int(parts[0]), int(parts[1]), parts[2]
    session = (await ctx.tx.schedule.sessions_by_id([session_id])).get(session_id)
    group = await ctx.tx.groups.get(session.group_id) if session is not None else None
    membership = await ctx.tx.memberships.find(group.id, ctx.person.id) if group else None
    programme = (
        await ctx.services.snapshots.get(ctx.tx, group.programme_snapshot_id) if group else None
    )
    questionnaire = programme.questionnaire if programme is not None else None
    if (
        session is None
        or group is None
        or membership is None
        or membership.status is not MembershipStatus.ACTIVE
        or questionnaire is None
        or session.number not in questionnaire.asked
        or not 0 <= index < len(questionnaire.items)
    ):
        return [Reply(_(NO_LONGER))]
    values = {str(point.value): point.value for point in questionnaire.scale}
    if choice != self_assessment.SKIP and choice not in values:
        return [Reply(_(NO_LONGER))]
    following = await self_assessment.answer(
        ctx.tx, membership, session, questionnaire, index, values.get(choice)
    )
    await note_presence(ctx.tx, group, membership, ctx.services.clock.now())
    if following is None:
        done = _(
            self_assessment.DONE, mydata=ctx.command("mydata"), forgetme=ctx.command("forgetme")
        )
        return [Reply(done)]
    asked = self_assessment.question(ctx.t, questionnaire, session, following, group.language)
    rows = tuple(tuple(Button(b.label, b.data) for b in row) for row in asked.buttons)
    return [Reply(asked.text, buttons=rows)]


COMMANDS: list[Command] = []
BUTTONS = [ButtonRoute(self_assessment.PREFIX, pressed)]
