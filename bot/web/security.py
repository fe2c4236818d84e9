"""Headers every response carries, and the client's address as far as it can be believed.

The Content-Security-Policy allows no inline script or style and nothing from other sites.
Only the member chat's pages may be framed, and only by the configured embedding origins;
every other page says `frame-ancestors 'none'`. No page sends a Referer, so an invite code in
an address never travels to another site.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from aiohttp import web

EMBEDDABLE_ATTR = "_piiri_embeddable"

BASE_POLICY = (
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
)
PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


def embeddable(handler: Handler) -> Handler:
    """Mark a member chat page: the configured origins may show it in an iframe."""
    setattr(handler, EMBEDDABLE_ATTR, True)
    return handler


def content_security_policy(frame_ancestors: Sequence[str]) -> str:
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return "; ".join((*BASE_POLICY, f"frame-ancestors {ancestors}"))


def _is_embeddable(request: web.Request) -> bool:
    match = request.match_info
    handler = getattr(match, "handler", None) if match is not None else None
    return bool(getattr(handler, EMBEDDABLE_ATTR, False))


def _is_static(request: web.Request) -> bool:
    route = request.match_info.route if request.match_info is not None else None
    return isinstance(getattr(route, "resource", None), web.StaticResource)


def security_headers(
    embed_origins: Sequence[str],
) -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    """An `on_response_prepare` hook: it runs for every response, errors and files included."""
    embedded_policy = content_security_policy(tuple(embed_origins))
    closed_policy = content_security_policy(())

    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        embeddable_page = bool(embed_origins) and _is_embeddable(request)
        headers = response.headers
        headers["Content-Security-Policy"] = embedded_policy if embeddable_page else closed_policy
        if not embeddable_page:
            headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Permissions-Policy"] = PERMISSIONS
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if _is_static(request):
            headers.setdefault("Cache-Control", "no-cache")
        else:
            headers["Cache-Control"] = "no-store"

    return add_headers


def client_address(request: web.Request, trusted_proxy_header: str | None) -> str:
    """The client's address: from the trusted proxy's header when one is configured (the
    address the proxy itself saw is the last in a list), else the connection's own."""
    if trusted_proxy_header:
        value = request.headers.get(trusted_proxy_header, "")
        last = value.split(",")[-1].strip()
        if last:
            return last
    return request.remote or "unknown"


def came_over_https(request: web.Request, public_url: str | None) -> bool:
    """Whether cookies should be Secure: the request was https, or the public address is."""
    return request.secure or bool(public_url and public_url.startswith("https://"))
