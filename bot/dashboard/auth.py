"""Signing in and out, the session cookie, and the CSRF token every form carries.

The session cookie holds a random token (only its SHA-256 is stored), is HttpOnly,
SameSite=Strict, Secure under https, and scoped to /staff. A session ends after
`Policy.session_idle` without use and `Policy.session_absolute` after sign-in. Every POST
carries the session's CSRF token (derived from the session's token, so it is never stored);
the sign-in and set-password forms, before any session, use a double-submitted token of
their own. A POST without the right token is refused with 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.commands import Context
from bot.commands.group_target import is_staff
from bot.commands.staff_access import moderates
from bot.dashboard.accounts import current_session
from bot.dashboard.acting import command_context
from bot.dashboard.inbox_store import rows as inbox_rows
from bot.dashboard.runtime import DASHBOARD, Dashboard
from bot.i18n import Translator
from bot.logs import get_logger
from bot.web.security import came_over_https
from bot.web.templating import LANGUAGE, render, request_language
from storage.models import Person, StaffSession
from storage.store import Transaction

log = get_logger(__name__)

COOKIE = "piiri_staff"
PRE_COOKIE = "piiri_staff_form"
PATH = "/staff"
LOGIN = "/staff/login"


@dataclass(slots=True)
class Staff:
    """The signed-in staff person for one request, inside its transaction."""

    tx: Transaction
    person: Person
    session: StaffSession
    csrf: str
    t: Translator
    dash: Dashboard
    form: dict[str, str]
    _ctx: Context | None = None
    # Which parts of the dashboard this person's roles open: the chat commands' own checks.
    nav: dict[str, bool] | None = None
    # Messages waiting in this person's dashboard inbox.
    unread: int = 0

    @property
    def ctx(self) -> Context:
        """A chat command context for this person (see `bot.dashboard.acting`)."""
        if self._ctx is None:
            self._ctx = command_context(self.dash, self.tx, self.person, self.t)
        return self._ctx

    def note(self, text: str, kind: str = "ok") -> None:
        self.dash.note(self.session.id, text, kind)


StaffHandler = Callable[[web.Request, Staff], Awaitable[web.StreamResponse]]


def csrf_for(token: str) -> str:
    return hashlib.sha256(b"piiri-staff-csrf\x00" + token.encode()).hexdigest()


def redirect(location: str) -> web.Response:
    """A 303 after a form; returned, not raised, so the action's transaction commits."""
    return web.Response(status=303, headers={"Location": location})


def forbidden(request: web.Request) -> web.Response:
    t = request.app[DASHBOARD].catalogues.translator(request_language(request))
    return web.Response(
        status=403,
        text=t.gettext("That is not something you can do here."),
        content_type="text/plain",
    )


async def form_of(request: web.Request) -> dict[str, str]:
    if request.method != "POST":
        return {}
    data = await request.post()
    return {key: value for key, value in data.items() if isinstance(value, str)}


def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str) -> None:
    dash = request.app[DASHBOARD]
    response.set_cookie(
        name,
        value,
        path=PATH,
        httponly=True,
        samesite="Strict",
        secure=came_over_https(request, dash.public_url),
    )


def signed_in(handler: StaffHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Only for a live session; a POST must carry its CSRF token."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        dash = request.app[DASHBOARD]
        token = request.cookies.get(COOKIE, "")
        form = await form_of(request)
        async with dash.store.transaction() as tx:
            found = None
            if token:
                found = await current_session(tx, token, dash.clock.now(), dash.policy)
            if found is None:
                if request.method == "POST":
                    log.info("dashboard.refused", why="no_session")
                    return forbidden(request)
                return redirect(LOGIN)
            session, person = found
            csrf = csrf_for(token)
            if request.method == "POST" and not hmac.compare_digest(form.get("csrf", ""), csrf):
                log.info("dashboard.refused", why="csrf")
                return forbidden(request)
            if person.language is not None and dash.catalogues.supports(person.language):
                request[LANGUAGE] = person.language
            t = dash.catalogues.translator(request_language(request))
            staff = Staff(tx, person, session, csrf, t, dash, form)
            staff.nav = {
                "queue": await moderates(staff.ctx),
                "groups": await is_staff(staff.ctx),
                "admin": person.is_admin,
            }
            staff.unread = len(await inbox_rows(tx, person))
            return await handler(request, staff)

    return guarded


def page(
    request: web.Request,
    staff: Staff | None,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> web.Response:
    """A dashboard page, with the navigation for this person's roles and any notes."""
    values: dict[str, Any] = {
        "csrf": staff.csrf if staff else "",
        "notes": [],
        "nav": {},
        "unread": 0,
        "section": "",
        "here": request.path,
    }
    if staff is not None:
        values["notes"] = staff.dash.notes(staff.session.id)
        values["nav"] = staff.nav or {}
        values["unread"] = staff.unread
    values.update(context or {})
    return render(request, template, values, status=status)


def form_token(request: web.Request) -> tuple[str, str | None]:
    """The sign-in forms' token: (token, cookie value to set or None when already set)."""
    existing = request.cookies.get(PRE_COOKIE, "")
    if len(existing) >= 32:
        return csrf_for(existing), None
    fresh = secrets.token_urlsafe(32)
    return csrf_for(fresh), fresh


def form_token_ok(request: web.Request, form: dict[str, str]) -> bool:
    existing = request.cookies.get(PRE_COOKIE, "")
    return len(existing) >= 32 and hmac.compare_digest(form.get("csrf", ""), csrf_for(existing))
