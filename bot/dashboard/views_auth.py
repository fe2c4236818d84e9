"""Sign-in, sign-out, and setting a password from a one-time link."""

from __future__ import annotations

import hashlib
import math

from aiohttp import web

from bot.dashboard.accounts import (
    SignIn,
    normalise_username,
    open_session,
    redeem_link,
    set_password,
    sign_in,
    use_link,
)
from bot.dashboard.auth import (
    COOKIE,
    PATH,
    PRE_COOKIE,
    Staff,
    forbidden,
    form_of,
    form_token,
    form_token_ok,
    page,
    redirect,
    set_cookie,
    signed_in,
)
from bot.dashboard.passwords import password_problem
from bot.dashboard.runtime import DASHBOARD
from bot.i18n import N_
from bot.logs import get_logger
from bot.web.security import client_address
from bot.web.templating import translator

log = get_logger(__name__)

WRONG = N_("The username or password is wrong.")
LOCKED = N_(
    "Too many wrong passwords: signing in to this account is paused for a while. "
    "Try again later, or ask an admin."
)
SLOW_DOWN = N_("Too many attempts. Wait {n} minutes and try again.")
LINK_GONE = N_("This link has been used or has expired. Ask an admin for a new one, or sign in.")


def _form_page(
    request: web.Request, template: str, values: dict[str, object], status: int = 200
) -> web.Response:
    token, fresh = form_token(request)
    response = page(request, None, template, {**values, "csrf": token}, status=status)
    if fresh is not None:
        set_cookie(response, request, PRE_COOKIE, fresh)
    return response


async def login_page(request: web.Request) -> web.StreamResponse:
    return _form_page(request, "staff/login.html", {"error": None, "username": ""})


async def login(request: web.Request) -> web.StreamResponse:
    dash = request.app[DASHBOARD]
    form = await form_of(request)
    if not form_token_ok(request, form):
        log.info("dashboard.refused", why="csrf")
        return forbidden(request)
    t = translator(request)
    username = normalise_username(form.get("username", ""))[:64]
    password = form.get("password", "")[:256]
    address = client_address(request, dash.trusted_proxy_header)
    name_key = hashlib.sha256(username.encode()).hexdigest()
    if not (dash.limits.per_address.take(address) and dash.limits.per_username.take(name_key)):
        wait = max(
            dash.limits.per_address.retry_after(address),
            dash.limits.per_username.retry_after(name_key),
        )
        minutes = max(1, math.ceil(wait / 60))
        log.warning("dashboard.login_limited")
        async with dash.store.transaction() as tx:
            await tx.audit.append("staff.login_limited", actor_person_id=None)
        response = _form_page(
            request,
            "staff/login.html",
            {"error": t.gettext(SLOW_DOWN, n=minutes), "username": username},
            status=429,
        )
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    async with dash.store.transaction() as tx:
        outcome = await sign_in(tx, username, password, dash.clock.now(), dash.policy)
        token = None
        if outcome.result is SignIn.OK and outcome.person_id is not None:
            token = await open_session(tx, outcome.person_id, dash.clock.now(), dash.policy)
    log.info("dashboard.sign_in", result=outcome.result.value)
    if token is None:
        error = WRONG if outcome.result is SignIn.WRONG else LOCKED
        return _form_page(
            request,
            "staff/login.html",
            {"error": t.gettext(error), "username": username},
            status=401,
        )
    response = redirect(PATH)
    set_cookie(response, request, COOKIE, token)
    response.del_cookie(PRE_COOKIE, path=PATH)
    return response


@signed_in
async def logout(request: web.Request, staff: Staff) -> web.StreamResponse:
    await staff.tx.staff_accounts.end_session(staff.session)
    await staff.tx.audit.append(
        "staff.logout", actor_person_id=staff.person.id, subject=f"person:{staff.person.id}"
    )
    response = redirect("/staff/login")
    response.del_cookie(COOKIE, path=PATH)
    return response


async def welcome_page(request: web.Request) -> web.StreamResponse:
    dash = request.app[DASHBOARD]
    token = request.match_info["token"]
    async with dash.store.transaction() as tx:
        person = await redeem_link(tx, token, dash.clock.now())
        username = tx.persons.external_id(person) if person is not None else None
    if username is None:
        return _form_page(request, "staff/link_gone.html", {}, status=410)
    return _form_page(request, "staff/welcome.html", {"error": None, "username": username})


async def welcome(request: web.Request) -> web.StreamResponse:
    dash = request.app[DASHBOARD]
    token = request.match_info["token"]
    form = await form_of(request)
    if not form_token_ok(request, form):
        log.info("dashboard.refused", why="csrf")
        return forbidden(request)
    t = translator(request)
    password, again = form.get("password", ""), form.get("again", "")
    now = dash.clock.now()
    async with dash.store.transaction() as tx:
        person = await redeem_link(tx, token, now)
        if person is None:
            return _form_page(request, "staff/link_gone.html", {}, status=410)
        username = tx.persons.external_id(person)
        problem, n = password_problem(password, username, again)
        if problem:
            return _form_page(
                request,
                "staff/welcome.html",
                {"error": t.gettext(problem, n=n), "username": username},
                status=400,
            )
        await set_password(tx, person, password, actor_person_id=person.id, via="link")
        await use_link(tx, token)
        await tx.audit.append(
            "staff.login", actor_person_id=person.id, subject=f"person:{person.id}"
        )
        session = await open_session(tx, person.id, now, dash.policy)
    response = redirect(PATH)
    set_cookie(response, request, COOKIE, session)
    response.del_cookie(PRE_COOKIE, path=PATH)
    return response
