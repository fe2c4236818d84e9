"""The browser the web tests use works here, under a CSP as strict as Piiri's own."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler
from playwright.async_api import Browser

from tests.browser import axe_violations, phone_context, screenshot

CSP = "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'"
GOOD = """<!doctype html><html lang="fi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Piiri</title></head>
<body><main><h1>Tervetuloa</h1><label for="t">Viesti</label><input id="t">
<button id="b" type="button">Lähetä</button><p id="out"></p></main>
<script src="/app.js"></script></body></html>"""
BAD = """<!doctype html><html><head><title>x</title></head><body>
<img src="/nothing.png"><button type="button"></button>
<script>document.title = "inline ran";</script></body></html>"""
SCRIPT = "document.getElementById('b').addEventListener('click', () => {"
SCRIPT += " document.getElementById('out').textContent = 'kiitos'; });"


async def _serve(html: dict[str, str]) -> tuple[web.AppRunner, str]:
    async def page(request: web.Request) -> web.Response:
        body = html[request.match_info["name"]]
        return web.Response(text=body, content_type="text/html")

    async def script(_: web.Request) -> web.Response:
        return web.Response(text=SCRIPT, content_type="text/javascript")

    @web.middleware
    async def csp(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers["Content-Security-Policy"] = CSP
        return response

    app = web.Application(middlewares=[csp])
    app.router.add_get("/app.js", script)
    app.router.add_get("/{name}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def test_a_phone_sized_page_runs_its_script_file_and_passes_axe(browser: Browser) -> None:
    runner, base = await _serve({"good": GOOD, "bad": BAD})
    try:
        context = await phone_context(browser)
        page = await context.new_page()
        await page.goto(f"{base}/good")
        await page.get_by_role("button", name="Lähetä").click()
        await page.wait_for_selector("text=kiitos")
        assert await page.evaluate("window.innerWidth") == 360
        assert await axe_violations(page) == []
        path = await screenshot(page, "browser-self-test")
        assert path.stat().st_size > 1000

        await page.goto(f"{base}/bad")
        assert await page.title() == "x", "the CSP must stop inline script"
        rules = {violation.rule for violation in await axe_violations(page)}
        assert {"button-name", "image-alt"} <= rules
    finally:
        await runner.cleanup()
