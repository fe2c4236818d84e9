"""Groups on the dashboard: created from a programme, their schedule changed, prompts
previewed, an announcement sent, the roster by pseudonym, and invite codes with a join link
and a QR code; every change by the facilitator command's own rules, and audited."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from groups.staff import StaffRole
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from storage.models import GroupStatus, SessionStatus
from tests.dashboard_helpers import WARNINGS, Desk, running_desk
from tests.joining import join, joinable_group

pytestmark = WARNINGS

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
async def desk(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[Desk]:
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=HELSINKI))
    async with running_desk(tmp_path, sqlite_template, cipher, clock) as running:
        yield running


async def audit_actions(desk: Desk, group_id: int) -> list[str]:
    async with desk.store.transaction() as tx:
        return [e.action for e in await tx.audit.recent(group_id=group_id)]


async def test_an_admin_creates_a_group_from_a_programme_and_facilitates_it(desk: Desk) -> None:
    await desk.account("anna", StaffRole.ADMIN)
    await desk.login("anna")
    made = await desk.post(
        "/staff/groups",
        {
            "programme": "tunteet",
            "name": "Kevään tunneryhmä",
            "date": "2027-01-19",
            "time": "18:00",
            "language": "fi",
            "mode": "relay",
        },
        page="/staff/groups",
    )
    assert made.status == 303
    group_id = int(made.headers["Location"].rsplit("/", 1)[1])
    page = await (await desk.client.get(made.headers["Location"])).text()
    assert "Kevään tunneryhmä" in page and page.count('class="session"') == 9
    async with desk.store.transaction() as tx:
        group = await tx.groups.get(group_id)
        assert group is not None and group.status is GroupStatus.ENROLLING
        [me] = await tx.memberships.for_group(group_id)
    assert me.role.value == "facilitator"
    assert "group.created" in await audit_actions(desk, group_id)


async def test_a_facilitator_reschedules_skips_pauses_resumes_and_announces(desk: Desk) -> None:
    h = desk.harness
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    await desk.account("fanni", StaffRole.FACILITATOR, group.id)
    pseudonym = await join(h, "aino", group.code)
    await desk.login("fanni")
    home = await desk.client.get("/staff", allow_redirects=False)
    assert home.headers["Location"] == "/staff/groups"
    listing = await (await desk.client.get("/staff/groups")).text()
    assert "Iltapiiri" in listing

    path = f"/staff/groups/{group.id}"
    moved = await desk.post(
        f"{path}/reschedule",
        {"session": "2", "date": "2027-01-20", "time": "17:30"},
        page=path,
    )
    assert moved.status == 303
    await desk.post(f"{path}/skip", {"session": "3"}, page=path)
    await desk.post(
        f"{path}/announce", {"text": "Ensi viikolla aloitetaan tuntia myöhemmin."}, page=path
    )
    await h.settle()
    async with desk.store.transaction() as tx:
        second = await tx.schedule.session_by_number(group.id, 2)
        third = await tx.schedule.session_by_number(group.id, 3)
    assert second is not None and second.starts_at.astimezone(HELSINKI) == datetime(
        2027, 1, 20, 17, 30, tzinfo=HELSINKI
    )
    assert third is not None and third.status is SessionStatus.SKIPPED
    told = h.transport.texts("aino")
    assert any("Ensi viikolla aloitetaan tuntia myöhemmin." in text for text in told)

    await desk.post(f"{path}/pause", page=path)
    paused = await (await desk.client.get(path)).text()
    assert f'action="{path}/resume"' in paused
    await desk.post(f"{path}/resume", page=path)

    roster = await (await desk.client.get(path)).text()
    assert pseudonym in roster and "aino" not in roster.replace(pseudonym, "")
    preview = await desk.client.get(f"{path}/sessions/1")
    assert preview.status == 200
    assert {
        "session.rescheduled",
        "session.skipped",
        "group.announced",
        "group.paused",
        "group.resumed",
    } <= set(await audit_actions(desk, group.id))


async def test_a_facilitator_cannot_change_another_group(desk: Desk) -> None:
    h = desk.harness
    mine = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    theirs = await joinable_group(
        h.app, h.transport, date(2027, 1, 13), facilitator="toinen", staff_room=False
    )
    await desk.account("fanni", StaffRole.FACILITATOR, mine.id)
    await desk.login("fanni")
    path = f"/staff/groups/{theirs.id}"
    assert (await desk.client.get(path)).status == 403
    assert (await desk.client.get(f"{path}/sessions/1")).status == 403
    for action, data in (
        ("skip", {"session": "2"}),
        ("pause", {}),
        ("invites", {"days": "3"}),
        ("announce", {"text": "hei"}),
    ):
        refused = await desk.post(f"{path}/{action}", data, page=f"/staff/groups/{mine.id}")
        assert refused.status == 403, action
    actions = await audit_actions(desk, theirs.id)
    assert actions.count("invite.created") == 1
    assert not {"session.skipped", "group.paused", "group.announced"} & set(actions)


async def test_invite_codes_with_a_join_link_and_a_qr_code_are_made_and_revoked(
    desk: Desk,
) -> None:
    h = desk.harness
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    await desk.account("fanni", StaffRole.FACILITATOR, group.id)
    await desk.login("fanni")
    path = f"/staff/groups/{group.id}"
    made = await desk.post(f"{path}/invites", {"days": "7", "max_uses": "20"}, page=path)
    assert made.status == 200
    page = await made.text()
    found = re.search(r'value="(http://[^"]+/j/([a-z0-9]{20}))"', page)
    assert found is not None, "the join link"
    link, code = found.groups()
    assert "<svg" in page and "<script" not in page.split("</main>")[0]
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert token is not None
    svg = await desk.client.post("/staff/invites/qr", data={"csrf": token.group(1), "code": code})
    assert svg.status == 200 and svg.content_type == "image/svg+xml"
    assert (await svg.read()).lstrip().startswith(b"<?xml")
    assert "attachment" in svg.headers["Content-Disposition"]

    async with desk.store.transaction() as tx:
        invite = await tx.invites.find(code)
    assert invite is not None and invite.max_uses == 20
    listed = await (await desk.client.get(path)).text()
    assert f"{invite.hint}…" in listed and code not in listed, "a code is shown only once"
    revoked = await desk.post(f"{path}/invites/{invite.id}/revoke", page=path)
    assert revoked.status == 303
    async with desk.store.transaction() as tx:
        again = await tx.invites.get(invite.id)
    assert again is not None and again.revoked_at is not None
    assert {"invite.created", "invite.revoked"} <= set(await audit_actions(desk, group.id))
    # Joining by the revoked code's link is refused (the member chat reads the same rows).
    assert link.endswith(code)


async def test_a_facilitator_reads_the_group_report_with_charts_and_csv(desk: Desk) -> None:
    h = desk.harness
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    await join(h, "aino", group.code)
    await desk.account("fanni", StaffRole.FACILITATOR, group.id)
    await desk.login("fanni")
    path = f"/staff/groups/{group.id}/report"
    page = await desk.client.get(path)
    text = await page.text()
    assert page.status == 200 and "Iltapiiri" in text and f'src="{path}.png"' in text
    chart = await desk.client.get(f"{path}.png")
    assert chart.status == 200 and (await chart.read()).startswith(b"\x89PNG")
    table = await desk.client.get(f"{path}.csv")
    assert table.status == 200 and table.content_type == "text/csv"
    assert "aino" not in await table.text()

    other = await desk.browser()
    theirs = await joinable_group(
        h.app, h.transport, date(2027, 1, 13), facilitator="toinen", staff_room=False
    )
    await desk.account("olli", StaffRole.FACILITATOR, theirs.id)
    await desk.login("olli", client=other)
    for suffix in ("", ".png", ".csv"):
        assert (await other.get(path + suffix)).status == 403
