"""The web server's frame: security headers on every response, the page language, rate
limits and the client's address."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from bot.app import build_app
from bot.config import Settings
from bot.web.ratelimit import TokenBuckets
from bot.web.security import client_address, content_security_policy
from bot.web.templating import accepted_languages
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from tests.databases import copy_sqlite, sqlite_url


@pytest.fixture
async def client(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    target = tmp_path / "piiri.db"
    copy_sqlite(sqlite_template, target)
    settings = Settings.model_validate(
        {
            "database": {"url": sqlite_url(target)},
            "web": {"enabled": True, "embed_origins": ["https://www.example.org"]},
        }
    )
    app = build_app(settings, cipher, [], clock=clock)
    assert app.web is not None
    async with TestClient(TestServer(app.web.application())) as test_client:
        yield test_client
    await app.store.close()


async def test_every_response_carries_the_security_headers(
    client: TestClient[web.Request, web.Application],
) -> None:
    for path in ("/", "/static/piiri.css", "/no-such-page"):
        response = await client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "default-src 'none'" in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "camera=()" in response.headers["Permissions-Policy"]
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    front = await client.get("/")
    assert front.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in front.headers["Content-Security-Policy"]


async def test_the_page_speaks_the_browser_language(
    client: TestClient[web.Request, web.Application],
) -> None:
    finnish = await (await client.get("/", headers={"Accept-Language": "fi-FI,fi;q=0.9"})).text()
    assert '<html lang="fi">' in finnish
    swedish = await (await client.get("/?lang=sv", headers={"Accept-Language": "fi"})).text()
    assert '<html lang="sv">' in swedish
    default = await (await client.get("/", headers={"Accept-Language": "de"})).text()
    assert '<html lang="fi">' in default


def test_accept_language_is_read_by_quality() -> None:
    assert accepted_languages("en;q=0.5, sv-FI, fi;q=0.8") == ["sv", "fi", "en"]
    assert accepted_languages("") == []


def test_frame_ancestors_lists_exactly_the_configured_origins() -> None:
    policy = content_security_policy(("https://a.example", "https://b.example"))
    assert policy.endswith("frame-ancestors https://a.example https://b.example")
    assert content_security_policy(()).endswith("frame-ancestors 'none'")


def test_token_buckets_refuse_past_the_burst_and_refill() -> None:
    moment = [0.0]
    buckets = TokenBuckets(per_minute=60, burst=2, now=lambda: moment[0])
    assert buckets.take("a") and buckets.take("a")
    assert not buckets.take("a")
    assert buckets.take("b")
    assert buckets.retry_after("a") == pytest.approx(1.0)
    moment[0] = 1.0
    assert buckets.take("a")


def test_the_proxy_header_is_believed_only_when_configured() -> None:
    request = make_mocked_request("GET", "/", headers={"X-Forwarded-For": "203.0.113.9, 10.0.0.2"})
    assert client_address(request, "X-Forwarded-For") == "10.0.0.2"
    assert client_address(request, None) != "10.0.0.2"


async def test_only_member_chat_pages_may_be_framed_by_the_embedding_origins(
    client: TestClient[web.Request, web.Application],
) -> None:
    chat = await client.get("/chat")
    assert chat.headers["Content-Security-Policy"].endswith(
        "frame-ancestors https://www.example.org"
    )
    assert "X-Frame-Options" not in chat.headers
    for path in ("/", "/recover", "/static/chat.js"):
        other = await client.get(path)
        assert other.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
        assert other.headers["X-Frame-Options"] == "DENY"


def test_a_template_rendered_outside_a_request_speaks_the_default_language(
    tmp_path: Path, cipher: IdentityCipher
) -> None:
    settings = Settings.model_validate(
        {"database": {"url": sqlite_url(tmp_path / "unused.db")}, "web": {"enabled": True}}
    )
    app = build_app(settings, cipher, [])
    assert app.web is not None
    environment = aiohttp_jinja2.get_env(app.web.application())
    rendered = environment.from_string(
        "{{ _('Skip to content') }} {% trans %}Skip to content{% endtrans %}"
    ).render()
    assert rendered == "Siirry sisältöön Siirry sisältöön"
