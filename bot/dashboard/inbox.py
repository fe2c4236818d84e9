"""A staff member's dashboard inbox: what Piiri sends them privately (alerts, a member's
answers in a private contact, notices to facilitators) waits in the outbox under their
dashboard chat (`accounts.inbox_chat`) until they mark it read; nothing else sends it.

A member's answer can be answered from here: it goes through `/msg` like in the chat."""

from __future__ import annotations

from aiohttp import web

from bot.commands.private_contact import message_member
from bot.dashboard.acting import run
from bot.dashboard.auth import Staff, forbidden, page, redirect, signed_in
from bot.dashboard.inbox_store import rows, unread
from bot.i18n import N_
from storage.models import OutboxMessage

MESSAGES = "/staff/messages"
TEXT_NEEDED = N_("Write the message first.")


@signed_in
async def messages_page(request: web.Request, staff: Staff) -> web.StreamResponse:
    return page(
        request,
        staff,
        "staff/messages.html",
        {
            "title": staff.t.gettext("Messages to you"),
            "section": "messages",
            "messages": await rows(staff.tx, staff.person),
        },
    )


async def _mine(staff: Staff, row_id: str) -> OutboxMessage | None:
    waiting = await unread(staff.tx, staff.person)
    return next((row for row in waiting if str(row.id) == row_id), None)


@signed_in
async def mark_read(request: web.Request, staff: Staff) -> web.StreamResponse:
    which = request.match_info["message"]
    targets = (
        await unread(staff.tx, staff.person)
        if which == "all"
        else [row for row in [await _mine(staff, which)] if row is not None]
    )
    if not targets:
        return forbidden(request)
    for row in targets:
        await staff.tx.outbox.mark_sent(row.id, None)
    return redirect(MESSAGES)


@signed_in
async def reply(request: web.Request, staff: Staff) -> web.StreamResponse:
    row = await _mine(staff, request.match_info["message"])
    item_id = await staff.tx.staff_accounts.contact_item_of(row.id) if row else None
    if row is None or item_id is None:
        return forbidden(request)
    text = " ".join(staff.form.get("text", "").split())[:1000]
    if not text:
        staff.note(staff.t.gettext(TEXT_NEEDED), "error")
        return redirect(MESSAGES)
    for answer in await run(staff.ctx, message_member, f"{item_id} {text}"):
        staff.note(answer)
    await staff.tx.outbox.mark_sent(row.id, None)
    return redirect(MESSAGES)
