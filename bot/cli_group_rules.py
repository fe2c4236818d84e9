"""`piiri group rules GROUP …`: a group's seats, ages, opening hours, media rule and
check-ins."""

from __future__ import annotations

import argparse
from typing import Any

from groups.opening import OpenPolicy
from groups.settings import MEDIA_POLICIES, GroupRules, SettingError, change_rules, parse_ages
from storage.models import Group
from storage.store import Transaction

EXIT_OK = 0


def add_parser(actions: Any, common: argparse.ArgumentParser) -> None:
    rules = actions.add_parser(
        "rules", parents=[common], help="seats, ages, when members may write, files"
    )
    rules.add_argument("group", type=int, metavar="GROUP")
    rules.add_argument("--capacity", metavar="N|none", help="seats for participants")
    rules.add_argument("--ages", metavar="16-29|none", help="age limits, asked as a band")
    rules.add_argument("--open", choices=list(OpenPolicy), help="when members may write")
    rules.add_argument(
        "--open-extra-hours", type=int, metavar="N", help="with --open sessions: hours after"
    )
    rules.add_argument("--media", choices=MEDIA_POLICIES, help="off: text only; review: held")
    rules.add_argument(
        "--checkins",
        choices=("on", "off"),
        help="a private check-in after two missed sessions in a row (default on)",
    )


def _rules(args: argparse.Namespace) -> GroupRules:
    given: dict[str, Any] = {}
    if args.capacity is not None:
        text = args.capacity.strip().casefold()
        given["capacity"] = None if text == "none" else _number(text, "--capacity")
    if args.ages is not None:
        given["age_min"], given["age_max"] = parse_ages(args.ages)
    if args.open is not None:
        given["open_policy"] = args.open
    if args.open_extra_hours is not None:
        given["open_extra_hours"] = args.open_extra_hours
    if args.media is not None:
        given["media_policy"] = args.media
    if args.checkins is not None:
        given["checkins"] = args.checkins == "on"
    return GroupRules(**given)


def _number(text: str, option: str) -> int:
    if not text.isdigit():
        raise SettingError(f"{option} takes a number or none, not {text!r}")
    return int(text)


async def run(tx: Transaction, group: Group, args: argparse.Namespace) -> int:
    changed = await change_rules(tx, group, _rules(args), actor_person_id=None, via="cli")
    shown = group.capacity if group.capacity is not None else "no limit"
    ages = (
        f"{group.age_min or ''}-{group.age_max or ''}"
        if group.age_min is not None or group.age_max is not None
        else "any"
    )
    extra = f" + {group.open_extra_hours} h" if group.open_policy == "sessions" else ""
    print(
        f"group {group.id}: capacity {shown}, ages {ages}, open {group.open_policy}{extra}, "
        f"media {group.media_policy}, check-ins {'on' if group.checkins else 'off'}"
        + ("" if changed else " (no change)")
    )
    return EXIT_OK
