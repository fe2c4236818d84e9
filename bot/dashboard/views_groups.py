"""Groups: create one from a programme, its schedule (skip, reschedule, pause, resume), a
session's prompts before they are posted, an announcement, and the roster by pseudonym.

Each change runs the facilitator command's own handler (`/newgroup`, `/skip`, `/reschedule`,
`/pause`, `/resume`, `/announce`, `/preview`), which resolves the group and checks the role
(`bot.commands.group_target`): a facilitator of one group cannot touch another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from aiohttp import web

from bot.commands.facilitator import (
    SESSION_STATUS_NAMES,
    announce,
    pause,
    preview,
    reschedule,
    resume,
    skip,
)
from bot.commands.group_target import Refusal, Target, for_group, managed_groups, resolve, when
from bot.commands.newgroup import MODES, start_group
from bot.dashboard.acting import run
from bot.dashboard.auth import Staff, forbidden, page, redirect, signed_in
from bot.dashboard.invites_view import invite_rows
from bot.i18n import LANGUAGE_NAMES, N_
from groups.enrolment import SEAT_ROLES
from groups.lifecycle import STATUS_NAMES, GroupError
from groups.names import display_name
from groups.planning import NewGroup
from groups.schedule import Series
from groups.timezones import utc_to_local
from storage.models import GroupStatus, MembershipStatus, Role, SessionStatus

ROLE_NAMES = {
    Role.PARTICIPANT: N_("participant"),
    Role.PEER_SUPPORTER: N_("peer supporter"),
    Role.FACILITATOR: N_("facilitator"),
    Role.MODERATOR: N_("moderator"),
}
MEMBER_STATUS_NAMES = {
    MembershipStatus.ACTIVE: N_("in the group"),
    MembershipStatus.WAITING: N_("on the waiting list"),
    MembershipStatus.LEFT: N_("left"),
    MembershipStatus.REMOVED: N_("removed"),
}
BAD_DATE = N_("Give the date and time as on the form.")


@dataclass(frozen=True, slots=True)
class GroupRow:
    id: int
    name: str
    status: str
    programme: str
    members: int
    next_session: str | None


@dataclass(frozen=True, slots=True)
class SessionRow:
    number: int
    title: str
    when: str
    day: str
    at: str
    status: str
    upcoming: bool


@dataclass(frozen=True, slots=True)
class MemberRow:
    name: str
    role: str
    status: str


async def _target(staff: Staff, group_id: str) -> Target | None:
    try:
        return await resolve(staff.ctx, f"#{group_id}")
    except Refusal:
        return None


@signed_in
async def groups_page(request: web.Request, staff: Staff) -> web.StreamResponse:
    if not (staff.nav or {}).get("groups"):
        return forbidden(request)
    rows = []
    now = staff.dash.clock.now()
    for group in await managed_groups(staff.ctx):
        target = await _target(staff, str(group.id))
        if target is None:
            continue
        members = await staff.tx.memberships.for_group(group.id)
        upcoming = [
            s
            for s in await staff.tx.schedule.sessions(group.id)
            if s.status is SessionStatus.SCHEDULED and s.starts_at > now
        ]
        rows.append(
            GroupRow(
                id=group.id,
                name=group.name,
                status=staff.t.gettext(STATUS_NAMES[group.status]),
                programme=target.programme.title.get(staff.t.language, group.language),
                members=sum(1 for m in members if m.role in SEAT_ROLES),
                next_session=when(staff.ctx, target, upcoming[0].starts_at) if upcoming else None,
            )
        )
    programmes = [
        (entry.programme.key, entry.programme.title.get(staff.t.language))
        for entry in staff.dash.services.programmes.all()
    ]
    return page(
        request,
        staff,
        "staff/groups.html",
        {
            "title": staff.t.gettext("Groups"),
            "section": "groups",
            "groups": rows,
            "programmes": programmes,
            "languages": LANGUAGE_NAMES,
            "default_language": staff.t.language,
        },
    )


@signed_in
async def create(request: web.Request, staff: Staff) -> web.StreamResponse:
    if not (staff.nav or {}).get("groups"):
        return forbidden(request)
    form = staff.form
    programme = staff.dash.services.programmes.get(form.get("programme", ""))
    language = form.get("language", "fi")
    mode = MODES.get(form.get("mode", "relay"))
    try:
        first = date.fromisoformat(form.get("date", ""))
        at = time.fromisoformat(form.get("time", "")[:5])
    except ValueError:
        staff.note(staff.t.gettext(BAD_DATE), "error")
        return redirect("/staff/groups")
    if programme is None or mode is None or language not in LANGUAGE_NAMES:
        return forbidden(request)
    try:
        group = await start_group(
            staff.ctx,
            NewGroup(
                form.get("name", ""),
                programme,
                Series(first, at, staff.dash.services.default_timezone),
                language=language,
                mode=mode,
            ),
            via="dashboard",
        )
    except GroupError as error:
        staff.note(error.render(staff.t), "error")
        return redirect("/staff/groups")
    staff.note(staff.t.gettext("Group “{name}” is ready.", name=group.name))
    return redirect(f"/staff/groups/{group.id}")


@signed_in
async def group_page(request: web.Request, staff: Staff) -> web.StreamResponse:
    target = await _target(staff, request.match_info["group"])
    if target is None:
        return forbidden(request)
    group, programme = target.group, target.programme
    now = staff.dash.clock.now()
    sessions = []
    for session in await staff.tx.schedule.sessions(group.id):
        plan = programme.session(session.number)
        local = when(staff.ctx, target, session.starts_at)
        moment = utc_to_local(session.starts_at, group.timezone)
        sessions.append(
            SessionRow(
                number=session.number,
                title=plan.title.get(staff.t.language, group.language) if plan else "",
                when=local,
                day=moment.date().isoformat(),
                at=moment.strftime("%H:%M"),
                status=staff.t.gettext(SESSION_STATUS_NAMES[session.status]),
                upcoming=session.status is SessionStatus.SCHEDULED and session.starts_at > now,
            )
        )
    everyone = await staff.tx.memberships.for_group(group.id, statuses=tuple(MembershipStatus))
    roster = [
        MemberRow(
            name=display_name(staff.t, m),
            role=staff.t.gettext(ROLE_NAMES[m.role]),
            status=staff.t.gettext(MEMBER_STATUS_NAMES[m.status]),
        )
        for m in everyone
    ]
    return page(
        request,
        staff,
        "staff/group.html",
        {
            "title": group.name,
            "section": "groups",
            "group": group,
            "status": staff.t.gettext(STATUS_NAMES[group.status]),
            "programme": programme.title.get(staff.t.language, group.language),
            "sessions": sessions,
            "roster": roster,
            "paused": group.status is GroupStatus.PAUSED,
            "invites": await invite_rows(staff, group),
            "join_base": f"{staff.dash.base_url}/j/",
        },
    )


@signed_in
async def preview_page(request: web.Request, staff: Staff) -> web.StreamResponse:
    group_id, number = request.match_info["group"], request.match_info["number"]
    target = await _target(staff, group_id)
    if target is None:
        return forbidden(request)
    texts = await run(staff.ctx, for_group(preview), f"#{group_id} {number}")
    return page(
        request,
        staff,
        "staff/preview.html",
        {
            "title": staff.t.gettext("Session {number}", number=number),
            "section": "groups",
            "group": target.group,
            "texts": texts,
        },
    )


ACTIONS = {
    "skip": for_group(skip),
    "reschedule": for_group(reschedule),
    "pause": for_group(pause),
    "resume": for_group(resume),
    "announce": for_group(announce),
}


@signed_in
async def act(request: web.Request, staff: Staff) -> web.StreamResponse:
    group_id, action = request.match_info["group"], request.match_info["action"]
    handler = ACTIONS.get(action)
    if handler is None:
        raise web.HTTPNotFound()
    if await _target(staff, group_id) is None:
        return forbidden(request)
    form = staff.form
    number = form.get("session", "")
    args = {
        "skip": number,
        "reschedule": f"{number} {form.get('date', '')} {form.get('time', '')[:5]}",
        "pause": "",
        "resume": "",
        "announce": form.get("text", ""),
    }[action]
    for text in await run(staff.ctx, handler, f"#{group_id} {args}".strip()):
        staff.note(text)
    return redirect(f"/staff/groups/{group_id}")
