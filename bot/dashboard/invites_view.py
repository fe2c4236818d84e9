"""Invite codes on the dashboard: the group's codes (by their first letters: the code itself
is never stored), a new code with its join link and a QR code for posters, and revoking.

A new code is shown once, on the page that made it; the QR code is drawn by segno as SVG,
inline on that page and as a file to download for printing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import segno
from aiohttp import web
from markupsafe import Markup

from bot.commands.group_target import Refusal, resolve
from bot.commands.reach import when_local
from bot.dashboard.auth import Staff, forbidden, page, redirect, signed_in
from bot.i18n import N_
from groups.invites import create_invite, looks_like_code, normalise_code, problem_with, revoke
from storage.models import Group

MAX_DAYS = 365
PROBLEM_NAMES = {
    "revoked": N_("revoked"),
    "expired": N_("expired"),
    "used_up": N_("used up"),
    "group_closed": N_("group closed"),
    "unknown": N_("unknown"),
}


@dataclass(frozen=True, slots=True)
class InviteRow:
    id: int
    hint: str
    created: str
    expires: str | None
    uses: int
    max_uses: int | None
    state: str | None
    usable: bool


async def invite_rows(staff: Staff, group: Group) -> list[InviteRow]:
    now = staff.dash.clock.now()
    rows = []
    for invite in await staff.tx.invites.for_group(group.id):
        problem = problem_with(invite, group, now)
        rows.append(
            InviteRow(
                id=invite.id,
                hint=invite.hint,
                created=when_local(staff.t.language, group, invite.created_at),
                expires=(
                    when_local(staff.t.language, group, invite.expires_at)
                    if invite.expires_at
                    else None
                ),
                uses=invite.uses,
                max_uses=invite.max_uses,
                state=staff.t.gettext(PROBLEM_NAMES[problem.value]) if problem else None,
                usable=problem is None,
            )
        )
    return rows


def join_link(staff: Staff, code: str) -> str:
    return f"{staff.dash.base_url}/j/{code}"


def qr_svg(link: str, title: str, *, scale: int) -> str:
    return str(
        segno.make(link, error="m").svg_inline(scale=scale, title=title, dark="#000", light="#fff")
    )


@signed_in
async def create(request: web.Request, staff: Staff) -> web.StreamResponse:
    group_id = request.match_info["group"]
    try:
        target = await resolve(staff.ctx, f"#{group_id}")
    except Refusal:
        return forbidden(request)
    days_text, uses_text = staff.form.get("days", "14"), staff.form.get("max_uses", "")
    days = int(days_text) if days_text.isdigit() and 0 < int(days_text) <= MAX_DAYS else 14
    max_uses = int(uses_text) if uses_text.isdigit() and int(uses_text) > 0 else None
    code, _invite = await create_invite(
        staff.tx,
        target.group,
        max_uses=max_uses,
        expires_at=staff.dash.clock.now() + timedelta(days=days),
        actor_person_id=staff.person.id,
        via="dashboard",
    )
    link = join_link(staff, code)
    return page(
        request,
        staff,
        "staff/invite_made.html",
        {
            "title": staff.t.gettext("New invite"),
            "section": "groups",
            "group": target.group,
            "code": code,
            "link": link,
            "days": days,
            "max_uses": max_uses,
            "qr": Markup(qr_svg(link, staff.t.gettext("QR code of the join link"), scale=5)),  # noqa: S704
        },
    )


@signed_in
async def revoke_invite(request: web.Request, staff: Staff) -> web.StreamResponse:
    group_id, invite_id = request.match_info["group"], request.match_info["invite"]
    try:
        target = await resolve(staff.ctx, f"#{group_id}")
    except Refusal:
        return forbidden(request)
    invite = await staff.tx.invites.get(int(invite_id))
    if invite is None or invite.group_id != target.group.id:
        return forbidden(request)
    if await revoke(staff.tx, invite, actor_person_id=staff.person.id, via="dashboard"):
        staff.note(staff.t.gettext("The invite {hint}… no longer works.", hint=invite.hint))
    return redirect(f"/staff/groups/{group_id}")


@signed_in
async def qr_file(request: web.Request, staff: Staff) -> web.StreamResponse:
    """The join link's QR code as an SVG file to print; only for a code of a group this
    person manages."""
    code = normalise_code(staff.form.get("code", ""))
    invite = await staff.tx.invites.find(code) if looks_like_code(code) else None
    if invite is None:
        return forbidden(request)
    try:
        await resolve(staff.ctx, f"#{invite.group_id}")
    except Refusal:
        return forbidden(request)
    svg = segno.make(join_link(staff, code), error="m")
    buffer = io.BytesIO()
    svg.save(buffer, kind="svg", scale=12, border=4, title="Piiri")
    return web.Response(
        body=buffer.getvalue(),
        content_type="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="piiri-invite-{invite.hint}.svg"'},
    )
