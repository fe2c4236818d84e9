"""The staff dashboard in a real browser (Debian's chromium through Playwright), in Finnish:
a facilitator creates a group from a programme, moves a session and sees the roster; a
crisis shows up live on a moderator's queue, where Acknowledge stops its escalation; forms
without their token and forged session cookies are refused; axe finds no serious or
critical violations on the sign-in page, the groups page and the review queue."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from playwright.async_api import Browser, Page, expect

from bot.dashboard.accounts import make_account, set_password
from groups.staff import PlatformRef, StaffRole, add_staff
from storage.clock import SystemClock
from storage.models import ReviewStatus, SessionStatus
from tests.browser import axe_violations, phone_context, screenshot
from tests.dashboard_helpers import PASSWORD, WARNINGS
from tests.web_service import WebService, web_service

__all__ = ["web_service"]

pytestmark = WARNINGS

CRISIS = "mä haluun kuolla tänä yönä, en jaksa enää"
# The countdown the page ticks: m:ss, under the five minutes a high-severity crisis waits.
COUNTDOWN = re.compile(r"^[0-4]:[0-5]\d$")


async def staff_account(service: WebService, username: str, role: StaffRole, group: int) -> int:
    async with service.app.store.transaction() as tx:
        found = await tx.groups.get(group)
        await add_staff(tx, PlatformRef("staff", username), role, found)
        person = await make_account(tx, username)
        await set_password(tx, person, PASSWORD, actor_person_id=None, via="test")
        return person.id


@asynccontextmanager
async def staff_page(browser: Browser, *, width: int = 360) -> AsyncIterator[Page]:
    """A page in its own browser profile, failing on any Content-Security-Policy report."""
    context = await phone_context(browser, width=width, height=800)
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


async def sign_in(page: Page, service: WebService, username: str, shot: str | None = None) -> None:
    await page.goto(service.url("/staff/login"))
    await page.get_by_label("Käyttäjätunnus").fill(username)
    await page.get_by_label("Salasana").fill(PASSWORD)
    if shot:
        await screenshot(page, shot)
    await page.get_by_role("button", name="Kirjaudu", exact=True).click()
    await expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()


async def test_a_facilitator_creates_a_group_moves_a_session_and_sees_the_roster(
    browser: Browser, web_service: WebService
) -> None:
    service = web_service
    first = await service.open_group()
    pseudonym = await service.memory_join("aino", first.code)
    await staff_account(service, "fanni", StaffRole.FACILITATOR, first.id)
    async with staff_page(browser) as page:
        await sign_in(page, service, "fanni", shot="dashboard-login")
        await expect(page).to_have_url(service.url("/staff/groups"))
        start = SystemClock().now().date() + timedelta(days=14)
        await page.get_by_label("Ohjelma", exact=True).select_option("tunteet")
        await page.get_by_label("Ryhmän nimi", exact=True).fill("Kevään tunneryhmä")
        await page.get_by_label("Ensimmäinen tapaaminen: päivä").fill(start.isoformat())
        await page.get_by_label("Kellonaika", exact=True).fill("18:00")
        await screenshot(page, "dashboard-new-group")
        await page.get_by_role("button", name="Luo ryhmä").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Kevään tunneryhmä")
        await expect(page.locator(".session")).to_have_count(9)
        await screenshot(page, "dashboard-group-created")
        created = int(page.url.rsplit("/", 1)[1])

        session = page.locator("#session-2")
        await session.get_by_text("Muuta tapaamista 2").click()
        moved_to = start + timedelta(days=8)
        await session.get_by_label("Uusi päivä").fill(moved_to.isoformat())
        await session.get_by_label("Uusi kellonaika").fill("17:30")
        await session.get_by_role("button", name="Siirrä tapaaminen").click()
        await expect(page.locator(".note")).to_contain_text("Tapaaminen 2")
        await screenshot(page, "dashboard-session-moved")
        async with service.app.store.transaction() as tx:
            moved = await tx.schedule.session_by_number(created, 2)
        assert moved is not None and moved.status is SessionStatus.SCHEDULED
        assert moved.starts_at.date() == moved_to

        await page.goto(service.url(f"/staff/groups/{first.id}"))
        roster = page.locator("table.roster")
        await expect(roster).to_contain_text(pseudonym)
        await expect(roster).to_contain_text("osallistuja")
        assert "aino" not in (await roster.inner_text()).replace(pseudonym, "")
        await roster.scroll_into_view_if_needed()
        await screenshot(page, "dashboard-roster")


async def test_a_crisis_shows_up_live_and_acknowledge_stops_the_escalation(
    browser: Browser, web_service: WebService
) -> None:
    service = web_service
    group = await service.open_group()
    pseudonym = await service.memory_join("aino", group.code)
    await staff_account(service, "mira", StaffRole.MODERATOR, group.id)
    async with staff_page(browser) as page:
        await sign_in(page, service, "mira")
        await expect(page).to_have_url(service.url("/staff/queue"))
        await expect(page.locator("#queue-items")).to_have_attribute("data-live-state", "on")
        await expect(page.locator(".empty")).to_be_visible()

        await service.memory_says("aino", CRISIS)
        item = page.locator("li.item").first
        await expect(item).to_contain_text(CRISIS, timeout=10_000)
        await expect(item).to_contain_text(pseudonym)
        await expect(page.locator("#live-status")).to_have_text("Uusi hälytys tuli.")
        countdown = item.locator("time[data-due]")
        await expect(countdown).to_have_text(COUNTDOWN)
        await screenshot(page, "dashboard-queue-crisis")
        async with service.app.store.transaction() as tx:
            [open_item] = await tx.reviews.queue([group.id])
            assert open_item.escalate_at is not None

        await item.get_by_role("button", name="Kuittaa").click()
        await expect(page.locator(".note")).to_contain_text(f"#{open_item.id}")
        await expect(page.locator("li.item").first).to_contain_text("kuitattu")
        await expect(page.locator("time[data-due]")).to_have_count(0)
        await screenshot(page, "dashboard-queue-acknowledged")
    async with service.app.store.transaction() as tx:
        taken = await tx.reviews.get(open_item.id)
        assert taken is not None and taken.status is ReviewStatus.ACKNOWLEDGED
        assert taken.escalate_at is None, "no escalation is due any more"
        assert await tx.reviews.due_escalations(SystemClock().now() + timedelta(hours=1)) == []
        actions = [e.action for e in await tx.audit.recent(group_id=group.id)]
    assert "review.acknowledge" in actions


async def test_forms_without_their_token_and_forged_cookies_are_refused(
    browser: Browser, web_service: WebService
) -> None:
    service = web_service
    group = await service.open_group()
    await staff_account(service, "mira", StaffRole.MODERATOR, group.id)
    async with staff_page(browser) as page:
        await sign_in(page, service, "mira")
        bare = await page.context.request.post(service.url("/staff/logout"), form={})
        forged = await page.context.request.post(
            service.url("/staff/logout"), form={"csrf": "0" * 64}
        )
        login = await page.context.request.post(
            service.url("/staff/login"), form={"username": "mira", "password": PASSWORD}
        )
        assert (bare.status, forged.status, login.status) == (403, 403, 403)
        await page.goto(service.url("/staff/queue"))
        await expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()

    async with staff_page(browser) as stranger:
        await stranger.context.add_cookies(
            [{"name": "piiri_staff", "value": "väärennetty-" + "a" * 30, "url": service.base_url}]
        )
        await stranger.goto(service.url("/staff/queue"))
        await expect(stranger).to_have_url(service.url("/staff/login"))
        refused = await stranger.context.request.post(
            service.url("/staff/queue/1/ack"), form={"csrf": "a" * 64}
        )
        assert refused.status == 403
        await screenshot(stranger, "dashboard-forged-cookie")


async def test_no_serious_accessibility_violations_in_finnish(
    browser: Browser, web_service: WebService
) -> None:
    service = web_service
    group = await service.open_group()
    await service.memory_join("aino", group.code)
    await staff_account(service, "fanni", StaffRole.FACILITATOR, group.id)
    await staff_account(service, "mira", StaffRole.MODERATOR, group.id)
    await service.memory_says("aino", CRISIS)
    found = {}
    async with staff_page(browser) as page:
        await page.goto(service.url("/staff/login"))
        found["login"] = await axe_violations(page)
        await sign_in(page, service, "fanni")
        await page.goto(service.url("/staff/groups"))
        found["groups"] = await axe_violations(page)
        await page.goto(service.url(f"/staff/groups/{group.id}"))
        found["group"] = await axe_violations(page)
        await page.goto(service.url(f"/staff/groups/{group.id}/report"))
        found["report"] = await axe_violations(page)
        await screenshot(page, "dashboard-report")
    async with staff_page(browser, width=1024) as page:
        await sign_in(page, service, "mira")
        await page.goto(service.url("/staff/queue"))
        await expect(page.locator("li.item")).to_have_count(1)
        found["queue"] = await axe_violations(page)
        await screenshot(page, "dashboard-queue-desktop")
    async with service.app.store.transaction() as tx:
        person = await make_account(tx, "anna")
        await tx.persons.set_admin(person, True)
        await set_password(tx, person, PASSWORD, actor_person_id=None, via="test")
    async with staff_page(browser) as page:
        await sign_in(page, service, "anna")
        for name in ("accounts", "audit", "messages"):
            await page.goto(service.url(f"/staff/{name}"))
            found[name] = await axe_violations(page)
        await screenshot(page, "dashboard-messages")
    assert found == {
        "login": [],
        "groups": [],
        "group": [],
        "report": [],
        "queue": [],
        "accounts": [],
        "audit": [],
        "messages": [],
    }
