"""Server-rendered pages: Jinja2 through aiohttp-jinja2, texts from Piiri's own catalogues.

A page's language is the member's stored choice when a handler knows it (it sets
`request[LANGUAGE]`), else `?lang=`, else the browser's Accept-Language among the languages
Piiri speaks, else the configured default. Templates mark texts with `_("…")` (placeholders
in `{name}` form, as everywhere in Piiri) or `{% trans %}`; `make messages` extracts both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.i18n import LANGUAGE_NAMES, Catalogues, Translator

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_PREFIX = "/static/"

LANGUAGE: web.RequestKey[str] = web.RequestKey("piiri_language", str)
CATALOGUES = web.AppKey("piiri_catalogues", Catalogues)
DEFAULT_LANGUAGE = web.AppKey("piiri_default_language", str)
LOADERS = web.AppKey("piiri_template_loaders", list)

# The request being handled, for the templates' `_()`: each request runs in its own task.
_REQUEST: ContextVar[web.Request] = ContextVar("piiri_request")


def accepted_languages(header: str) -> list[str]:
    """Accept-Language's language codes, most wanted first (`fi-FI;q=0.9` → `fi`)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = tag.strip().split("-")[0].casefold()
        if code and quality > 0:
            ranked.append((-quality, index, code))
    return [code for _q, _i, code in sorted(ranked)]


def request_language(request: web.Request) -> str:
    """The page's language (see the module's docstring)."""
    chosen = request.get(LANGUAGE)
    if chosen is not None:
        return chosen
    catalogues = request.app[CATALOGUES]
    asked = request.query.get("lang")
    if catalogues.supports(asked) and asked is not None:
        return asked
    for code in accepted_languages(request.headers.get("Accept-Language", "")):
        if catalogues.supports(code):
            return code
    return request.app[DEFAULT_LANGUAGE]


def translator(request: web.Request) -> Translator:
    return request.app[CATALOGUES].translator(request_language(request))


class _RequestTexts:
    """The templates' `_()`: the language of the request being handled, else the default
    (a page rendered outside any request, e.g. by a background task)."""

    def __init__(self, catalogues: Catalogues, default_language: str) -> None:
        self._fallback = catalogues.translator(default_language)

    def current(self) -> Translator:
        request = _REQUEST.get(None)
        return translator(request) if request is not None else self._fallback

    def gettext(self, message: str, /, **params: object) -> str:
        return self.current().gettext(message, **params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        return self.current().ngettext(singular, plural, n, **params)

    def language(self) -> str:
        return self.current().language


@web.middleware
async def remember_request(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    token = _REQUEST.set(request)
    try:
        return await handler(request)
    finally:
        _REQUEST.reset(token)


def setup_templates(app: web.Application, catalogues: Catalogues, default_language: str) -> None:
    """Jinja2 for the application, autoescaping every template, with `templates/` first."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(TEMPLATES)]
    app[LOADERS] = loaders
    app[CATALOGUES] = catalogues
    app[DEFAULT_LANGUAGE] = default_language
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        default_helpers=False,
    )
    # `_()`, `gettext()` and `{% trans %}` speak the language of the request being rendered.
    texts = _RequestTexts(catalogues, default_language)
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        texts.gettext, texts.ngettext, newstyle=False
    )
    environment.globals.update(
        {
            "_": texts.gettext,
            "page_language": texts.language,
            "language_names": LANGUAGE_NAMES,
            "static": lambda name: STATIC_PREFIX + name,
        }
    )
    app.middlewares.append(remember_request)
    app.router.add_static(STATIC_PREFIX, STATIC, name="static")


def add_template_dir(app: web.Application, directory: Path) -> None:
    """Templates of another part (the dashboard), found after the member chat's own."""
    app[LOADERS].append(jinja2.FileSystemLoader(directory))


def render(
    request: web.Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, dict(context or {}), status=status)
