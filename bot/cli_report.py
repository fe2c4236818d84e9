"""`piiri report GROUP [--format md|json|csv] [--png FILE]` and
`piiri report --all --since DATE --csv`: a group's report, or every group's for an
organisation's yearly reporting. Figures from fewer than three people are never shown."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.cli_groups import EXIT_OK, EXIT_USAGE, SchemaBehindError, open_store
from bot.config import Settings
from bot.i18n import LANGUAGES, Catalogues
from groups.firing import ProgrammeCache
from groups.report import Report
from groups.report_charts import report_png
from groups.report_data import report_for_group
from groups.report_files import to_csv, to_json
from groups.report_text import markdown


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser(
        "report",
        parents=[common],
        help="a group's attendance, feedback, before/after, moderation and retention",
    )
    report.add_argument("group", type=int, nargs="?", metavar="GROUP")
    report.add_argument("--format", choices=("md", "json", "csv"), default="md")
    report.add_argument("--png", type=Path, metavar="FILE", help="write the charts to FILE")
    report.add_argument("--lang", choices=LANGUAGES, default="en", help="for md and PNG")
    report.add_argument("--all", action="store_true", help="every group (with --since, --csv)")
    report.add_argument("--since", metavar="DATE", help="with --all: first session on or after")
    report.add_argument("--csv", action="store_true", help="the same as --format csv")


class UsageError(ValueError):
    pass


def _since(args: argparse.Namespace) -> datetime:
    if not args.since:
        raise UsageError("--all needs --since DATE (YYYY-MM-DD)")
    try:
        return datetime.combine(date.fromisoformat(args.since), datetime.min.time(), UTC)
    except ValueError:
        raise UsageError(f"--since {args.since!r} is not a date like 2027-01-01") from None


def _check(args: argparse.Namespace) -> str:
    form = "csv" if args.csv else args.format
    if args.all:
        if args.group is not None:
            raise UsageError("give a GROUP or --all, not both")
        if form != "csv" or args.png:
            raise UsageError("--all writes CSV only: piiri report --all --since DATE --csv")
    elif args.group is None:
        raise UsageError("name a GROUP, or --all --since DATE --csv")
    return form


async def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        form = _check(args)
        since = _since(args) if args.all else None
        async with open_store(settings) as store, store.transaction() as tx:
            programmes = ProgrammeCache()
            now = tx.clock.now()
            if since is not None:
                groups = await tx.followup.groups_since(since)
                reports = [
                    r for g in groups if (r := await report_for_group(tx, g.id, programmes, now))
                ]
                print(to_csv(reports, with_pooled=True), end="")
                return EXIT_OK
            report = await report_for_group(tx, args.group, programmes, now)
            if report is None:
                raise UsageError(f"no group {args.group}")
            group = await tx.groups.get(args.group)
            programme = await programmes.get(tx, group.programme_snapshot_id if group else None)
            title = programme.title.get(args.lang) if programme else ""
            zone = group.timezone if group else "UTC"
    except (UsageError, SchemaBehindError) as error:
        print(f"piiri: {error}", file=sys.stderr)
        return EXIT_USAGE
    _write(report, form, args, title, zone)
    return EXIT_OK


def _write(report: Report, form: str, args: argparse.Namespace, title: str, zone: str) -> None:
    texts = Catalogues().translator(args.lang)
    if form == "json":
        print(json.dumps(to_json(report), ensure_ascii=False, indent=2))
    elif form == "csv":
        print(to_csv([report]), end="")
    else:
        print(markdown(texts, report, zone, title), end="")
    if args.png is not None:
        args.png.write_bytes(report_png(texts, report))
        print(f"charts written to {args.png}", file=sys.stderr)
