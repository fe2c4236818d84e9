"""Dashboard accounts in the store, on both engines: passwords, lockout, sessions with their
idle and absolute ends, one-time links, and the first admin."""

from __future__ import annotations

from datetime import timedelta

from bot.dashboard.accounts import (
    Policy,
    SignIn,
    bootstrap_admin,
    current_session,
    make_account,
    open_session,
    redeem_link,
    set_password,
    sign_in,
    token_hash,
    use_link,
    welcome_link,
)
from storage.clock import ManualClock
from storage.store import Store

PASSWORD = "kissa-istuu-puussa-7"
POLICY = Policy(lock_after=3)


async def test_lockout_after_failures_and_sessions_that_end(
    store: Store, clock: ManualClock
) -> None:
    async with store.transaction() as tx:
        person = await make_account(tx, "Mira")
        await set_password(tx, person, PASSWORD, actor_person_id=None, via="test")
    async with store.transaction() as tx:
        results = [
            (await sign_in(tx, "mira", "väärin", clock.now(), POLICY)).result for _ in range(3)
        ]
        assert results == [SignIn.WRONG, SignIn.WRONG, SignIn.JUST_LOCKED]
        assert (await sign_in(tx, "mira", PASSWORD, clock.now(), POLICY)).result is SignIn.LOCKED
    clock.advance(POLICY.lock_for)
    async with store.transaction() as tx:
        outcome = await sign_in(tx, " MIRA", PASSWORD, clock.now(), POLICY)
        assert outcome.result is SignIn.OK and outcome.person_id == person.id
        token = await open_session(tx, person.id, clock.now(), POLICY)
        assert await tx.staff_accounts.find_session(token) is None, "only the hash is kept"
        assert await tx.staff_accounts.find_session(token_hash(token)) is not None
    clock.advance(POLICY.session_idle - timedelta(seconds=1))
    async with store.transaction() as tx:
        assert await current_session(tx, token, clock.now(), POLICY) is not None
    clock.advance(POLICY.session_idle)
    async with store.transaction() as tx:
        assert await current_session(tx, token, clock.now(), POLICY) is None
        assert await current_session(tx, "ei-mikään-tunniste", clock.now(), POLICY) is None
        stale = await open_session(tx, person.id, clock.now(), POLICY)
    clock.advance(POLICY.session_absolute)
    async with store.transaction() as tx:
        await open_session(tx, person.id, clock.now(), POLICY)
        assert await tx.staff_accounts.find_session(token_hash(stale)) is None, "cleared"
        actions = [e.action for e in reversed(await tx.audit.recent())]
    assert actions.count("staff.login_failed") == 3
    assert "staff.locked" in actions and "staff.login_refused" in actions
    assert actions[-1] == "staff.login"


async def test_links_work_once_and_the_first_admin_is_made_once(
    store: Store, clock: ManualClock
) -> None:
    path = await bootstrap_admin(store, clock)
    assert path is not None
    token = path.rsplit("/", 1)[1]
    again = await bootstrap_admin(store, clock)
    assert again is not None and again != path
    async with store.transaction() as tx:
        assert await redeem_link(tx, token, clock.now()) is None, "a newer link replaced it"
        admin = await redeem_link(tx, again.rsplit("/", 1)[1], clock.now())
        assert admin is not None and admin.is_admin and admin.transport == "staff"
        await set_password(tx, admin, PASSWORD, actor_person_id=admin.id, via="link")
        await use_link(tx, again.rsplit("/", 1)[1])
        assert await redeem_link(tx, again.rsplit("/", 1)[1], clock.now()) is None
    assert await bootstrap_admin(store, clock) is None
    async with store.transaction() as tx:
        reset = await welcome_link(tx, admin, clock.now(), POLICY)
    clock.advance(POLICY.link_valid)
    async with store.transaction() as tx:
        assert await redeem_link(tx, reset.rsplit("/", 1)[1], clock.now()) is None
        [(account, credential)] = await tx.staff_accounts.accounts("staff")
    assert account.id == admin.id and credential is not None and credential.password_hash
    assert PASSWORD not in credential.password_hash and credential.password_hash.startswith(
        "$argon2id$"
    )
