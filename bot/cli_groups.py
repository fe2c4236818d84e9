"""`piiri group create|list|show|status|schedule|rules|invite|revoke-invite|bind`: groups.

Output is for people by default; `--json` prints stable JSON (a list of objects with an `id`,
or one object) for scripts. Mistakes in the arguments are answered with what to write instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot import cli_group_rules
from bot.cli_invites import UsageError, bind, check_invite_args, invite, revoke
from bot.config import Settings
from bot.i18n import Catalogues
from bot.secret_key import load_secret_key
from groups.calendar import schedule_ics
from groups.firing import ProgrammeCache
from groups.lifecycle import GroupError, check_transition
from groups.planning import NewGroup, check_zone, create_group
from groups.programme_library import ProgrammeLibrary
from groups.schedule import ScheduleError, Series, parse_dates, parse_every, parse_local
from groups.settings import SettingError
from groups.staff import StaffError
from groups.timezones import utc_to_local
from storage.clock import SystemClock
from storage.engine import create_engine
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Group, GroupMode, GroupSession, GroupStatus, RoomPurpose
from storage.store import Store, Transaction

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
# Running and paused follow from the schedule and from pause/resume, not from a command.
SETTABLE = (GroupStatus.DRAFT, GroupStatus.ENROLLING, GroupStatus.FINISHED, GroupStatus.ARCHIVED)


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser("group", parents=[common], help="create and inspect groups")
    actions = group.add_subparsers(dest="group_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", parents=[common], help="create a group from a programme")
    create.add_argument("--program", required=True, metavar="KEY", help="see `piiri programs list`")
    create.add_argument("--name", required=True)
    create.add_argument("--lang", default="fi", choices=("fi", "sv", "en"))
    create.add_argument("--tz", default=None, metavar="ZONE", help="default: [schedule] zone")
    create.add_argument(
        "--start", required=True, metavar='"YYYY-MM-DD HH:MM"', help="session 1, local time"
    )
    create.add_argument("--every", default="7d", metavar="7d", help="days between sessions")
    create.add_argument("--mode", default="relay", choices=("relay", "room"))
    create.add_argument(
        "--skip", nargs="*", default=[], metavar="YYYY-MM-DD", help="dates with no session"
    )
    create.add_argument("--capacity", type=int, default=None, metavar="N")
    create.add_argument("--draft", action="store_true", help="create it as a draft, not enrolling")
    create.add_argument("--json", action="store_true")
    listing = actions.add_parser("list", parents=[common], help="all groups")
    listing.add_argument("--json", action="store_true")
    show = actions.add_parser("show", parents=[common], help="one group and its sessions")
    show.add_argument("group", type=int, metavar="GROUP")
    show.add_argument("--json", action="store_true")
    status = actions.add_parser(
        "status", parents=[common], help="open a draft for enrolment, finish or archive a group"
    )
    status.add_argument("group", type=int, metavar="GROUP")
    status.add_argument("status", choices=[s.value for s in SETTABLE])
    schedule = actions.add_parser("schedule", parents=[common], help="a group's session times")
    schedule.add_argument("group", type=int, metavar="GROUP")
    schedule.add_argument("--ics", type=Path, metavar="FILE", help="write an iCalendar file")
    schedule.add_argument("--lang", default=None, choices=("fi", "sv", "en"))
    cli_group_rules.add_parser(actions, common)
    invite = actions.add_parser("invite", parents=[common], help="make a code people join with")
    invite.add_argument("group", type=int, metavar="GROUP")
    invite.add_argument("--max-uses", type=int, metavar="N", help="default: no limit")
    invite.add_argument("--expires", metavar="14d", help="14d, 12h or 90m; default: never")
    invite.add_argument(
        "--as",
        dest="role",
        default="participant",
        choices=("participant", "peer_supporter"),
        help="peer_supporter: for someone who finished a programme, invited to help",
    )
    invite.add_argument("--json", action="store_true")
    revoke = actions.add_parser("revoke-invite", parents=[common], help="stop a code working")
    revoke.add_argument("code", metavar="CODE")
    bind = actions.add_parser("bind", parents=[common], help="tie a group to platform rooms")
    bind.add_argument("group", type=int, metavar="GROUP")
    for purpose in RoomPurpose:
        bind.add_argument(
            f"--{purpose.value}",
            metavar="PLATFORM:ROOM_ID",
            help="e.g. telegram:-1001234567890 or matrix:!abc:example.org"
            + (" (room mode only)" if purpose is RoomPurpose.ROOM else ""),
        )


class SchemaBehindError(RuntimeError):
    pass


@asynccontextmanager
async def open_store(settings: Settings) -> AsyncIterator[Store]:
    platforms = settings.telegram.enabled or settings.matrix.enabled
    key = load_secret_key(os.environ, data_dir=settings.data.dir, allow_local_file=not platforms)
    engine = create_engine(settings.database.url)
    if await current_revision(engine) != head_revision():
        if engine.dialect.name != "sqlite":
            # A shared store is migrated on purpose, never as a side effect of a query.
            await engine.dispose()
            raise SchemaBehindError(
                "the store's schema is not the newest; run `piiri db upgrade` first"
            )
        print("piiri: bringing the store's schema up to date first", file=sys.stderr)
        await upgrade(engine)
    store = Store(engine, key.cipher, SystemClock())
    try:
        yield store
    finally:
        await store.close()


async def run(settings: Settings, args: argparse.Namespace) -> int:
    library = ProgrammeLibrary.load(settings.programmes.dir)
    english = Catalogues().translator("en")
    try:
        valid_for = check_invite_args(args) if args.group_command == "invite" else None
        async with open_store(settings) as store, store.transaction() as tx:
            if args.group_command == "create":
                return await _create(tx, settings, library, args)
            if args.group_command == "list":
                return await _list(tx, as_json=args.json)
            if args.group_command == "revoke-invite":
                return await revoke(tx, args.code)
            group = await tx.groups.get(args.group)
            if group is None:
                print(f"piiri: there is no group {args.group}", file=sys.stderr)
                return EXIT_USAGE
            if args.group_command == "show":
                return await _show(tx, group, as_json=args.json)
            if args.group_command == "status":
                return await _set_status(tx, group, GroupStatus(args.status))
            if args.group_command == "invite":
                return await invite(tx, settings, group, args, valid_for)
            if args.group_command == "rules":
                return await cli_group_rules.run(tx, group, args)
            if args.group_command == "bind":
                return await bind(tx, group, args)
            return await _schedule(tx, group, args)
    except GroupError as error:
        print(f"piiri: {error.render(english)}", file=sys.stderr)
    except (ScheduleError, StaffError, UsageError, SettingError, SchemaBehindError) as error:
        print(f"piiri: {error}", file=sys.stderr)
    return EXIT_USAGE


async def _create(
    tx: Transaction, settings: Settings, library: ProgrammeLibrary, args: argparse.Namespace
) -> int:
    programme = library.get(args.program)
    if programme is None:
        known = ", ".join(library.keys())
        print(f"piiri: no programme {args.program!r}; there are: {known}", file=sys.stderr)
        return EXIT_USAGE
    if args.capacity is not None and args.capacity < 1:
        print("piiri: --capacity must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    first, at = parse_local(args.start)
    zone = check_zone(args.tz or settings.schedule.default_timezone)
    series = Series(first, at, zone, parse_every(args.every), parse_dates(args.skip))
    group = await create_group(
        tx,
        NewGroup(
            name=args.name,
            programme=programme,
            series=series,
            language=args.lang,
            mode=GroupMode(args.mode),
            capacity=args.capacity,
            status=GroupStatus.DRAFT if args.draft else GroupStatus.ENROLLING,
        ),
        now=SystemClock().now(),
        actor_person_id=None,
        via="cli",
    )
    sessions = await tx.schedule.sessions(group.id)
    if args.json:
        print(json.dumps(_group_json(group, sessions), ensure_ascii=False, indent=2))
    else:
        print(f"created group {group.id}: {group.name} ({programme.key}, {group.status.value})")
        print(_schedule_text(group, sessions))
    return EXIT_OK


def _local(group: Group, session: GroupSession) -> str:
    return utc_to_local(session.starts_at, group.timezone).strftime("%Y-%m-%d %H:%M")


def _group_json(group: Group, sessions: list[GroupSession]) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "status": group.status.value,
        "mode": group.mode.value,
        "language": group.language,
        "timezone": group.timezone,
        "every_days": group.every_days,
        "skip_dates": list(group.skip_dates),
        "session_minutes": group.session_minutes,
        "capacity": group.capacity,
        "sessions": [
            {
                "number": s.number,
                "status": s.status.value,
                "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(),
                "local_start": _local(group, s),
            }
            for s in sessions
        ],
    }


def _schedule_text(group: Group, sessions: list[GroupSession]) -> str:
    lines = [f"sessions ({group.timezone}):"]
    for session in sessions:
        lines.append(f"  {session.number}. {_local(group, session)}  {session.status.value}")
    return "\n".join(lines)


async def _list(tx: Transaction, *, as_json: bool) -> int:
    groups = await tx.groups.list_all()
    rows = [_group_json(group, await tx.schedule.sessions(group.id)) for group in groups]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("no groups yet; create one with `piiri group create`")
    for row in rows:
        upcoming = [s for s in row["sessions"] if s["status"] == "scheduled"]
        nxt = f"next {upcoming[0]['local_start']}" if upcoming else "no sessions left"
        print(f"{row['id']:>4}  {row['name']:<30} {row['status']:<10} {nxt}")
    return EXIT_OK


async def _show(tx: Transaction, group: Group, *, as_json: bool) -> int:
    sessions = await tx.schedule.sessions(group.id)
    if as_json:
        print(json.dumps(_group_json(group, sessions), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"group {group.id}: {group.name}")
    print(f"  {group.status.value}, {group.mode.value} mode, language {group.language}")
    print(_schedule_text(group, sessions))
    return EXIT_OK


async def _set_status(tx: Transaction, group: Group, status: GroupStatus) -> int:
    before = group.status
    check_transition(group, status)
    await tx.groups.set_status(group, status)
    await tx.audit.append(
        "group.status",
        actor_person_id=None,
        group_id=group.id,
        details={"from": before.value, "to": status.value, "via": "cli"},
    )
    print(f"group {group.id}: {before.value} → {status.value}")
    return EXIT_OK


async def _schedule(tx: Transaction, group: Group, args: argparse.Namespace) -> int:
    sessions = await tx.schedule.sessions(group.id)
    if args.ics is None:
        print(_schedule_text(group, sessions))
        return EXIT_OK
    programme = await ProgrammeCache().get(tx, group.programme_snapshot_id)
    if programme is None:
        print(f"piiri: group {group.id} has no programme", file=sys.stderr)
        return EXIT_ERROR
    data = schedule_ics(
        group, programme, sessions, language=args.lang or group.language, now=SystemClock().now()
    )
    args.ics.write_bytes(data)
    print(f"wrote {args.ics} ({len(sessions)} sessions)")
    return EXIT_OK
