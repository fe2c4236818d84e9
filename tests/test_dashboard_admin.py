"""For admins: the audit trail with its chain checked, and staff accounts (an admin adds a
moderator, who sets a password through a one-time link); `piiri staff password` for
operators. Nobody else sees either page."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from groups.staff import StaffRole
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from tests.cli_helpers import audit_trail, new_group
from tests.dashboard_helpers import PASSWORD, WARNINGS, Desk, running_desk
from tests.joining import joinable_group

pytestmark = WARNINGS


@pytest.fixture
async def desk(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[Desk]:
    async with running_desk(tmp_path, sqlite_template, cipher, clock) as running:
        yield running


async def test_the_audit_page_shows_events_and_checks_the_chain(desk: Desk) -> None:
    await desk.account("anna", StaffRole.ADMIN)
    await desk.login("anna")
    page = await desk.client.get("/staff/audit")
    text = await page.text()
    assert page.status == 200 and "staff.login" in text and "staff.password_set" in text
    assert 'class="card chain-ok"' in text


async def test_only_admins_see_the_audit_log_and_staff_accounts(desk: Desk) -> None:
    h = desk.harness
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    await desk.account("mira", StaffRole.MODERATOR, group.id)
    await desk.login("mira")
    assert (await desk.client.get("/staff/audit")).status == 403
    assert (await desk.client.get("/staff/accounts")).status == 403
    refused = await desk.post(
        "/staff/accounts",
        {"username": "ville", "role": "moderator", "group": str(group.id)},
        page="/staff/queue",
    )
    assert refused.status == 403
    nav = await (await desk.client.get("/staff/queue")).text()
    assert "/staff/audit" not in nav and "/staff/accounts" not in nav


async def test_an_admin_adds_a_moderator_who_sets_a_password_by_link(desk: Desk) -> None:
    h = desk.harness
    group = await joinable_group(h.app, h.transport, date(2027, 1, 12))
    admin = await desk.account("anna", StaffRole.ADMIN)
    await desk.login("anna")
    added = await desk.post(
        "/staff/accounts",
        {"username": "Ville", "role": "moderator", "group": str(group.id)},
        page="/staff/accounts",
    )
    text = await added.text()
    found = re.search(r'value="http://[^"]+(/staff/welcome/[A-Za-z0-9_-]+)"', text)
    assert added.status == 200 and found is not None
    ville = await desk.browser()
    token = await desk.csrf(found.group(1), ville)
    done = await ville.post(
        found.group(1),
        data={"csrf": token, "password": PASSWORD, "again": PASSWORD},
        allow_redirects=False,
    )
    assert done.status == 303
    assert (await ville.get("/staff/queue")).status == 200
    async with desk.store.transaction() as tx:
        staffed = [
            e
            for e in await tx.audit.recent()
            if e.action == "staff.added" and e.actor_person_id == admin
        ]
    assert staffed and staffed[0].details["via"] == "dashboard"
    listed = await (await desk.client.get("/staff/accounts")).text()
    assert "ville" in listed and "Iltapiiri" in listed


async def test_an_admin_unlocks_a_locked_account(desk: Desk) -> None:
    await desk.account("anna", StaffRole.ADMIN)
    mira = await desk.account("mira", StaffRole.ADMIN)
    other = await desk.browser()
    for _ in range(5):
        await desk.login("mira", "väärin-väärin", client=other)
    assert (await desk.login("mira", client=other)).status == 401
    await desk.login("anna")
    unlocked = await desk.post(f"/staff/accounts/{mira}/unlock", page="/staff/accounts")
    assert unlocked.status == 303
    assert (await desk.login("mira", client=other)).status == 303


def test_an_operator_sets_a_password_from_the_command_line(
    configured: Path,
    database_url: str,
    secret_key: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    group = new_group(capsys)
    assert main(["staff", "add", "staff:Anna", "--role", "facilitator", "--group", group]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("lyhyt\n"))
    assert main(["staff", "password", "anna", "--stdin"]) == 2
    assert "at least 10" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["staff", "password", "anna", "--stdin"]) == 0
    out = capsys.readouterr().out
    assert PASSWORD not in out and "staff:anna" in out
    assert main(["staff", "password", "anna", "--link"]) == 0
    assert re.search(r"/staff/welcome/[A-Za-z0-9_-]{43}$", capsys.readouterr().out.strip())
    actions = [e.action for e in audit_trail(database_url, secret_key)]
    assert "staff.password_set" in actions
    assert not any(PASSWORD in str(e.details) for e in audit_trail(database_url, secret_key))
