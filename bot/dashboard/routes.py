"""The dashboard's routes under /staff, added to the web server's application."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.dashboard import (
    inbox,
    invites_view,
    views_admin,
    views_auth,
    views_groups,
    views_queue,
    views_report,
)
from bot.dashboard.auth import Staff, page, redirect, signed_in
from bot.dashboard.runtime import DASHBOARD, Dashboard
from bot.web.server import WebDeps
from bot.web.templating import add_template_dir

HERE = Path(__file__).parent


@signed_in
async def home(request: web.Request, staff: Staff) -> web.StreamResponse:
    nav = staff.nav or {}
    if nav.get("groups") and not nav.get("admin"):
        return redirect("/staff/groups")
    if nav.get("queue"):
        return redirect("/staff/queue")
    if nav.get("admin"):
        return redirect("/staff/accounts")
    return redirect("/staff/none")


@signed_in
async def choose_language(request: web.Request, staff: Staff) -> web.StreamResponse:
    """The dashboard's language for this person (kept like a member's choice)."""
    language = staff.form.get("language", "")
    if staff.dash.catalogues.supports(language):
        await staff.tx.persons.set_language(staff.person, language)
    back = staff.form.get("back", "/staff")
    return redirect(back if back.startswith("/staff") and "//" not in back else "/staff")


@signed_in
async def no_role(request: web.Request, staff: Staff) -> web.StreamResponse:
    return page(request, staff, "staff/none.html", {"title": staff.t.gettext("No role yet")})


def dashboard_of(deps: WebDeps) -> Dashboard:
    settings = deps.settings
    return Dashboard(
        store=deps.store,
        clock=deps.clock,
        catalogues=deps.catalogues,
        services=deps.services,
        router=deps.app.dispatcher.router,
        base_url=settings.web.base_url(),
        public_url=settings.web.public_url,
        trusted_proxy_header=settings.web.trusted_proxy_header,
        default_language=settings.i18n.default_language,
    )


def install(app: web.Application, deps: WebDeps) -> None:
    """Add /staff to the web server (called by `bot.web.server` for every application)."""
    install_dashboard(app, dashboard_of(deps))


def install_dashboard(app: web.Application, dash: Dashboard) -> None:
    app[DASHBOARD] = dash
    add_template_dir(app, HERE / "templates")
    add = app.router.add_route
    add("GET", "/staff", home)
    add("GET", "/staff/", home)
    add("GET", "/staff/login", views_auth.login_page)
    add("POST", "/staff/login", views_auth.login)
    add("POST", "/staff/logout", views_auth.logout)
    add("GET", "/staff/welcome/{token}", views_auth.welcome_page)
    add("POST", "/staff/welcome/{token}", views_auth.welcome)
    add("GET", "/staff/queue", views_queue.queue_page)
    add("GET", "/staff/queue/live", views_queue.live)
    add("POST", r"/staff/queue/{item:\d+}/{action:[a-z]+}", views_queue.act)
    add("GET", "/staff/none", no_role)
    add("POST", "/staff/language", choose_language)
    add("GET", "/staff/messages", inbox.messages_page)
    add("POST", r"/staff/messages/{message:\d+|all}/read", inbox.mark_read)
    add("POST", r"/staff/messages/{message:\d+}/reply", inbox.reply)
    add("GET", "/staff/groups", views_groups.groups_page)
    add("POST", "/staff/groups", views_groups.create)
    add("GET", r"/staff/groups/{group:\d+}", views_groups.group_page)
    add("GET", r"/staff/groups/{group:\d+}/sessions/{number:\d+}", views_groups.preview_page)
    add("GET", r"/staff/groups/{group:\d+}/report", views_report.report_page)
    add("GET", r"/staff/groups/{group:\d+}/report.{kind:csv|png}", views_report.report_file)
    add("POST", r"/staff/groups/{group:\d+}/invites", invites_view.create)
    add(
        "POST",
        r"/staff/groups/{group:\d+}/invites/{invite:\d+}/revoke",
        invites_view.revoke_invite,
    )
    add("POST", r"/staff/groups/{group:\d+}/{action:[a-z]+}", views_groups.act)
    add("POST", "/staff/invites/qr", invites_view.qr_file)
    add("GET", "/staff/audit", views_admin.audit_page)
    add("GET", "/staff/accounts", views_admin.accounts_page)
    add("POST", "/staff/accounts", views_admin.add_account)
    add("POST", r"/staff/accounts/{person:\d+}/{action:[a-z]+}", views_admin.account_action)
    app.router.add_static("/staff/static/", HERE / "static", name="staff-static")
