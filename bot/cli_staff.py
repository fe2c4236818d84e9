"""`piiri staff add|list|remove`: who facilitates and moderates which group, and who is admin.

Staff are named by their platform id, `PLATFORM:USER_ID`. The operator sees those ids here on
purpose (to check who has which role); they are never logged.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.cli_groups import EXIT_OK, EXIT_USAGE, SchemaBehindError, open_store
from bot.cli_staff_password import staff_password
from bot.config import Settings
from groups.staff import (
    StaffEntry,
    StaffError,
    StaffRole,
    add_staff,
    list_staff,
    parse_ref,
    remove_staff,
)
from storage.models import Group
from storage.store import Transaction

ROLES = [role.value for role in StaffRole]
# A member's name in a group is a pseudonym column of this many characters.
LONGEST_NAME = 40


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    staff = commands.add_parser(
        "staff", parents=[common], help="facilitators, moderators and admins"
    )
    actions = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="give someone a role")
    remove = actions.add_parser("remove", parents=[common], help="take a role away")
    for parser in (add, remove):
        parser.add_argument(
            "who",
            metavar="PLATFORM:USER_ID",
            help="e.g. telegram:123456 or matrix:@anna:example.org",
        )
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument(
            "--group", type=int, metavar="GROUP", help="for a facilitator or moderator"
        )
    add.add_argument("--name", help="the name the group sees (default: e.g. Ohjaaja 1)")
    password = actions.add_parser(
        "password", parents=[common], help="set a dashboard account's password"
    )
    password.add_argument("username", metavar="USERNAME", help="the account staff:USERNAME")
    how = password.add_mutually_exclusive_group()
    how.add_argument("--stdin", action="store_true", help="read the password from standard input")
    how.add_argument(
        "--link", action="store_true", help="print a one-time link where they set it themselves"
    )
    listing = actions.add_parser("list", parents=[common], help="everyone with a role")
    listing.add_argument("--group", type=int, metavar="GROUP", help="only this group's staff")
    listing.add_argument("--json", action="store_true")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.staff_command == "password":
        return await staff_password(settings, args)
    try:
        if args.staff_command in ("add", "remove"):
            _check_request(args)
        async with open_store(settings) as store, store.transaction() as tx:
            group = None
            if args.group is not None:
                group = await tx.groups.get(args.group)
                if group is None:
                    print(f"piiri: there is no group {args.group}", file=sys.stderr)
                    return EXIT_USAGE
            if args.staff_command == "add":
                return await _add(tx, args, group)
            if args.staff_command == "remove":
                return await _remove(tx, args, group)
            return _list(await list_staff(tx, group), as_json=args.json)
    except (StaffError, SchemaBehindError) as error:
        print(f"piiri: {error}", file=sys.stderr)
    return EXIT_USAGE


def _check_request(args: argparse.Namespace) -> None:
    """Mistakes that need no store: a bad id, a role without its scope, an unusable name."""
    parse_ref(args.who)
    if args.role == StaffRole.ADMIN and args.group is not None:
        raise StaffError("admins are global; leave out --group")
    if args.role != StaffRole.ADMIN and args.group is None:
        raise StaffError(f"a {args.role} belongs to a group; add --group GROUP")
    name = getattr(args, "name", None)
    if name is not None and not 0 < len(name.strip()) <= LONGEST_NAME:
        raise StaffError(f"--name must be 1 to {LONGEST_NAME} characters")


async def _add(tx: Transaction, args: argparse.Namespace, group: Group | None) -> int:
    entry = await add_staff(tx, parse_ref(args.who), StaffRole(args.role), group, name=args.name)
    if group is None:
        print(f"{args.who} is now an admin (of every group)")
    else:
        print(f"{args.who} is now a {args.role} of group {group.id}, shown as {entry.name!r}")
    return EXIT_OK


async def _remove(tx: Transaction, args: argparse.Namespace, group: Group | None) -> int:
    where = f" in group {group.id}" if group else ""
    if not await remove_staff(tx, parse_ref(args.who), StaffRole(args.role), group):
        print(f"piiri: {args.who} does not have the {args.role} role{where}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{args.who} no longer has the {args.role} role{where}")
    return EXIT_OK


def _entry_json(entry: StaffEntry) -> dict[str, Any]:
    return {
        "person": entry.person_id,
        "platform": entry.transport,
        "user_id": entry.external_id,
        "role": entry.role.value,
        "group": entry.group_id,
        "name": entry.name,
    }


def _list(entries: list[StaffEntry], *, as_json: bool) -> int:
    if as_json:
        print(json.dumps([_entry_json(e) for e in entries], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not entries:
        print("no staff yet; add someone with `piiri staff add`")
        return EXIT_OK
    rows = [
        (
            f"{e.transport}:{e.external_id}",
            e.role.value,
            "all groups" if e.group_id is None else f"group {e.group_id}",
            e.name or "",
        )
        for e in entries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for who, role, where, name in rows:
        line = f"{who:<{widths[0]}}  {role:<{widths[1]}}  {where:<{widths[2]}}  {name}"
        print(line.rstrip())
    return EXIT_OK
