"""Dashboard accounts: who may sign in, with what, and for how long.

A dashboard account is a `Person` on the transport "staff" whose external id is the username;
its roles are the same rows as any staff member's (admin flag, facilitator or moderator
memberships), so every role check of the chat commands holds here unchanged. This module adds
only what a password needs: the credential, lockout after repeated failures, sessions, and
one-time links to set a password (the first admin's, a new colleague's, a reset).
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.dashboard.passwords import hash_password, verify_password
from groups.staff import DASHBOARD, StaffError, parse_ref
from storage.clock import Clock
from storage.models import Person, StaffSession
from storage.store import Store, Transaction

TRANSPORT = DASHBOARD
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
WELCOME_PATH = "/staff/welcome/"


@dataclass(frozen=True, slots=True)
class Policy:
    """How long things last and how many wrong passwords are tolerated."""

    lock_after: int = 5
    lock_for: timedelta = timedelta(minutes=15)
    session_idle: timedelta = timedelta(minutes=30)
    session_absolute: timedelta = timedelta(hours=12)
    link_valid: timedelta = timedelta(hours=24)


class SignIn(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    # This attempt was one too many: the account is now locked.
    JUST_LOCKED = "just_locked"


@dataclass(frozen=True, slots=True)
class Outcome:
    result: SignIn
    person_id: int | None = None


def inbox_chat(person: Person) -> str:
    """The dashboard account's private chat: what Piiri sends a staff member privately (an
    alert, a member's answer in a private contact, a notice to facilitators) waits in the
    outbox under it and is read on the dashboard (`bot.dashboard.inbox`)."""
    return f"person:{person.id}"


def normalise_username(text: str) -> str:
    return text.strip().casefold()


def valid_username(text: str) -> bool:
    try:
        parse_ref(f"{DASHBOARD}:{text}")
    except StaffError:
        return False
    return True


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def looks_like_token(text: str) -> bool:
    """What `new_token` makes; anything else (a forged or mangled cookie) is no session."""
    return _TOKEN.fullmatch(text) is not None


def new_token() -> str:
    return secrets.token_urlsafe(32)


async def find_account(tx: Transaction, username: str) -> Person | None:
    return await tx.persons.find(TRANSPORT, normalise_username(username))


async def sign_in(
    tx: Transaction, username: str, password: str, now: datetime, policy: Policy
) -> Outcome:
    """Check a password; every outcome is audited (never with the username or password)."""
    person = await find_account(tx, username)
    credential = await tx.staff_accounts.credential(person.id) if person else None
    if person is None or credential is None or person.erased_at is not None:
        verify_password(None, password)
        await tx.audit.append("staff.login_failed", actor_person_id=None, details={"known": False})
        return Outcome(SignIn.WRONG)
    subject = f"person:{person.id}"
    if credential.locked_until is not None and credential.locked_until > now:
        await tx.audit.append(
            "staff.login_refused", actor_person_id=None, subject=subject, reason="locked"
        )
        return Outcome(SignIn.LOCKED, person.id)
    if not verify_password(credential.password_hash, password):
        locked = await tx.staff_accounts.record_failure(
            credential, lock_after=policy.lock_after, lock_until=now + policy.lock_for
        )
        await tx.audit.append(
            "staff.login_failed", actor_person_id=None, subject=subject, details={"known": True}
        )
        if locked:
            await tx.audit.append(
                "staff.locked",
                actor_person_id=None,
                subject=subject,
                details={"minutes": int(policy.lock_for.total_seconds() // 60)},
            )
            return Outcome(SignIn.JUST_LOCKED, person.id)
        return Outcome(SignIn.WRONG, person.id)
    await tx.staff_accounts.record_success(credential)
    await tx.persons.identify(TRANSPORT, normalise_username(username), dm_chat=inbox_chat(person))
    await tx.audit.append("staff.login", actor_person_id=person.id, subject=subject)
    return Outcome(SignIn.OK, person.id)


async def open_session(tx: Transaction, person_id: int, now: datetime, policy: Policy) -> str:
    """A new session; returns the cookie's token (only its hash is kept). Sessions that ran
    out (anyone's) are cleared on the way."""
    await tx.staff_accounts.purge_sessions(now, now - policy.session_idle)
    token = new_token()
    await tx.staff_accounts.open_session(
        person_id, token_hash(token), now + policy.session_absolute
    )
    return token


async def current_session(
    tx: Transaction, token: str, now: datetime, policy: Policy
) -> tuple[StaffSession, Person] | None:
    """The live session behind a cookie, refreshed; None (and ended) when it ran out."""
    if not looks_like_token(token):
        return None
    row = await tx.staff_accounts.find_session(token_hash(token))
    if row is None:
        return None
    person = await tx.persons.get(row.person_id)
    expired = row.expires_at <= now or row.last_seen_at + policy.session_idle <= now
    if expired or person is None or person.erased_at is not None:
        await tx.staff_accounts.end_session(row)
        return None
    if now - row.last_seen_at >= timedelta(seconds=30):
        await tx.staff_accounts.touch_session(row)
    return row, person


async def set_password(
    tx: Transaction, person: Person, password: str, *, actor_person_id: int | None, via: str
) -> None:
    """A new password: the old sessions end, and it is audited."""
    credential = await tx.staff_accounts.ensure_credential(person.id)
    await tx.staff_accounts.set_password(credential, hash_password(password))
    await tx.staff_accounts.end_sessions_of(person.id)
    await tx.audit.append(
        "staff.password_set",
        actor_person_id=actor_person_id,
        subject=f"person:{person.id}",
        details={"via": via},
    )


async def make_account(tx: Transaction, username: str) -> Person:
    """The person behind a username, with a credential row (no password yet) and a
    dashboard inbox (see `inbox_chat`)."""
    name = normalise_username(username)
    person = await tx.persons.identify(TRANSPORT, name)
    await tx.persons.identify(TRANSPORT, name, dm_chat=inbox_chat(person))
    await tx.staff_accounts.ensure_credential(person.id)
    return person


async def welcome_link(tx: Transaction, person: Person, now: datetime, policy: Policy) -> str:
    """A one-time path `/staff/welcome/<token>` where the person sets a password; any earlier
    link of theirs stops working."""
    token = new_token()
    await tx.staff_accounts.add_link(person.id, token_hash(token), now + policy.link_valid)
    return WELCOME_PATH + token


async def redeem_link(tx: Transaction, token: str, now: datetime) -> Person | None:
    """The person a link is for, if it is unused and in time; it is not used up here."""
    if not looks_like_token(token):
        return None
    link = await tx.staff_accounts.find_link(token_hash(token))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    person = await tx.persons.get(link.person_id)
    return person if person is not None and person.erased_at is None else None


async def use_link(tx: Transaction, token: str) -> None:
    link = await tx.staff_accounts.find_link(token_hash(token))
    if link is not None:
        await tx.staff_accounts.use_link(link)


async def bootstrap_admin(
    store: Store, clock: Clock, *, username: str = "admin", policy: Policy | None = None
) -> str | None:
    """On a store with no dashboard admin who has set a password: an admin account (created
    when missing) and a fresh one-time link path `/staff/welcome/<token>` for setting its
    password, valid for a day. None once an admin has a password. The caller shows the link
    on the terminal; it is never logged."""
    policy = policy or Policy()
    async with store.transaction() as tx:
        if await tx.staff_accounts.admin_with_password():
            return None
        person = await make_account(tx, username)
        if not person.is_admin:
            await tx.persons.set_admin(person, True)
            await tx.audit.append(
                "staff.added",
                actor_person_id=None,
                subject=f"person:{person.id}",
                details={"role": "admin", "via": "first-start"},
            )
        return await welcome_link(tx, person, clock.now(), policy)
