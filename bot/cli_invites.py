"""`piiri group invite|revoke-invite|bind`: letting people in, and tying a group to rooms."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import timedelta

from bot.config import Settings
from groups.invites import JOINABLE, create_invite, deep_link, revoke_invite
from groups.staff import bind_rooms, parse_ref
from groups.timezones import utc_to_local
from storage.clock import SystemClock
from storage.models import Group, Role, RoomPurpose
from storage.store import Transaction

EXIT_OK, EXIT_USAGE = 0, 2
_DURATION = re.compile(r"([0-9]+)([wdhm])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
LONGEST_INVITE = timedelta(days=3650)


class UsageError(ValueError):
    """An argument that cannot be right, said with what to write instead."""


def parse_duration(text: str, option: str) -> timedelta:
    """`14d`, `12h`, `90m` (or `2w`) as a positive timedelta."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise UsageError(f"{option} {text!r} is not a duration like 14d, 12h or 90m")
    duration = timedelta(**{_UNITS[match[2]]: int(match[1])})
    if not duration:
        raise UsageError(f"{option} must be longer than zero, like 14d, 12h or 90m")
    if duration > LONGEST_INVITE:
        raise UsageError(f"{option} can be at most {LONGEST_INVITE.days}d; leave it out for no end")
    return duration


def check_invite_args(args: argparse.Namespace) -> timedelta | None:
    if args.max_uses is not None and args.max_uses < 1:
        raise UsageError("--max-uses must be at least 1; leave it out for no limit")
    return None if args.expires is None else parse_duration(args.expires, "--expires")


async def invite(
    tx: Transaction,
    settings: Settings,
    group: Group,
    args: argparse.Namespace,
    valid_for: timedelta | None,
) -> int:
    expires_at = SystemClock().now() + valid_for if valid_for else None
    code, invite = await create_invite(
        tx,
        group,
        max_uses=args.max_uses,
        expires_at=expires_at,
        actor_person_id=None,
        via="cli",
        role=Role(args.role),
    )
    link, join = deep_link(settings.telegram.bot_username, code), f"/join {code}"
    if group.status not in JOINABLE:
        print(
            f"piiri: note: group {group.id} is {group.status.value}; the code lets people in "
            "only while it is enrolling, running or paused",
            file=sys.stderr,
        )
    if args.json:
        until = expires_at.isoformat() if expires_at else None
        shown = {
            "group": group.id,
            "invite": invite.id,
            "code": code,
            "link": link,
            "join_command": join,
            "max_uses": args.max_uses,
            "expires_at": until,
            "role": args.role,
        }
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return EXIT_OK
    uses = f"up to {args.max_uses} uses" if args.max_uses else "no limit on uses"
    local = f"{utc_to_local(expires_at, group.timezone):%Y-%m-%d %H:%M}" if expires_at else ""
    until = f"valid until {local} ({group.timezone})" if expires_at else "valid until revoked"
    who = "peer supporters" if args.role == "peer_supporter" else "participants"
    print(f"invite {invite.id} for {who} of group {group.id} ({group.name}): {uses}, {until}")
    print(f"  code: {code}  (shown only now: Piiri keeps only a hash of it)")
    print(f"  link: {link}" if link else "  link: set [telegram] bot_username to get a t.me link")
    print(f"  to join on any platform, send {join} to the bot in a private chat")
    return EXIT_OK


async def revoke(tx: Transaction, code: str) -> int:
    invite = await revoke_invite(tx, code, actor_person_id=None, via="cli")
    if invite is None:
        print("piiri: no invite has that code; check it for typos", file=sys.stderr)
        return EXIT_USAGE
    print(f"revoked invite {invite.id} of group {invite.group_id}")
    return EXIT_OK


async def bind(tx: Transaction, group: Group, args: argparse.Namespace) -> int:
    given = {p: getattr(args, p.value) for p in RoomPurpose if getattr(args, p.value) is not None}
    if not given:
        options = ", ".join(f"--{p.value}" for p in RoomPurpose)
        print(f"piiri: give at least one of {options}", file=sys.stderr)
        return EXIT_USAGE
    rooms = {purpose: parse_ref(text) for purpose, text in given.items()}
    await bind_rooms(tx, group, rooms, actor_person_id=None, via="cli")
    for purpose, ref in rooms.items():
        print(f"group {group.id}: {purpose.value} room bound on {ref.transport}")
    return EXIT_OK
