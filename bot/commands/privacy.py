"""A person's own data: /mydata sends everything Piiri keeps about them as a JSON file, and
/forgetme erases them after they confirm."""

from __future__ import annotations

import json

from bot.commands import ButtonRoute, Command, Context, Reply
from bot.commands.membership import offer_seats
from bot.commands.reach import notify_staff
from bot.i18n import N_
from bot.ports import Attachment, Button
from groups import erasure

FORGET_PREFIX = "fg"


async def my_data(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not ctx.event.is_private:
        return [Reply(_("Ask me for your data in a private chat."))]
    data = await erasure.export(ctx.tx, ctx.person)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return [
        Reply(
            _(
                "Here is everything I keep about you. Message texts are deleted after {days} "
                "days; {forgetme} erases everything now.",
                days=ctx.services.retention_days,
                forgetme=ctx.command("forgetme"),
            ),
            attachment=Attachment("piiri-my-data.json", "application/json", body),
        )
    ]


async def forget_me(ctx: Context, args: str) -> list[Reply]:
    _ = ctx.t.gettext
    if not ctx.event.is_private:
        return [Reply(_("Ask me to forget you in a private chat."))]
    return [
        Reply(
            _(
                "Erase everything about you? Your pseudonyms and messages are removed, you "
                "leave your groups, and the copies others got become a note. This cannot be "
                "undone."
            ),
            buttons=(
                (
                    Button(_("Yes, erase me"), f"{FORGET_PREFIX}:yes"),
                    Button(_("No, keep"), f"{FORGET_PREFIX}:no"),
                ),
            ),
        )
    ]


async def forget_pressed(ctx: Context, payload: str) -> list[Reply]:
    _ = ctx.t.gettext
    if payload != "yes":
        return [Reply(_("Alright, nothing was erased."))]
    goodbye = _("Done: I have erased you. If you write to me again, I will not know you.")
    freed = await erasure.erase(
        ctx.tx, ctx.person, ctx.catalogues.translator, ctx.services.clock.now()
    )
    for group in freed:
        await notify_staff(ctx.tx, ctx.catalogues, group, N_("A member left the group."))
        await offer_seats(ctx, group)
    return [Reply(goodbye)]


COMMANDS = [
    Command(
        {"en": "mydata", "fi": "omattiedot", "sv": "minadata"},
        N_("what Piiri keeps about you"),
        my_data,
    ),
    Command(
        {"en": "forgetme", "fi": "unohdaminut", "sv": "glommig"},
        N_("erase everything about you"),
        forget_me,
    ),
]
BUTTONS = [ButtonRoute(FORGET_PREFIX, forget_pressed)]
