"""`piiri staff password USERNAME`: a dashboard account's password, typed twice at a prompt,
read from standard input (`--stdin`), or set by the person through a one-time link (`--link`).

The account is `staff:USERNAME`; give it its roles with `piiri staff add staff:USERNAME …`.
A password is never printed or logged; a link is printed here, on the terminal, only.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.cli_groups import EXIT_OK, EXIT_USAGE, SchemaBehindError, open_store
from bot.config import Settings
from bot.dashboard.accounts import (
    Policy,
    find_account,
    make_account,
    normalise_username,
    set_password,
    valid_username,
    welcome_link,
)
from bot.dashboard.passwords import password_problem
from bot.i18n import Catalogues


def _read_password(args: argparse.Namespace) -> tuple[str, str | None]:
    if args.stdin:
        return sys.stdin.readline().rstrip("\r\n"), None
    first = getpass.getpass("New password: ")
    return first, getpass.getpass("The same again: ")


async def staff_password(settings: Settings, args: argparse.Namespace) -> int:
    username = normalise_username(args.username)
    if not valid_username(username):
        print("piiri: a username is 2 to 32 of a-z, 0-9, '.', '_' and '-'", file=sys.stderr)
        return EXIT_USAGE
    password, again = ("", None) if args.link else _read_password(args)
    if not args.link:
        problem, n = password_problem(password, username, again)
        if problem:
            print("piiri: " + Catalogues().translator("en").gettext(problem, n=n), file=sys.stderr)
            return EXIT_USAGE
    try:
        async with open_store(settings) as store, store.transaction() as tx:
            person = await find_account(tx, username)
            if person is None:
                person = await make_account(tx, username)
                print(
                    f"piiri: staff:{username} has no role yet; give one with "
                    f"`piiri staff add staff:{username} --role …`",
                    file=sys.stderr,
                )
            if args.link:
                path = await welcome_link(tx, person, tx.clock.now(), Policy())
                print(f"{settings.web.base_url()}{path}")
                print("The link works once, for 24 hours.", file=sys.stderr)
                return EXIT_OK
            await set_password(tx, person, password, actor_person_id=None, via="cli")
    except SchemaBehindError as error:
        print(f"piiri: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"staff:{username} has a new password; their other sessions have ended")
    return EXIT_OK
