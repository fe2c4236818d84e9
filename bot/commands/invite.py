"""`/invite`: a facilitator makes an invite code for their group from the chat."""

from __future__ import annotations

from datetime import timedelta

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.group_target import Target, for_group
from bot.i18n import N_
from groups.invites import create_invite, deep_link

# A code made in the chat lasts this long unless the facilitator says otherwise.
DEFAULT_DAYS = 14


async def invite(ctx: Context, target: Target) -> list[Reply]:
    _ = ctx.t.gettext
    days = int(target.args) if target.args.isdigit() and 0 < int(target.args) <= 365 else None
    if target.args and days is None:
        return [
            Reply(_("Write {invite} or {invite} DAYS (1 to 365).", invite=ctx.command("invite")))
        ]
    valid = timedelta(days=days or DEFAULT_DAYS)
    code, _made = await create_invite(
        ctx.tx,
        target.group,
        max_uses=None,
        expires_at=ctx.services.clock.now() + valid,
        actor_person_id=ctx.person.id,
        via="chat",
    )
    lines = [
        _(
            "A new invite to {group}, valid for {days} days:",
            group=target.group.name,
            days=valid.days,
        )
    ]
    link = deep_link(ctx.services.bot_username, code)
    if link:
        lines.append(link)
    lines.append(_("Or write to me privately: {join} {code}", join=ctx.command("join"), code=code))
    return [Reply("\n".join(lines))]


COMMANDS = [
    Command(
        {"en": "invite", "fi": "kutsu", "sv": "bjudin"},
        N_("a new invite code for your group"),
        for_group(invite),
        staff=True,
    ),
]
BUTTONS: list[ButtonRoute] = []
