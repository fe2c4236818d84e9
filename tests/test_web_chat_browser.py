"""The web chat in a real browser (Debian's chromium through Playwright), phone-sized and in
Finnish: joining by link, chatting across transports, what the author is told, reconnecting
after a restart, and an accessibility check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, Page, expect

from tests.browser import axe_violations, phone_context, screenshot
from tests.web_service import WebService, wait_for, web_service

__all__ = ["web_service"]

CRISIS = "mä haluun kuolla tänä yönä, en jaksa enää"
PHONE = "Soita mulle 040 123 4567 illalla"


@asynccontextmanager
async def member_page(browser: Browser) -> AsyncIterator[Page]:
    """A phone-sized page in its own browser profile, failing on any CSP report."""
    context = await phone_context(browser)
    page = await context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        yield page
    finally:
        await context.close()
    assert not refused, refused


def button(page: Page, data: str) -> object:
    return page.locator(f'button[data-action="{data}"]').last


async def join(page: Page, link: str, shot: str | None = None) -> str:
    """The join flow on the page, as a person does it; returns the pseudonym picked."""
    await page.goto(link)
    await expect(page).to_have_url(link.split("/j/")[0] + "/chat")
    agree = page.locator('button[data-action="j:ok"]').last
    await agree.wait_for()
    if shot:
        await screenshot(page, f"{shot}-intro")
    await agree.click()
    first = page.locator('button[data-action="j:n:0"]').last
    await first.wait_for()
    if shot:
        await screenshot(page, f"{shot}-pseudonym")
    pseudonym = (await first.inner_text()).strip()
    await first.click()
    finnish = page.locator('button[data-action="j:l:fi"]').last
    await finnish.wait_for()
    await finnish.click()
    await expect(page.locator(".msg").last).to_contain_text(pseudonym)
    return pseudonym


async def write(page: Page, text: str) -> None:
    box = page.locator("#composer-text")
    await box.fill(text)
    await box.press("Enter")


async def test_two_browsers_and_a_memory_member_share_a_group_under_pseudonyms(
    browser: Browser, web_service: WebService
) -> None:
    group = await web_service.open_group()
    third = await web_service.memory_join("kolmas", group.code)
    link = web_service.join_link(group)
    async with member_page(browser) as aino, member_page(browser) as bo:
        aino_name = await join(aino, link, shot="web-join")
        bo_name = await join(bo, link)
        assert aino_name != bo_name
        await write(aino, "Hei, olen uusi täällä")
        await expect(bo.locator(".msg-text").last).to_have_text(
            f"{aino_name}: Hei, olen uusi täällä", timeout=5000
        )
        await expect(aino.locator(".msg.mine").last.locator(".msg-state")).to_have_text("Lähetetty")
        await wait_for(
            lambda: f"{aino_name}: Hei, olen uusi täällä" in web_service.memory_texts("kolmas"),
            "the memory member to get it",
        )
        await web_service.memory_says("kolmas", "Moikka molemmille")
        for page in (aino, bo):
            await expect(page.locator(".msg-text").last).to_have_text(f"{third}: Moikka molemmille")
        # Shift+Enter is a new line, Enter sends.
        box = bo.locator("#composer-text")
        await box.fill("Rivi yksi")
        await box.press("Shift+Enter")
        await box.type("rivi kaksi")
        await box.press("Enter")
        await expect(aino.locator(".msg-text").last).to_have_text(
            f"{bo_name}: Rivi yksi\nrivi kaksi"
        )
        await screenshot(aino, "web-chat-aino")
        await screenshot(bo, "web-chat-bo")
        seen = await bo.locator("#messages").inner_text()
        assert "kolmas" not in seen, "no platform id, only pseudonyms"
        # The live region tells a screen reader about new messages.
        await expect(aino.locator("#announce")).to_contain_text(bo_name)


async def test_a_phone_number_is_blocked_on_the_page_and_reaches_no_one(
    browser: Browser, web_service: WebService
) -> None:
    group = await web_service.open_group()
    await web_service.memory_join("kolmas", group.code)
    async with member_page(browser) as page:
        await join(page, web_service.join_link(group))
        await write(page, PHONE)
        own = page.locator(".msg.mine").last
        await expect(own.locator(".msg-state")).to_have_text("Ei lähetetty ryhmään; syy näkyy alla")
        offer = page.locator('button[data-action^="pi:send:"]').last
        await offer.wait_for()
        why = page.locator(".msg", has=offer)
        await expect(why).to_contain_text("puhelinnumero")
        await screenshot(page, "web-chat-blocked")
        assert not any("123 4567" in t for t in web_service.memory_texts("kolmas"))
        await offer.click()
        await wait_for(
            lambda: any("illalla" in t for t in web_service.memory_texts("kolmas")),
            "the hidden version",
        )
        assert not any("123 4567" in t for t in web_service.memory_texts("kolmas"))


async def test_a_crisis_message_gets_the_author_help_on_the_page(
    browser: Browser, web_service: WebService
) -> None:
    group = await web_service.open_group()
    async with member_page(browser) as page:
        await join(page, web_service.join_link(group))
        await write(page, CRISIS)
        await expect(page.locator(".msg.bot").last).to_contain_text("112", timeout=1000)
        await screenshot(page, "web-chat-crisis")
        # Help is one tap away: the configured numbers are links to call.
        help_now = page.locator(".msg.bot").last
        await expect(help_now.locator('a[href="tel:112"]').first).to_have_text("112")
        await expect(help_now.locator('a[href="tel:0925250111"]')).to_have_text("09 2525 0111")


async def test_the_page_reconnects_after_a_restart_and_shows_what_it_missed_once(
    browser: Browser, web_service: WebService
) -> None:
    group = await web_service.open_group()
    third = await web_service.memory_join("kolmas", group.code)
    async with member_page(browser) as page:
        await join(page, web_service.join_link(group))
        await web_service.stop()
        await expect(page.locator("#chat-status")).to_have_attribute("data-state", "offline")
        await screenshot(page, "web-chat-offline")
        await web_service.start()
        await web_service.memory_says("kolmas", "Viesti katkon aikana")
        await expect(page.locator("#chat-status")).to_have_attribute(
            "data-state", "online", timeout=20000
        )
        missed = page.locator(".msg-text", has_text=f"{third}: Viesti katkon aikana")
        await expect(missed).to_have_count(1)
        await page.reload()
        await expect(page.locator("#chat-status")).to_have_attribute("data-state", "online")
        await expect(missed).to_have_count(1)
        await screenshot(page, "web-chat-reconnected")


async def test_no_serious_accessibility_problems_in_finnish_at_phone_size(
    browser: Browser, web_service: WebService
) -> None:
    group = await web_service.open_group()
    async with member_page(browser) as page:
        await page.goto(web_service.join_link(group))
        await page.locator('button[data-action="j:ok"]').last.wait_for()
        assert await page.get_attribute("html", "lang") == "fi"
        assert await axe_violations(page) == []
        await page.locator('button[data-action="j:ok"]').last.click()
        await page.locator('button[data-action="j:n:0"]').last.wait_for()
        assert await axe_violations(page) == []
        await page.locator('button[data-action="j:n:0"]').last.click()
        await page.locator('button[data-action="j:l:fi"]').last.click()
        await write(page, "Hei kaikki")
        await expect(page.locator(".msg.mine .msg-state").last).to_have_text("Lähetetty")
        assert await axe_violations(page) == []
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, "nothing wider than the phone"
        send = page.locator("#composer-send")
        box = await send.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
        await expect(send).to_be_in_viewport()
        await screenshot(page, "web-chat-360")
        for path in ("/recover", "/phrase", "/j/not-a-code!"):
            await page.goto(web_service.url(path))
            assert await axe_violations(page) == [], path


async def test_a_join_link_clicked_on_another_site_keeps_the_member_signed_in(
    browser: Browser, web_service: WebService
) -> None:
    """localhost and 127.0.0.1 are different sites: the SameSite=Strict cookie is not sent
    when a link on one opens the other, the way a message app or an e-mail opens Piiri."""
    group = await web_service.open_group()
    link = web_service.join_link(group)
    elsewhere = f"http://localhost:{web_service.port}/"
    async with member_page(browser) as page:
        name = await join(page, link)
        await page.goto(elsewhere)
        await page.evaluate(
            "link => { const a = document.createElement('a'); a.href = link;"
            " a.id = 'from-elsewhere'; a.textContent = 'Piiri'; document.body.append(a); }",
            link,
        )
        await page.click("#from-elsewhere")
        await expect(page).to_have_url(link.split("/j/")[0] + "/chat")
        await expect(page.locator(".msg-text").last).to_have_text("Olet jo tässä ryhmässä.")
        await expect(page.locator("#messages")).to_contain_text(name)


async def tab_to(page: Page, selector: str, *, most: int = 40) -> None:
    """Press Tab until `selector` has the focus, as a keyboard-only person moves."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        if await page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def test_the_join_flow_and_the_chat_work_with_the_keyboard_only(
    browser: Browser, web_service: WebService
) -> None:
    group = await web_service.open_group()
    async with member_page(browser) as page:
        await page.goto(web_service.join_link(group))
        await page.locator('button[data-action="j:ok"]').last.wait_for()
        await tab_to(page, 'button[data-action="j:ok"]')
        await page.keyboard.press("Enter")
        await page.locator('button[data-action="j:n:0"]').last.wait_for()
        await tab_to(page, 'button[data-action="j:n:0"]:not([disabled])')
        await page.keyboard.press("Enter")
        await page.locator('button[data-action="j:l:fi"]').last.wait_for()
        await tab_to(page, 'button[data-action="j:l:fi"]:not([disabled])')
        await page.keyboard.press("Enter")
        await expect(page.locator(".msg-text").last).to_contain_text("Tervetuloa")
        await tab_to(page, "#composer-text")
        await page.keyboard.type("Näppäimistöllä kirjoitettu")
        await page.keyboard.press("Enter")
        await expect(page.locator(".msg.mine .msg-state").last).to_have_text("Lähetetty")
