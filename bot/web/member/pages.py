"""The member chat's pages: joining by link, the chat itself, a file Piiri sent, the recovery
phrase and continuing on another device."""

from __future__ import annotations

import secrets

from aiohttp import web

from bot.i18n import N_
from bot.transports.web.transport import Visitor
from bot.web.member.cookies import (
    form_token,
    form_token_ok,
    member_token,
    set_member_cookie,
)
from bot.web.member.phrase import new_phrase, normalise_phrase
from bot.web.member.texts import help_links, page_texts
from bot.web.ratelimit import TokenBuckets
from bot.web.security import client_address, embeddable
from bot.web.server import DEPS, WebDeps
from bot.web.templating import LANGUAGE, render, translator
from groups.invites import looks_like_code

MAX_CODE = 64
RECOVER_COOKIE = "piiri_recover"
SECOND_STEP = "here"
MAX_TEXT = 4000


async def current_visitor(request: web.Request) -> Visitor | None:
    """The member behind the request's cookie, with the page in their chosen language."""
    deps = request.app[DEPS]
    visitor = await deps.transport.visitor(member_token(request))
    if visitor is not None:
        language = await deps.transport.language(visitor)
        if deps.catalogues.supports(language) and language is not None:
            request[LANGUAGE] = language
    return visitor


def message_page(
    request: web.Request, heading: str, text: str, *, status: int = 200, back: str | None = None
) -> web.Response:
    t = translator(request)
    context = {"heading": t.gettext(heading), "text": t.gettext(text), "back": back}
    return render(request, "message.html", context, status=status)


def too_many(request: web.Request, buckets: TokenBuckets, key: str) -> web.Response:
    response = message_page(
        request,
        N_("Please wait a moment"),
        N_("That was a lot of tries in a short time. Wait a minute and try again."),
        status=429,
    )
    response.headers["Retry-After"] = str(max(1, round(buckets.retry_after(key))))
    return response


def from_own_page(request: web.Request) -> bool:
    """Whether this request is the second step `same_site_step` asked for."""
    return request.query.get(SECOND_STEP) == "1"


def same_site_step(request: web.Request) -> web.Response:
    """A page that opens `request`'s own address again, from this site.

    The member's cookie is SameSite=Strict, so a browser does not send it when a link on
    another site (a message app, an e-mail, the organisation's page) opens ours. Without this
    step such a click would look like a new person, and the new cookie would replace the
    member's own. Opened from our own page, the cookie comes along.
    """
    target = request.rel_url.update_query({SECOND_STEP: "1"})
    return render(request, "opening.html", {"target": str(target)})


@embeddable
async def join(request: web.Request) -> web.StreamResponse:
    """`/j/<code>`: start the chat's own join flow for this browser, then go to the chat, so
    the code leaves the address bar."""
    deps = request.app[DEPS]
    code = request.match_info["code"]
    address = client_address(request, deps.settings.web.trusted_proxy_header)
    if not deps.limits.joins_per_address.take(address):
        return too_many(request, deps.limits.joins_per_address, address)
    if len(code) > MAX_CODE or not looks_like_code(code):
        return message_page(
            request,
            N_("This link does not work"),
            N_("Check the link, or ask your group's facilitator for a new one."),
            status=404,
        )
    visitor = await current_visitor(request)
    if visitor is None and not from_own_page(request):
        return same_site_step(request)
    response = web.HTTPSeeOther("/chat")
    if visitor is None:
        token, visitor = await deps.transport.new_visitor()
        set_member_cookie(request, response, deps, token)
    await deps.transport.command(visitor, secrets.token_hex(8), f"/start {code}")
    raise response


def _no_chat(request: web.Request) -> web.Response:
    return message_page(
        request,
        N_("You are not in a group yet"),
        N_(
            "To join, open the invite link your group's facilitator gave you. If you joined "
            "on another device, continue with your recovery phrase."
        ),
        status=403,
        back="/recover",
    )


@embeddable
async def chat(request: web.Request) -> web.Response:
    visitor = await current_visitor(request)
    if visitor is None:
        return _no_chat(request) if from_own_page(request) else same_site_step(request)
    token = member_token(request) or ""
    t = translator(request)
    context = {
        "texts": {
            **page_texts(t),
            "help_links": help_links(request.app[DEPS].settings.moderation.resources),
        },
        "form_token": form_token(token),
        "max_length": MAX_TEXT,
    }
    return render(request, "chat.html", context)


async def file(request: web.Request) -> web.StreamResponse:
    """A file Piiri sent this member (their data export), only to them."""
    deps = request.app[DEPS]
    visitor = await current_visitor(request)
    seq = request.match_info["seq"]
    found = await deps.transport.file(visitor.id, int(seq)) if visitor and seq.isdigit() else None
    if found is None:
        raise web.HTTPNotFound()
    safe_name = "".join(ch for ch in found.name if ch.isalnum() or ch in "._-") or "piiri.dat"
    return web.Response(
        body=found.data,
        content_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )


async def phrase_page(request: web.Request) -> web.Response:
    visitor = await current_visitor(request)
    if visitor is None:
        return _no_chat(request)
    return render(
        request,
        "phrase.html",
        {"phrase": None, "form_token": form_token(member_token(request) or "")},
    )


async def make_phrase(request: web.Request) -> web.Response:
    """A new recovery phrase, shown this once; any earlier phrase stops working."""
    deps = request.app[DEPS]
    visitor = await current_visitor(request)
    form = await request.post()
    token = member_token(request)
    if visitor is None or not form_token_ok(token, str(form.get("form_token", ""))):
        raise web.HTTPForbidden()
    language = translator(request).language
    for _attempt in range(5):
        phrase = new_phrase(deps.services.words, language, deps.services.rng)
        if await deps.transport.set_phrase(visitor, normalise_phrase(phrase)):
            return render(request, "phrase.html", {"phrase": phrase, "form_token": ""})
    raise web.HTTPServiceUnavailable()


async def recover_page(request: web.Request) -> web.Response:
    check = secrets.token_hex(16)
    response = render(request, "recover.html", {"form_token": check, "failed": False})
    response.set_cookie(RECOVER_COOKIE, check, path="/recover", httponly=True, samesite="Strict")
    return response


async def recover(request: web.Request) -> web.StreamResponse:
    deps = request.app[DEPS]
    address = client_address(request, deps.settings.web.trusted_proxy_header)
    if not deps.limits.joins_per_address.take(address):
        return too_many(request, deps.limits.joins_per_address, address)
    form = await request.post()
    sent = str(form.get("form_token", ""))
    expected = request.cookies.get(RECOVER_COOKIE, "")
    if not expected or not secrets.compare_digest(sent, expected):
        raise web.HTTPForbidden()
    found = await deps.transport.recover(normalise_phrase(str(form.get("phrase", ""))))
    if found is None:
        response = render(
            request, "recover.html", {"form_token": expected, "failed": True}, status=400
        )
        return response
    token, _visitor = found
    redirect = web.HTTPSeeOther("/chat")
    set_member_cookie(request, redirect, deps, token)
    raise redirect


def add_routes(app: web.Application, deps: WebDeps) -> None:
    app.router.add_get("/j/{code}", join, name="join")
    app.router.add_get("/chat", chat, name="chat")
    app.router.add_get("/file/{seq}", file, name="file")
    app.router.add_get("/phrase", phrase_page, name="phrase")
    app.router.add_post("/phrase", make_phrase)
    app.router.add_get("/recover", recover_page, name="recover")
    app.router.add_post("/recover", recover)
