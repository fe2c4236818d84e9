"""The review queue: open items with the chat's own actions, updated live.

Each action runs the handler behind the same chat button or command (`/ack`, the alert's
Release and Remove, `/queue`'s Resolved and Dismiss, `/warn`, `/mute`, `/kick`, `/msg`,
`/reveal`), so the role checks, the escalation stopping, the notices to the other alert
places and the audit entries are those of the chat.

The page listens to `/staff/queue/live` (server-sent events): every `live_seconds` the
server reads this person's queue and, when it changed, sends the list again as HTML.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re

import aiohttp_jinja2
from aiohttp import web

from bot.commands import CommandHandler, Context
from bot.commands.private_contact import message_member
from bot.commands.review_queue import alert_pressed, queue_pressed
from bot.commands.sanctions import mute, remove_member, reveal, warn
from bot.commands.staff_access import moderates
from bot.dashboard.accounts import current_session
from bot.dashboard.acting import command_context, run
from bot.dashboard.auth import COOKIE, Staff, csrf_for, forbidden, page, redirect, signed_in
from bot.dashboard.inbox_store import rows as inbox_rows
from bot.dashboard.queue_view import open_items, signature
from bot.dashboard.runtime import DASHBOARD
from bot.i18n import N_
from bot.logs import get_logger
from bot.web.templating import LANGUAGE, request_language

log = get_logger(__name__)

QUEUE = "/staff/queue"
MUTE_LENGTHS = ("1h", "24h", "3d", "7d")
HEARTBEAT_SECONDS = 15.0
REASON_NEEDED = N_("Write a reason first.")
TEXT_NEEDED = N_("Write the message first.")

# action → (handler, how its argument is made from the item and the form)
BUTTONS: dict[str, tuple[CommandHandler, str]] = {
    "ack": (alert_pressed, "a:{id}"),
    "release": (alert_pressed, "r:{id}"),
    "remove": (alert_pressed, "x:{id}"),
    "resolve": (queue_pressed, "d:{id}"),
    "dismiss": (queue_pressed, "n:{id}"),
}
WITH_TEXT: dict[str, CommandHandler] = {
    "warn": warn,
    "mute": mute,
    "kick": remove_member,
    "message": message_member,
    "reveal": reveal,
}
_ONE_LINE = re.compile(r"\s+")


@signed_in
async def queue_page(request: web.Request, staff: Staff) -> web.StreamResponse:
    if not staff.nav or not staff.nav["queue"]:
        return forbidden(request)
    items = await open_items(staff.ctx)
    messages = await inbox_rows(staff.tx, staff.person, alerts=False)
    return page(
        request,
        staff,
        "staff/queue.html",
        {
            "title": staff.t.gettext("Review queue"),
            "section": "queue",
            "items": items,
            "messages": messages,
            "mute_lengths": MUTE_LENGTHS,
        },
    )


@signed_in
async def act(request: web.Request, staff: Staff) -> web.StreamResponse:
    action = request.match_info["action"]
    item_id = request.match_info["item"]
    if not item_id.isdigit() or not await moderates(staff.ctx):
        return forbidden(request)
    if action in BUTTONS:
        handler, payload = BUTTONS[action]
        texts = await run(staff.ctx, handler, payload.format(id=item_id))
    elif action in WITH_TEXT:
        words = _ONE_LINE.sub(" ", staff.form.get("text", "")).strip()[:1000]
        if action in ("reveal", "message") and not words:
            missing = TEXT_NEEDED if action == "message" else REASON_NEEDED
            staff.note(staff.t.gettext(missing))
            return redirect(QUEUE)
        if action == "mute":
            length = staff.form.get("length", "24h")
            words = f"{length if length in MUTE_LENGTHS else '24h'} {words}".strip()
        texts = await run(staff.ctx, WITH_TEXT[action], f"{item_id} {words}".strip())
    else:
        raise web.HTTPNotFound()
    log.info("dashboard.review_action", action=action)
    for text in texts:
        staff.note(text, "reveal" if action == "reveal" else "ok")
    return redirect(QUEUE)


async def live(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the queue's HTML whenever it changes, for as long as the session
    lives."""
    dash = request.app[DASHBOARD]
    token = request.cookies.get(COOKIE, "")
    async with dash.store.transaction() as tx:
        found = await current_session(tx, token, dash.clock.now(), dash.policy) if token else None
        allowed = found is not None and await moderates(
            command_context(dash, tx, found[1], dash.catalogues.translator("en"))
        )
    if found is None or not allowed:
        return forbidden(request)
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
    )
    last = None
    idle = 0.0
    try:
        await response.prepare(request)
        while True:
            fragment = await _fragment(request, token)
            if fragment is None:
                await response.write(b"event: ended\ndata: {}\n\n")
                break
            digest, data = fragment
            if digest != last:
                last = digest
                await response.write(f"event: queue\ndata: {data}\n\n".encode())
                idle = 0.0
            elif idle >= HEARTBEAT_SECONDS:
                await response.write(b": still here\n\n")
                idle = 0.0
            await asyncio.sleep(dash.live_seconds)
            idle += dash.live_seconds
    except ConnectionResetError:
        log.info("dashboard.live_closed")
    return response


async def _fragment(request: web.Request, token: str) -> tuple[str, str] | None:
    """The queue list as this person sees it now, and a digest of it; None when the session
    is over."""
    dash = request.app[DASHBOARD]
    async with dash.store.transaction() as tx:
        found = await current_session(tx, token, dash.clock.now(), dash.policy)
        if found is None:
            return None
        _session, person = found
        if person.language is not None and dash.catalogues.supports(person.language):
            request[LANGUAGE] = person.language
        t = dash.catalogues.translator(request_language(request))
        ctx: Context = command_context(dash, tx, person, t)
        if not await moderates(ctx):
            return None
        items = await open_items(ctx)
        messages = await inbox_rows(tx, person, alerts=False)
    html = aiohttp_jinja2.render_string(
        "staff/queue_items.html",
        request,
        {
            "items": items,
            "messages": messages,
            "csrf": csrf_for(token),
            "mute_lengths": MUTE_LENGTHS,
        },
    )
    seen = signature(items) + "/" + ",".join(str(m.id) for m in messages)
    digest = hashlib.sha256(seen.encode()).hexdigest()
    newest = max((i.id for i in items if i.alerting and not i.acknowledged), default=0)
    payload = json.dumps({"html": html, "count": len(items), "newest_alert": newest})
    return digest, payload
