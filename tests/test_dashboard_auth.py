"""Signing in to the staff dashboard: argon2 passwords, session cookies that end, CSRF on
every form, attempts limited and accounts locked, and every step in the audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.dashboard import bootstrap_admin
from bot.dashboard.accounts import Policy
from groups.staff import StaffRole
from storage.clock import ManualClock
from storage.crypto import IdentityCipher
from tests.dashboard_helpers import PASSWORD, WARNINGS, Desk, running_desk

pytestmark = WARNINGS


@pytest.fixture
async def desk(
    tmp_path: Path, sqlite_template: Path, cipher: IdentityCipher, clock: ManualClock
) -> AsyncIterator[Desk]:
    async with running_desk(tmp_path, sqlite_template, cipher, clock) as running:
        yield running


async def actions(desk: Desk) -> list[str]:
    async with desk.store.transaction() as tx:
        return [event.action for event in reversed(await tx.audit.recent())]


async def test_a_moderator_signs_in_with_a_session_cookie_and_signs_out(desk: Desk) -> None:
    await desk.account("mira", StaffRole.ADMIN)
    unsigned = await desk.client.get("/staff/queue", allow_redirects=False)
    assert (unsigned.status, unsigned.headers["Location"]) == (303, "/staff/login")

    signed = await desk.login("Mira ")
    assert (signed.status, signed.headers["Location"]) == (303, "/staff")
    cookie = signed.cookies["piiri_staff"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/staff"
    assert not cookie["secure"], "plain http on localhost: no Secure flag"
    queue = await desk.client.get("/staff/queue")
    assert queue.status == 200 and "Tarkistusjono" in await queue.text()
    async with desk.store.transaction() as tx:
        stored = [row for row in await tx.staff_accounts.accounts("staff")]
    assert stored and cookie.value not in repr(stored)

    out = await desk.post("/staff/logout", page="/staff/queue")
    assert (out.status, out.headers["Location"]) == (303, "/staff/login")
    again = await desk.client.get("/staff/queue", allow_redirects=False)
    assert again.status == 303
    assert (await actions(desk))[-2:] == ["staff.login", "staff.logout"]


async def test_a_wrong_password_is_refused_the_same_way_as_an_unknown_name(desk: Desk) -> None:
    await desk.account("mira", StaffRole.ADMIN)
    wrong = await desk.login("mira", "arvaus-arvaus")
    unknown = await desk.login("nobody", "arvaus-arvaus")
    assert wrong.status == unknown.status == 401
    assert "piiri_staff" not in wrong.cookies
    texts = [await r.text() for r in (wrong, unknown)]
    assert all("Käyttäjätunnus tai salasana on väärin" in text for text in texts)
    assert (await actions(desk))[-2:] == ["staff.login_failed", "staff.login_failed"]


async def test_repeated_failures_lock_the_account_for_a_while(desk: Desk) -> None:
    await desk.account("mira", StaffRole.ADMIN)
    for _ in range(Policy().lock_after):
        assert (await desk.login("mira", "väärä-salasana")).status == 401
    locked = await desk.login("mira")
    assert locked.status == 401 and "tauolla" in await locked.text()
    assert "staff.locked" in await actions(desk)
    assert (await actions(desk))[-1] == "staff.login_refused"
    desk.harness.clock.advance(Policy().lock_for + timedelta(seconds=1))
    assert (await desk.login("mira")).status == 303


async def test_sign_in_attempts_are_limited_per_address(desk: Desk) -> None:
    statuses = [(await desk.login(f"user{n}", "väärä-salasana")).status for n in range(25)]
    assert statuses[:20] == [401] * 20
    assert 429 in statuses[20:]
    limited = await desk.login("user99", "väärä-salasana")
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    assert "staff.login_limited" in await actions(desk)


async def test_a_session_ends_when_idle_and_at_its_absolute_end(desk: Desk) -> None:
    await desk.account("mira", StaffRole.ADMIN)
    await desk.login("mira")
    policy = Policy()
    desk.harness.clock.advance(policy.session_idle - timedelta(minutes=1))
    assert (await desk.client.get("/staff/queue")).status == 200
    desk.harness.clock.advance(policy.session_idle + timedelta(seconds=1))
    assert (await desk.client.get("/staff/queue", allow_redirects=False)).status == 303

    await desk.login("mira")
    for _ in range(int(policy.session_absolute / (policy.session_idle / 2)) + 1):
        desk.harness.clock.advance(policy.session_idle / 2)
        await desk.client.get("/staff/queue", allow_redirects=False)
    assert (await desk.client.get("/staff/queue", allow_redirects=False)).status == 303


async def test_posts_without_the_right_csrf_token_are_refused(desk: Desk) -> None:
    await desk.account("mira", StaffRole.ADMIN)
    await desk.login("mira")
    bare = await desk.client.post("/staff/logout", allow_redirects=False)
    forged = await desk.client.post("/staff/logout", data={"csrf": "0" * 64}, allow_redirects=False)
    assert bare.status == forged.status == 403
    assert (await desk.client.get("/staff/queue")).status == 200, "still signed in"
    login_without = await desk.client.post(
        "/staff/login", data={"username": "mira", "password": PASSWORD}
    )
    assert login_without.status == 403


async def test_a_forged_session_cookie_opens_nothing(desk: Desk) -> None:
    await desk.account("mira", StaffRole.ADMIN)
    stranger = await desk.browser()
    stranger.session.cookie_jar.update_cookies({"piiri_staff": "a" * 43})
    page = await stranger.get("/staff/queue", allow_redirects=False)
    assert (page.status, page.headers["Location"]) == (303, "/staff/login")
    post = await stranger.post("/staff/queue/1/ack", data={"csrf": "a" * 64}, allow_redirects=False)
    assert post.status == 403


async def test_the_first_admin_sets_a_password_through_a_one_time_link(desk: Desk) -> None:
    path = await bootstrap_admin(desk.store, desk.harness.clock)
    assert path is not None and path.startswith("/staff/welcome/")
    page = await desk.client.get(path)
    assert page.status == 200 and "admin" in await page.text()
    token = await desk.csrf(path)
    short = await desk.client.post(
        path, data={"csrf": token, "password": "lyhyt", "again": "lyhyt"}
    )
    assert short.status == 400
    done = await desk.client.post(
        path,
        data={"csrf": token, "password": PASSWORD, "again": PASSWORD},
        allow_redirects=False,
    )
    assert (done.status, done.headers["Location"]) == (303, "/staff")
    assert (await desk.client.get("/staff/accounts")).status == 200
    assert (await desk.client.get(path)).status == 410, "a link works once"
    assert await bootstrap_admin(desk.store, desk.harness.clock) is None
    other = await desk.browser()
    assert (await desk.login("admin", client=other)).status == 303
    assert {"staff.added", "staff.password_set", "staff.login"} <= set(await actions(desk))


async def test_a_one_time_link_expires(desk: Desk) -> None:
    path = await bootstrap_admin(desk.store, desk.harness.clock)
    assert path is not None
    desk.harness.clock.advance(Policy().link_valid + timedelta(seconds=1))
    assert (await desk.client.get(path)).status == 410
    newer = await bootstrap_admin(desk.store, desk.harness.clock)
    assert newer is not None and newer != path and (await desk.client.get(newer)).status == 200


async def test_a_staff_member_chooses_the_dashboard_language(desk: Desk) -> None:
    await desk.account("mira", StaffRole.ADMIN)
    await desk.login("mira")
    finnish = await (await desk.client.get("/staff/queue")).text()
    assert '<html lang="fi">' in finnish and "Tarkistusjono" in finnish
    chosen = await desk.post(
        "/staff/language", {"language": "sv", "back": "/staff/queue"}, page="/staff/queue"
    )
    assert chosen.headers["Location"] == "/staff/queue"
    swedish = await (await desk.client.get("/staff/queue")).text()
    assert '<html lang="sv">' in swedish and "Granskningskö" in swedish
    elsewhere = await desk.post(
        "/staff/language", {"language": "en", "back": "https://evil.example/"}, page="/staff"
    )
    assert elsewhere.headers["Location"] == "/staff"
