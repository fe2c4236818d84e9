"""`piiri audit [GROUP]`: the audit trail, newest first, and a check of its whole chain."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.cli_groups import EXIT_ERROR, EXIT_OK, EXIT_USAGE, SchemaBehindError, open_store
from bot.config import Settings
from storage.models import AuditEvent


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    audit = commands.add_parser(
        "audit", parents=[common], help="the audit trail, and whether it is intact"
    )
    audit.add_argument("group", type=int, nargs="?", metavar="GROUP", help="default: all")
    audit.add_argument("--limit", type=int, default=200, metavar="N", help="newest N events")
    audit.add_argument("--json", action="store_true")


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "action": event.action,
        "actor_person": event.actor_person_id,
        "group": event.group_id,
        "subject": event.subject,
        "reason": event.reason,
        "details": event.details,
    }


async def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.limit < 1:
        print("piiri: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        async with open_store(settings) as store, store.transaction() as tx:
            events = await tx.audit.recent(group_id=args.group, limit=args.limit)
            check = await tx.audit.verify()
    except SchemaBehindError as error:
        print(f"piiri: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        chain = {"events": check.events, "broken_at": check.broken_at}
        print(json.dumps({"events": [_row(e) for e in events], "chain": chain}, indent=2))
    else:
        for event in events:
            who = f"person {event.actor_person_id}" if event.actor_person_id else "Piiri"
            where = f"group {event.group_id}" if event.group_id else "-"
            extra = json.dumps(event.details, ensure_ascii=False) if event.details else ""
            print(
                f"{event.at:%Y-%m-%d %H:%M:%S}Z  {event.action:<22} {who:<12} {where:<9} "
                f"{event.subject or ''} {extra}".rstrip()
            )
    if check.broken_at is not None:
        print(
            f"piiri: the audit chain is BROKEN at event {check.broken_at}: it or the event "
            "before it was changed or removed outside Piiri",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if not args.json:
        print(f"chain intact: {check.events} events checked")
    return EXIT_OK
