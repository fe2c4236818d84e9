"""Invite codes: made, checked and revoked.

A code is 20 characters from a 32-letter alphabet with no look-alikes (100 bits), so it cannot
be guessed, and it is easy to type from a poster: case, spaces and dashes do not matter. Only a
keyed hash of it is stored.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from storage.models import Group, GroupStatus, Invite, Role
from storage.store import Transaction

ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
CODE_LENGTH = 20
# Statuses a group can be joined in; a paused group still takes people for when it resumes.
JOINABLE = (GroupStatus.ENROLLING, GroupStatus.RUNNING, GroupStatus.PAUSED)
INVITABLE = (Role.PARTICIPANT, Role.PEER_SUPPORTER)


class InviteProblem(enum.StrEnum):
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED_UP = "used_up"
    GROUP_CLOSED = "group_closed"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed or a link carried, in the form the code was made in."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def looks_like_code(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


def deep_link(bot_username: str | None, code: str) -> str | None:
    """`https://t.me/<bot>?start=<code>`, when the Telegram bot's name is configured."""
    if not bot_username:
        return None
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def problem_with(invite: Invite | None, group: Group | None, now: datetime) -> InviteProblem | None:
    if invite is None or group is None:
        return InviteProblem.UNKNOWN
    if invite.revoked_at is not None:
        return InviteProblem.REVOKED
    if invite.expires_at is not None and invite.expires_at <= now:
        return InviteProblem.EXPIRED
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteProblem.USED_UP
    if group.status not in JOINABLE:
        return InviteProblem.GROUP_CLOSED
    return None


async def create_invite(
    tx: Transaction,
    group: Group,
    *,
    max_uses: int | None,
    expires_at: datetime | None,
    actor_person_id: int | None,
    via: str,
    role: Role = Role.PARTICIPANT,
) -> tuple[str, Invite]:
    """A new code for the group; the code itself is returned once and never stored.

    A code may make its users peer supporters: people who finished a programme, invited to
    help in a new group (shown with a badge). Staff are set up by an operator instead.
    """
    if role not in INVITABLE:
        raise ValueError(f"an invite cannot make someone a {role.value}")
    code = new_code()
    invite = await tx.invites.create(
        group.id,
        code,
        max_uses=max_uses,
        expires_at=expires_at,
        created_by_person_id=actor_person_id,
        role=role.value,
    )
    await tx.audit.append(
        "invite.created",
        actor_person_id=actor_person_id,
        group_id=group.id,
        subject=f"invite:{invite.id}",
        details={
            "max_uses": max_uses,
            "expires_at": expires_at.isoformat() if expires_at else None,
            "role": role.value,
            "via": via,
        },
    )
    return code, invite


async def revoke_invite(
    tx: Transaction, code: str, *, actor_person_id: int | None, via: str
) -> Invite | None:
    invite = await tx.invites.find(normalise_code(code))
    if invite is None:
        return None
    await revoke(tx, invite, actor_person_id=actor_person_id, via=via)
    return invite


async def revoke(tx: Transaction, invite: Invite, *, actor_person_id: int | None, via: str) -> bool:
    """Stop a code working (the dashboard knows it by its row, not its code); False when it
    was revoked already."""
    if invite.revoked_at is not None:
        return False
    await tx.invites.revoke(invite)
    await tx.audit.append(
        "invite.revoked",
        actor_person_id=actor_person_id,
        group_id=invite.group_id,
        subject=f"invite:{invite.id}",
        details={"via": via},
    )
    return True
