"""The review queue on the dashboard: a crisis shows up live with its escalation countdown,
Acknowledge stops the escalation as `/ack` does, and each action checks the chat's roles and
leaves the chat's audit entries."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import ClientResponse

from bot.logs import QUIET_LIBRARIES, JsonFormatter, configure_logging
from groups.staff import StaffRole
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from storage.models import MembershipStatus, ReviewStatus
from tests.dashboard_helpers import PASSWORD, WARNINGS, Desk, running_desk
from tests.joining import STAFF_ROOM, join, joinable_group

pytestmark = WARNINGS

HELSINKI = ZoneInfo("Europe/Helsinki")
CRISIS = "mä haluun kuolla tänä yönä, en jaksa enää"


@pytest.fixture
async def desk(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[Desk]:
    async with running_desk(tmp_path, sqlite_template, cipher, clock) as running:
        yield running


async def crisis_group(desk: Desk) -> tuple[int, dict[str, str]]:
    h = desk.harness
    h.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    names = {p: await join(h, p, group.code) for p in ("aino", "bo")}
    return group.id, names


async def next_event(live: ClientResponse) -> tuple[str, dict[str, object]]:
    name = ""
    while True:
        line = (await live.content.readline()).decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: ") and name:
            return name, json.loads(line[len("data: ") :])


async def queue_item(desk: Desk, group_id: int) -> int:
    async with desk.store.transaction() as tx:
        [item] = await tx.reviews.queue([group_id])
        return item.id


async def test_a_crisis_appears_live_and_acknowledge_stops_its_escalation(desk: Desk) -> None:
    group_id, names = await crisis_group(desk)
    mira = await desk.account("mira", StaffRole.MODERATOR, group_id)
    await desk.login("mira")
    desk.live_seconds(0.05)
    live = await desk.client.get("/staff/queue/live")
    assert live.headers["Content-Type"] == "text/event-stream"
    _name, first = await next_event(live)
    assert first["count"] == 0

    desk.harness.transport.say("aino", CRISIS)
    await desk.harness.settle()
    name, update = await next_event(live)
    item_id = await queue_item(desk, group_id)
    html = str(update["html"])
    assert name == "queue" and update["count"] == 1 and update["newest_alert"] == item_id
    assert (
        CRISIS in html and names["aino"] in html and "aino" not in html.replace(names["aino"], "")
    )
    due = (desk.harness.clock.now() + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    assert f'data-due="{due}"' in html, "the escalation countdown"
    live.close()

    # The alert itself went to the moderator's dashboard inbox (the group has no moderators'
    # room) and, since an inbox is read only while the page is open, to the facilitators'
    # room on the chat platform too. Once taken, it leaves the inbox.
    inbox = await (await desk.client.get("/staff/messages")).text()
    assert CRISIS in inbox and inbox.count('class="card inbox-message"') == 1
    assert f'href="/staff/queue#item-{item_id}"' in inbox
    room = [m.text for m in desk.harness.transport.received.get(STAFF_ROOM, [])]
    assert any(CRISIS in text for text in room), "not only to an inbox nobody may be reading"

    page = await desk.client.get("/staff/queue")
    assert f'action="/staff/queue/{item_id}/ack"' in await page.text()
    acked = await desk.post(f"/staff/queue/{item_id}/ack", page="/staff/queue")
    assert acked.status == 303
    after = await (await desk.client.get("/staff/messages")).text()
    assert CRISIS not in after, "an alert someone took is read"
    notes = await (await desk.client.get("/staff/queue")).text()
    assert f"#{item_id}" in notes
    async with desk.store.transaction() as tx:
        item = await tx.reviews.get(item_id)
        assert item is not None and item.status is ReviewStatus.ACKNOWLEDGED
        assert item.escalate_at is None and item.acknowledged_by == mira
        before = len(await tx.reviews.alerts(item_id))
    desk.harness.clock.advance(timedelta(minutes=30))
    await desk.harness.app.scheduler.tick()
    await desk.harness.settle()
    async with desk.store.transaction() as tx:
        assert len(await tx.reviews.alerts(item_id)) == before, "never raised again"
        events = [(e.action, e.actor_person_id) for e in await tx.audit.recent(group_id=group_id)]
    assert ("review.acknowledge", mira) in events


async def test_a_private_contact_runs_both_ways_from_the_dashboard(desk: Desk) -> None:
    group_id, names = await crisis_group(desk)
    await desk.account("mira", StaffRole.MODERATOR, group_id)
    desk.harness.transport.say("aino", CRISIS)
    await desk.harness.settle()
    item_id = await queue_item(desk, group_id)
    await desk.login("mira")
    await desk.post(f"/staff/queue/{item_id}/message", {"text": "Hei, olen täällä. Miten voit?"})
    await desk.harness.settle()
    assert "Hei, olen täällä. Miten voit?" in desk.harness.transport.texts("aino")[-1]
    answer = await desk.harness.says("aino", "/mod Vähän parempi jo, kiitos")
    assert answer and "moderaattori" in answer[-1].casefold()

    page = await (await desk.client.get("/staff/messages")).text()
    assert f"{names['aino']} (#{item_id}): Vähän parempi jo, kiitos" in page
    assert (await desk.client.get("/staff/queue")).status == 200
    found = re.search(r'action="/staff/messages/(\d+)/reply"', page)
    assert found is not None
    reply_id = int(found.group(1))
    await desk.post(
        f"/staff/messages/{reply_id}/reply", {"text": "Hyvä kuulla. Kirjoita milloin vain."}
    )
    await desk.harness.settle()
    assert "Hyvä kuulla. Kirjoita milloin vain." in desk.harness.transport.texts("aino")[-1]
    after = await (await desk.client.get("/staff/messages")).text()
    assert "Vähän parempi jo" not in after, "answered means read"
    stranger = await desk.browser()
    await desk.account("olli", StaffRole.MODERATOR, group_id)
    await desk.login("olli", client=stranger)
    refused = await desk.post(
        f"/staff/messages/{reply_id}/read", page="/staff/messages", client=stranger
    )
    assert refused.status == 403, "someone else's message"


async def test_a_facilitator_of_another_group_cannot_act_or_see_the_item(desk: Desk) -> None:
    group_id, _names = await crisis_group(desk)
    h = desk.harness
    other = await joinable_group(
        h.app, h.transport, date(2027, 1, 13), facilitator="toinen", staff_room=False
    )
    await desk.account("olli", StaffRole.FACILITATOR, other.id)
    desk.harness.transport.say("aino", CRISIS)
    await desk.harness.settle()
    item_id = await queue_item(desk, group_id)
    await desk.login("olli")
    page = await (await desk.client.get("/staff/queue")).text()
    assert CRISIS not in page and f"#{item_id}" not in page
    for action in ("ack", "remove", "reveal", "kick"):
        await desk.post(
            f"/staff/queue/{item_id}/{action}", {"text": "syy tähän"}, page="/staff/queue"
        )
    async with desk.store.transaction() as tx:
        item = await tx.reviews.get(item_id)
        assert item is not None and item.status is ReviewStatus.OPEN
        actions = [e.action for e in await tx.audit.recent(group_id=group_id)]
    assert not {"review.acknowledge", "review.remove", "identity.reveal"} & set(actions)
    assert (await desk.client.get("/staff/groups/" + str(group_id))).status == 403


async def test_reveal_needs_a_moderator_and_a_reason_and_is_audited(desk: Desk) -> None:
    group_id, names = await crisis_group(desk)
    await desk.account("fanni", StaffRole.FACILITATOR, group_id)
    await desk.account("mira", StaffRole.MODERATOR, group_id)
    desk.harness.transport.say("aino", CRISIS)
    await desk.harness.settle()
    item_id = await queue_item(desk, group_id)

    await desk.login("fanni")
    await desk.post(f"/staff/queue/{item_id}/reveal", {"text": "hätätilanne"}, page="/staff/queue")
    refused = await (await desk.client.get("/staff/queue")).text()
    assert "memory user aino" not in refused

    other = await desk.browser()
    await desk.login("mira", client=other)
    await desk.post(
        f"/staff/queue/{item_id}/reveal", {"text": ""}, page="/staff/queue", client=other
    )
    await desk.post(
        f"/staff/queue/{item_id}/reveal",
        {"text": "välitön hengenvaara, soitetaan 112"},
        page="/staff/queue",
        client=other,
    )
    shown = await (await other.get("/staff/queue")).text()
    assert "aino" in shown.replace(names["aino"], "")
    async with desk.store.transaction() as tx:
        reveals = [
            e for e in await tx.audit.recent(group_id=group_id) if e.action == "identity.reveal"
        ]
    assert [e.reason for e in reveals] == ["välitön hengenvaara, soitetaan 112"]


async def test_warn_mute_remove_and_contact_go_through_the_chat_commands(desk: Desk) -> None:
    group_id, names = await crisis_group(desk)
    await desk.account("mira", StaffRole.MODERATOR, group_id)
    desk.harness.transport.say("aino", "soita mulle 0401234567")
    await desk.harness.settle()
    async with desk.store.transaction() as tx:
        items = await tx.reviews.queue([group_id])
    assert items, "personal information is held for review"
    item_id = items[0].id
    await desk.login("mira")
    before = len(desk.harness.transport.texts("aino"))
    await desk.post(f"/staff/queue/{item_id}/warn", {"text": "puhelinnumero"}, page="/staff/queue")
    await desk.post(
        f"/staff/queue/{item_id}/mute", {"length": "3d", "text": ""}, page="/staff/queue"
    )
    await desk.post(
        f"/staff/queue/{item_id}/message", {"text": "Hei, miten voit?"}, page="/staff/queue"
    )
    await desk.post(f"/staff/queue/{item_id}/kick", {"text": "toistuva"}, page="/staff/queue")
    await desk.post(f"/staff/queue/{item_id}/remove", page="/staff/queue")
    await desk.harness.settle()
    told = desk.harness.transport.texts("aino")[before:]
    assert len(told) >= 4 and any("Hei, miten voit?" in text for text in told)
    async with desk.store.transaction() as tx:
        everyone = await tx.memberships.for_group(group_id, statuses=tuple(MembershipStatus))
        membership = next(m for m in everyone if m.pseudonym == names["aino"])
        assert membership.muted_until is not None
        assert membership.muted_until - desk.harness.clock.now() == timedelta(days=3)
        actions = [e.action for e in await tx.audit.recent(group_id=group_id)]
    assert {"member.warn", "member.mute", "contact.open", "member.remove", "review.remove"} <= set(
        actions
    )


@pytest.fixture
def _library_levels() -> Iterator[None]:
    saved = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    root = logging.getLogger()
    handlers = list(root.handlers)
    yield
    root.handlers[:] = handlers
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


async def test_dashboard_logs_hold_no_text_password_token_or_username(
    desk: Desk, caplog: pytest.LogCaptureFixture, _library_levels: None
) -> None:
    configure_logging("DEBUG", "json")
    caplog.set_level(logging.DEBUG)
    group_id, _names = await crisis_group(desk)
    await desk.account("mira-4417", StaffRole.MODERATOR, group_id)
    await desk.login("mira-4417", "väärä-salasana-1")
    signed = await desk.login("mira-4417")
    token = signed.cookies["piiri_staff"].value
    desk.harness.transport.say("aino", CRISIS)
    await desk.harness.settle()
    item_id = await queue_item(desk, group_id)
    await desk.post(
        f"/staff/queue/{item_id}/reveal", {"text": "hätätilanne-9931"}, page="/staff/queue"
    )
    await desk.post(f"/staff/queue/{item_id}/ack", page="/staff/queue")
    assert caplog.records
    rendered = [JsonFormatter().format(r) for r in caplog.records]
    for line in rendered:
        for secret in (PASSWORD, "väärä-salasana-1", token, "mira-4417", "kuolla", "9931"):
            assert secret not in line
    events = {r.getMessage() for r in caplog.records}
    assert {"dashboard.sign_in", "dashboard.review_action"} <= events
