"""The `piiri` command. Every subcommand finds its configuration the same way:
`--config FILE`, else `$PIIRI_CONFIG`, else `./config.toml` if present, else built-in defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import (
    __version__,
    cli_audit,
    cli_groups,
    cli_moderate,
    cli_programmes,
    cli_report,
    cli_run,
    cli_staff,
)
from bot.config import ConfigError, Settings, load_settings, resolve_config_path
from bot.config_check import check_config_file
from bot.logs import configure_logging, get_logger
from bot.secret_key import MissingSecretKeyError
from storage.crypto import generate_key
from storage.engine import UnsupportedDatabaseError, create_engine
from storage.migrate import current_revision, head_revision, upgrade

log = get_logger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="configuration file (default: $PIIRI_CONFIG, else ./config.toml, else built-in)",
    )
    parser = argparse.ArgumentParser(
        prog="piiri",
        description="Piiri runs facilitated, themed peer-support groups in chat rooms.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"piiri {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser(
        "run", parents=[common], help="run the service on the configured transports"
    )
    commands.add_parser(
        "demo",
        parents=[common],
        help="run the real service on an in-memory chat with simulated people",
    ).add_argument("--keep", type=Path, metavar="DIR", help="keep the demo's SQLite file in DIR")

    db = commands.add_parser("db", parents=[common], help="manage the store's schema")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser(
        "upgrade", parents=[common], help="migrate the store to the newest schema"
    )
    db_commands.add_parser("current", parents=[common], help="show the store's schema revision")

    config = commands.add_parser("config", parents=[common], help="work with configuration files")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = config_commands.add_parser(
        "check", parents=[common], help="validate a configuration file and name every bad key"
    )
    check.add_argument(
        "file", type=Path, nargs="?", help="the file (default: as --config finds it)"
    )

    cli_programmes.add_parser(commands, common)
    cli_groups.add_parser(commands, common)
    cli_staff.add_parser(commands, common)
    cli_moderate.add_parser(commands, common)
    cli_audit.add_parser(commands, common)
    cli_report.add_parser(commands, common)

    secret = commands.add_parser("secret", parents=[common], help="manage the encryption key")
    secret_commands = secret.add_subparsers(dest="secret_command", metavar="ACTION", required=True)
    secret_commands.add_parser(
        "generate", parents=[common], help="print a new key for PIIRI_SECRET_KEY"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "secret":
        print(generate_key())
        return EXIT_OK
    if args.command == "config":
        return _config_check(args.file or resolve_config_path(args.config, os.environ, Path.cwd()))
    try:
        settings = load_settings(resolve_config_path(args.config, os.environ, Path.cwd()))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    # The demo prints a conversation; service logs would interleave with it.
    level = "ERROR" if args.command == "demo" else settings.logging.level
    data_commands = ("group", "staff", "programs", "moderate", "audit", "report")
    if args.command in data_commands and level == "INFO":
        level = "WARNING"  # their output is data; routine log lines would mix into it
    configure_logging(level, settings.logging.format)
    if args.command == "programs":
        return cli_programmes.run(settings, args)
    if args.command == "moderate":
        return cli_moderate.run(settings, sys.stdin, sys.stdout)
    try:
        if args.command == "group":
            return asyncio.run(cli_groups.run(settings, args))
        if args.command == "staff":
            return asyncio.run(cli_staff.run(settings, args))
        if args.command == "audit":
            return asyncio.run(cli_audit.run(settings, args))
        if args.command == "report":
            return asyncio.run(cli_report.run(settings, args))
        if args.command == "db":
            return asyncio.run(_db(settings, args.db_command))
        if args.command == "demo":
            from bot.demo import run_demo  # noqa: PLC0415 - only the demo needs it

            return asyncio.run(run_demo(settings, sys.stdout, args.keep))
        return asyncio.run(cli_run.run(settings))
    except (MissingSecretKeyError, UnsupportedDatabaseError) as exc:
        print(f"piiri: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_ERROR


def _config_check(path: Path | None) -> int:
    if path is None:
        print(
            "piiri: no configuration file given, and no ./config.toml or $PIIRI_CONFIG",
            file=sys.stderr,
        )
        return EXIT_USAGE
    problems = check_config_file(path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_USAGE
    print(f"{path}: OK")
    return EXIT_OK


async def _db(settings: Settings, action: str) -> int:
    engine = create_engine(settings.database.url)
    try:
        if action == "upgrade":
            before = await current_revision(engine)
            await upgrade(engine)
            after = await current_revision(engine)
            print(f"database schema: {before or 'empty'} → {after}")
        else:
            current = await current_revision(engine)
            state = "up to date" if current == head_revision() else f"newest is {head_revision()}"
            print(f"database schema: {current or 'empty'} ({state})")
    finally:
        await engine.dispose()
    return EXIT_OK
