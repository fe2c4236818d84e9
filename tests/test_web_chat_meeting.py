"""The chat page's session timer: a member sees when their group meets next, how soon it
starts and how long it has left, from the store's own session times."""

from __future__ import annotations

from datetime import UTC, timedelta

from playwright.async_api import Browser, expect

from tests.browser import screenshot
from tests.test_web_chat_browser import join, member_page
from tests.web_service import WebService, wait_for, web_member, web_service

__all__ = ["web_service"]


async def test_a_member_is_told_their_next_meeting_and_a_newcomer_nothing(
    web_service: WebService,
) -> None:
    group = await web_service.open_group()
    async with web_member(web_service) as member:
        await member.join(group.code)
        assert member.meetings and member.meetings[0] is None, "before joining: no group yet"
        await member.send({"type": "meeting"})
        await wait_for(lambda: member.meetings[-1] is not None, "the meeting")
    told = member.meetings[-1]
    assert told is not None
    async with web_service.app.store.transaction() as tx:
        first = (await tx.schedule.sessions(group.id))[0]
    assert told["number"] == 1
    starts = first.starts_at.astimezone(UTC).isoformat(timespec="seconds")
    assert told["starts_at"] == starts.replace("+00:00", "Z")


async def test_the_page_shows_the_next_meeting(browser: Browser, web_service: WebService) -> None:
    group = await web_service.open_group()
    async with member_page(browser) as page:
        await join(page, web_service.join_link(group))
        timer = page.locator("#meeting-timer")
        await expect(timer).to_be_visible(timeout=15000)
        await expect(timer).to_contain_text("Seuraava tapaaminen")


async def test_the_timer_counts_down_to_the_meeting_and_through_it(
    browser: Browser, web_service: WebService
) -> None:
    group = await web_service.open_group()
    async with web_service.app.store.transaction() as tx:
        first = (await tx.schedule.sessions(group.id))[0]
    async with member_page(browser) as page:
        await join(page, web_service.join_link(group))
        timer = page.locator("#meeting-timer")
        await expect(timer).to_be_visible(timeout=15000)

        await page.clock.set_fixed_time(first.starts_at - timedelta(minutes=30))
        await page.reload()
        await expect(timer).to_have_text("Tapaaminen alkaa 30 minuutin päästä")

        left = (first.ends_at - first.starts_at) - timedelta(minutes=10)
        await page.clock.set_fixed_time(first.starts_at + timedelta(minutes=10))
        await page.reload()
        await expect(timer).to_have_text(f"Tapaaminen käynnissä: {left.seconds // 60} min jäljellä")
        await screenshot(page, "web-chat-meeting-on")
