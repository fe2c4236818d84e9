"""`piiri group …` and `piiri programs …` as an admin or a script uses them."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.cli import main
from storage.engine import create_engine
from storage.migrate import downgrade
from tests.cli_helpers import actions, audit_trail, new_group, run_json


def test_create_list_show_and_export_a_group(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    created = run_json(
        capsys,
        "group",
        "create",
        "--program",
        "tunteet",
        "--name",
        "Kevät 2027",
        "--lang",
        "fi",
        "--tz",
        "Europe/Helsinki",
        "--start",
        "2027-03-16 18:00",
        "--every",
        "7d",
        "--mode",
        "relay",
        "--skip",
        "2027-04-06",
    )
    assert isinstance(created, dict)
    starts = [s["local_start"] for s in created["sessions"]]
    assert starts[:4] == [
        "2027-03-16 18:00",
        "2027-03-23 18:00",
        "2027-03-30 18:00",
        "2027-04-13 18:00",
    ]
    assert created["sessions"][2]["starts_at"] == "2027-03-30T15:00:00+00:00", "summer time"
    listed = run_json(capsys, "group", "list")
    assert isinstance(listed, list) and [g["id"] for g in listed] == [created["id"]]
    assert listed[0]["status"] == "enrolling"
    assert run_json(capsys, "group", "show", str(created["id"])) == created

    ics = configured / "kevät.ics"
    assert main(["group", "schedule", str(created["id"]), "--ics", str(ics)]) == 0
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == 9
    assert str(events[0]["SUMMARY"]).startswith("Kevät 2027 1/9: ")
    assert events[3].decoded("DTSTART").isoformat() == "2027-04-13T15:00:00+00:00"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--program", "nope"], "no programme 'nope'; there are: erovanhemmuus, tunteet, yhteiso"),
        (["--start", "2027-13-01 18:00"], 'is not a date and time like "2027-01-12 18:00"'),
        (["--tz", "Mars/Base"], "Mars/Base is not a time zone name like Europe/Helsinki."),
        (["--every", "7 days"], 'is not an interval like "7d" or "2w"'),
        (["--start", "2020-01-07 18:00"], "The first session must be in the future."),
    ],
)
def test_a_bad_argument_is_answered_kindly_and_creates_nothing(
    configured: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    base = {"--program": "tunteet", "--name": "Ryhmä", "--start": "2027-03-16 18:00"}
    base.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    flat = [part for pair in base.items() for part in pair]
    assert main(["group", "create", *flat]) == 2
    assert message in capsys.readouterr().err
    assert run_json(capsys, "group", "list") == []


def test_programs_list_and_show_for_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    listed = run_json(capsys, "programs", "list")
    assert isinstance(listed, list)
    assert [p["key"] for p in listed] == ["erovanhemmuus", "tunteet", "yhteiso"]
    assert all(p["sessions"] == 9 and p["source"] == "built-in" for p in listed)
    shown = run_json(capsys, "programs", "show", "erovanhemmuus")
    assert isinstance(shown, dict) and shown["key"] == "erovanhemmuus"
    assert main(["programs", "show", "tunteet", "--lang", "en"]) == 0
    assert "Emotions and skills" in capsys.readouterr().out


def test_a_draft_is_opened_for_enrolment_and_a_finished_group_archived(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    created = run_json(
        capsys,
        "group",
        "create",
        "--program",
        "yhteiso",
        "--name",
        "Luonnos",
        "--start",
        "2027-03-16 18:00",
        "--draft",
    )
    assert isinstance(created, dict) and created["status"] == "draft"
    group = str(created["id"])
    assert main(["group", "status", group, "archived"]) == 0
    assert "draft → archived" in capsys.readouterr().out
    assert main(["group", "status", group, "enrolling"]) == 2
    assert "The group is archived, so it cannot become enrolling." in capsys.readouterr().err


async def _downgrade_to_first(url: str) -> None:
    engine = create_engine(url)
    try:
        await downgrade(engine, "0001")
    finally:
        await engine.dispose()


def test_a_shared_store_behind_the_schema_is_not_migrated_by_a_query(
    configured: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_downgrade_to_first(database_url))
    status = main(["group", "list", "--json"])
    captured = capsys.readouterr()
    if database_url.startswith("sqlite"):
        assert status == 0 and json.loads(captured.out) == []
        assert "bringing the store's schema up to date first" in captured.err
    else:
        assert status == 2
        assert "run `piiri db upgrade` first" in captured.err


def test_an_invite_is_shown_once_kept_only_as_a_hash_and_revoked(
    configured: Path,
    database_url: str,
    secret_key: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PIIRI_TELEGRAM_BOT_USERNAME", "PiiriBot")
    group = new_group(capsys)
    made = run_json(capsys, "group", "invite", group, "--max-uses", "3", "--expires", "14d")
    assert isinstance(made, dict)
    code = made["code"]
    assert len(code) == 20
    assert made["group"] == int(group)
    assert made["link"] == f"https://t.me/PiiriBot?start={code}"
    assert made["join_command"] == f"/join {code}"
    assert made["max_uses"] == 3
    expires = datetime.fromisoformat(made["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=1)
    if database_url.startswith("sqlite"):
        files = configured.glob("piiri.db*")
        assert not any(code.encode() in path.read_bytes() for path in files)

    spaced = "-".join(code[i : i + 5] for i in range(0, 20, 5)).upper()
    for written in (code, spaced):
        assert main(["group", "revoke-invite", written]) == 0, "again is quietly fine"
        assert capsys.readouterr().out == f"revoked invite {made['invite']} of group {group}\n"
    assert main(["group", "revoke-invite", "abcdefghijkmnpqrstuv"]) == 2
    assert "no invite has that code" in capsys.readouterr().err

    trail = audit_trail(database_url, secret_key)
    assert actions(trail) == ["group.created", "invite.created", "invite.revoked"]
    assert not any(code in json.dumps(event.details) for event in trail)


def test_without_a_bot_username_an_invite_still_says_how_to_join(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group = new_group(capsys)
    assert main(["group", "invite", group]) == 0
    out = capsys.readouterr().out
    code = out.split("code: ")[1].split()[0]
    assert f"send /join {code} to the bot in a private chat" in out
    assert "set [telegram] bot_username" in out
    assert "no limit on uses, valid until revoked" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--expires", "0d"], "--expires must be longer than zero"),
        (["--expires=-3d"], "--expires '-3d' is not a duration like 14d, 12h or 90m"),
        (["--expires", "two weeks"], "--expires 'two weeks' is not a duration like 14d"),
        (["--expires", "99999d"], "--expires can be at most 3650d"),
        (["--max-uses", "0"], "--max-uses must be at least 1"),
        (["--max-uses", "-2"], "--max-uses must be at least 1"),
    ],
)
def test_a_bad_invite_limit_is_named_and_makes_no_invite(
    configured: Path,
    database_url: str,
    secret_key: str,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    group = new_group(capsys)
    assert main(["group", "invite", group, *argv]) == 2
    assert message in capsys.readouterr().err
    assert "invite.created" not in actions(audit_trail(database_url, secret_key))


def test_rooms_are_bound_once_and_a_relay_group_has_no_shared_room(
    configured: Path, database_url: str, secret_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    relay, other, room = new_group(capsys), new_group(capsys), new_group(capsys, mode="room")
    telegram_room, matrix_room = "telegram:-1001234567890", "matrix:!abc:example.org"
    assert main(["group", "bind", relay]) == 2
    assert "give at least one of --room, --facilitators, --moderators" in capsys.readouterr().err
    argv = ["group", "bind", relay, "--facilitators", telegram_room, "--moderators", matrix_room]
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"group {relay}: facilitators room bound on telegram",
        f"group {relay}: moderators room bound on matrix",
    ]
    assert main(["group", "bind", relay, "--room", "telegram:-100555"]) == 2
    assert f"group {relay} is in relay mode" in capsys.readouterr().err
    assert main(["group", "bind", other, "--facilitators", telegram_room]) == 2
    assert f"already bound to group {relay} as its facilitators room" in capsys.readouterr().err
    assert main(["group", "bind", room, "--room", "matrix:!room:example.org"]) == 0
    assert main(["group", "bind", room, "--room", "telegram"]) == 2
    assert "'telegram' is not PLATFORM:ID" in capsys.readouterr().err

    trail = [e for e in audit_trail(database_url, secret_key) if e.action == "group.room_bound"]
    assert [(e.group_id, e.details["purpose"]) for e in trail] == [
        (int(relay), "facilitators"),
        (int(relay), "moderators"),
        (int(room), "room"),
    ]
    assert not any("abc" in json.dumps(e.details) or "-100" in json.dumps(e.details) for e in trail)


def test_a_groups_rules_are_set_checked_and_audited(
    configured: Path, database_url: str, secret_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    group = new_group(capsys)
    argv = ["group", "rules", group, "--capacity", "10", "--ages", "18-", "--open", "sessions"]
    assert main([*argv, "--open-extra-hours", "2", "--media", "review"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"group {group}: capacity 10, ages 18-, open sessions + 2 h, media review, check-ins on"
    )
    for bad, message in (
        (["--capacity", "0"], "capacity must be at least 1"),
        (["--capacity", "many"], "--capacity takes a number or none"),
        (["--ages", "29-16"], "the lowest age 29 is above the highest 16"),
        (["--ages", "teen"], "are not like 16-29"),
        (["--open-extra-hours", "500"], "0 to 168"),
    ):
        assert main(["group", "rules", group, *bad]) == 2, bad
        assert message in capsys.readouterr().err
    assert main(["group", "rules", group, "--capacity", "none", "--ages", "none"]) == 0
    assert "capacity no limit, ages any" in capsys.readouterr().out
    assert main(["group", "rules", group, "--checkins", "off"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("check-ins off")
    changes = [
        e for e in audit_trail(database_url, secret_key) if e.action == "group.rules_changed"
    ]
    assert [sorted(e.details["changed"]) for e in changes] == [
        # the programme's 16-29 becomes 18 and over
        ["age_max", "age_min", "capacity", "media_policy", "open_extra_hours", "open_policy"],
        ["age_min", "capacity"],
        ["checkins"],
    ]


def test_piiri_audit_lists_a_groups_trail_and_checks_the_chain(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group = new_group(capsys)
    assert main(["group", "rules", group, "--capacity", "12"]) == 0
    capsys.readouterr()
    shown = run_json(capsys, "audit", group)
    assert isinstance(shown, dict)
    assert [e["action"] for e in shown["events"]] == ["group.rules_changed", "group.created"]
    assert shown["chain"]["broken_at"] is None and shown["chain"]["events"] >= 2
    assert main(["audit", group]) == 0
    out = capsys.readouterr().out
    assert "group.rules_changed" in out and out.rstrip().endswith("events checked")
