"""For admins: the audit trail with its hash chain checked, and the dashboard's staff
accounts (an admin adds facilitators and moderators, who set their own password through a
one-time link; an admin can unlock an account or give a new link)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aiohttp import web

from bot.dashboard.accounts import (
    TRANSPORT,
    make_account,
    normalise_username,
    valid_username,
    welcome_link,
)
from bot.dashboard.auth import Staff, forbidden, page, redirect, signed_in
from bot.i18n import N_
from groups.staff import PlatformRef, StaffError, StaffRole, add_staff, remove_staff
from storage.models import MembershipStatus, Role

AUDIT_LIMIT = 200
ADDABLE = (StaffRole.FACILITATOR, StaffRole.MODERATOR)
ROLE_LABELS = {
    StaffRole.ADMIN: N_("admin"),
    StaffRole.FACILITATOR: N_("facilitator"),
    StaffRole.MODERATOR: N_("moderator"),
}
BAD_USERNAME = N_("A username is 2 to 32 of a–z, 0–9, full stop, _ and -.")


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    at: str
    action: str
    actor: str
    group: str
    subject: str
    reason: str
    details: str


@dataclass(frozen=True, slots=True)
class RoleRow:
    role: str
    role_key: str
    group_id: int | None
    group: str


@dataclass(frozen=True, slots=True)
class AccountRow:
    person_id: int
    username: str
    roles: tuple[RoleRow, ...]
    has_password: bool
    locked: bool


@signed_in
async def audit_page(request: web.Request, staff: Staff) -> web.StreamResponse:
    if not staff.person.is_admin:
        return forbidden(request)
    events = await staff.tx.audit.recent(limit=AUDIT_LIMIT)
    check = await staff.tx.audit.verify()
    rows = [
        EventRow(
            id=e.id,
            at=e.at.strftime("%Y-%m-%d %H:%M:%S") + " UTC",
            action=e.action,
            actor=str(e.actor_person_id) if e.actor_person_id else "Piiri",
            group=str(e.group_id) if e.group_id else "",
            subject=e.subject or "",
            reason=e.reason or "",
            details=json.dumps(e.details, ensure_ascii=False) if e.details else "",
        )
        for e in events
    ]
    return page(
        request,
        staff,
        "staff/audit.html",
        {
            "title": staff.t.gettext("Audit log"),
            "section": "audit",
            "events": rows,
            "checked": check.events,
            "broken_at": check.broken_at,
        },
    )


async def _accounts(staff: Staff) -> list[AccountRow]:
    tx = staff.tx
    now = staff.dash.clock.now()
    staff_memberships = await tx.memberships.staff(None)
    groups = await tx.groups.get_many({m.group_id for m, _p in staff_memberships})
    rows = []
    for person, credential in await tx.staff_accounts.accounts(TRANSPORT):
        roles = []
        if person.is_admin:
            roles.append(RoleRow(staff.t.gettext(ROLE_LABELS[StaffRole.ADMIN]), "admin", None, ""))
        for membership, owner in staff_memberships:
            if owner.id != person.id or membership.status is not MembershipStatus.ACTIVE:
                continue
            role = (
                StaffRole.FACILITATOR
                if membership.role is Role.FACILITATOR
                else StaffRole.MODERATOR
            )
            group = groups.get(membership.group_id)
            roles.append(
                RoleRow(
                    staff.t.gettext(ROLE_LABELS[role]),
                    role.value,
                    membership.group_id,
                    group.name if group else "?",
                )
            )
        rows.append(
            AccountRow(
                person_id=person.id,
                username=tx.persons.external_id(person),
                roles=tuple(roles),
                has_password=credential is not None and credential.password_hash is not None,
                locked=credential is not None
                and credential.locked_until is not None
                and credential.locked_until > now,
            )
        )
    return rows


@signed_in
async def accounts_page(request: web.Request, staff: Staff) -> web.StreamResponse:
    if not staff.person.is_admin:
        return forbidden(request)
    return await _accounts_page(request, staff)


async def _accounts_page(
    request: web.Request, staff: Staff, link: str | None = None, username: str | None = None
) -> web.StreamResponse:
    groups = await staff.tx.groups.list_all()
    return page(
        request,
        staff,
        "staff/accounts.html",
        {
            "title": staff.t.gettext("Staff accounts"),
            "section": "accounts",
            "accounts": await _accounts(staff),
            "groups": [(g.id, g.name) for g in groups],
            "roles": [(r.value, staff.t.gettext(ROLE_LABELS[r])) for r in ADDABLE],
            "link": link,
            "link_for": username,
        },
    )


@signed_in
async def add_account(request: web.Request, staff: Staff) -> web.StreamResponse:
    """An admin gives a dashboard account a facilitator's or moderator's role in a group;
    a new account gets a one-time link to set its password, shown here once."""
    if not staff.person.is_admin:
        return forbidden(request)
    form = staff.form
    username = normalise_username(form.get("username", ""))
    group_text = form.get("group", "")
    group = await staff.tx.groups.get(int(group_text)) if group_text.isdigit() else None
    role = next((r for r in ADDABLE if r.value == form.get("role")), None)
    if not valid_username(username):
        staff.note(staff.t.gettext(BAD_USERNAME), "error")
        return redirect("/staff/accounts")
    if role is None or group is None:
        return forbidden(request)
    try:
        await add_staff(
            staff.tx,
            PlatformRef(TRANSPORT, username),
            role,
            group,
            actor_person_id=staff.person.id,
            via="dashboard",
        )
    except StaffError:
        staff.note(staff.t.gettext("That name is already used in the group."), "error")
        return redirect("/staff/accounts")
    person = await make_account(staff.tx, username)
    credential = await staff.tx.staff_accounts.credential(person.id)
    staff.note(
        staff.t.gettext(
            "{username} is now a {role} of {group}.",
            username=username,
            role=staff.t.gettext(ROLE_LABELS[role]),
            group=group.name,
        )
    )
    if credential is not None and credential.password_hash is None:
        path = await welcome_link(staff.tx, person, staff.dash.clock.now(), staff.dash.policy)
        return await _accounts_page(request, staff, staff.dash.base_url + path, username)
    return redirect("/staff/accounts")


@signed_in
async def account_action(request: web.Request, staff: Staff) -> web.StreamResponse:
    """Unlock, a new one-time link (a password reset), or a role taken away."""
    if not staff.person.is_admin:
        return forbidden(request)
    person = await staff.tx.persons.get(int(request.match_info["person"]))
    if person is None or person.transport != TRANSPORT:
        return forbidden(request)
    username = staff.tx.persons.external_id(person)
    action = request.match_info["action"]
    subject = f"person:{person.id}"
    if action == "unlock":
        credential = await staff.tx.staff_accounts.ensure_credential(person.id)
        await staff.tx.staff_accounts.unlock(credential)
        await staff.tx.audit.append(
            "staff.unlocked", actor_person_id=staff.person.id, subject=subject
        )
        staff.note(staff.t.gettext("{username} can sign in again.", username=username))
        return redirect("/staff/accounts")
    if action == "link":
        await staff.tx.staff_accounts.ensure_credential(person.id)
        path = await welcome_link(staff.tx, person, staff.dash.clock.now(), staff.dash.policy)
        await staff.tx.audit.append(
            "staff.link_made", actor_person_id=staff.person.id, subject=subject
        )
        return await _accounts_page(request, staff, staff.dash.base_url + path, username)
    if action == "remove":
        role = next((r for r in ADDABLE if r.value == staff.form.get("role")), None)
        group_text = staff.form.get("group", "")
        group = await staff.tx.groups.get(int(group_text)) if group_text.isdigit() else None
        if role is None or group is None:
            return forbidden(request)
        await remove_staff(
            staff.tx,
            PlatformRef(TRANSPORT, username),
            role,
            group,
            actor_person_id=staff.person.id,
            via="dashboard",
        )
        staff.note(staff.t.gettext("The role was taken away."))
        return redirect("/staff/accounts")
    raise web.HTTPNotFound()
