"""`piiri staff …` as an operator uses it: roles given and taken, audited, never logged."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.logs import QUIET_LIBRARIES, JsonFormatter, TextFormatter
from tests.cli_helpers import actions, audit_trail, new_group, run_json

FACILITATOR = "telegram:123456789"
ADMIN = "matrix:@anna-4417:example.org"
PLATFORM_IDS = ("123456789", "@anna-4417", "anna-4417:example.org")


@pytest.fixture
def debug_logs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> Iterator[pytest.LogCaptureFixture]:
    """Every command logs at DEBUG into caplog; the logging setup is put back afterwards."""
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    quiet = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    monkeypatch.setenv("PIIRI_LOGGING_LEVEL", "DEBUG")
    monkeypatch.setenv("PIIRI_LOGGING_FORMAT", "json")
    caplog.set_level(logging.DEBUG)
    yield caplog
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)


def test_staff_are_added_listed_and_removed_with_an_audit_trail_and_no_logged_ids(
    configured: Path,
    database_url: str,
    secret_key: str,
    debug_logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    group = new_group(capsys)
    assert main(["staff", "add", FACILITATOR, "--role", "facilitator", "--group", group]) == 0
    assert capsys.readouterr().out == (
        f"{FACILITATOR} is now a facilitator of group {group}, shown as 'Ohjaaja 1'\n"
    )
    facilitator = {
        "platform": "telegram",
        "user_id": "123456789",
        "role": "facilitator",
        "group": int(group),
        "name": "Ohjaaja 1",
    }
    only = run_json(capsys, "staff", "list")
    assert isinstance(only, list) and len(only) == 1
    listed = only[0]
    assert listed == {"person": listed["person"], **facilitator}

    assert main(["staff", "add", FACILITATOR, "--role", "admin", "--group", group]) == 2
    assert "admins are global; leave out --group" in capsys.readouterr().err
    assert main(["staff", "add", ADMIN, "--role", "admin"]) == 0
    assert capsys.readouterr().out == f"{ADMIN} is now an admin (of every group)\n"
    everyone = run_json(capsys, "staff", "list")
    assert isinstance(everyone, list)
    assert [(e["platform"], e["user_id"], e["role"], e["group"], e["name"]) for e in everyone] == [
        ("matrix", "@anna-4417:example.org", "admin", None, None),
        ("telegram", "123456789", "facilitator", int(group), "Ohjaaja 1"),
    ]
    assert run_json(capsys, "staff", "list", "--group", group) == [listed]
    assert main(["staff", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{ADMIN}  admin        all groups",
        f"{FACILITATOR}             facilitator  group {group}     Ohjaaja 1",
    ]

    for who, role, scope in (
        (FACILITATOR, "facilitator", ["--group", group]),
        (ADMIN, "admin", []),
    ):
        assert main(["staff", "remove", who, "--role", role, *scope]) == 0
        assert f"{who} no longer has the {role} role" in capsys.readouterr().out
        assert main(["staff", "remove", who, "--role", role, *scope]) == 2
        assert f"{who} does not have the {role} role" in capsys.readouterr().err
    assert run_json(capsys, "staff", "list") == []

    trail = audit_trail(database_url, secret_key)
    assert [a for a in actions(trail) if a.startswith("staff.")] == [
        "staff.added",
        "staff.added",
        "staff.removed",
        "staff.removed",
    ]
    for event in trail:
        row = json.dumps([event.subject, event.reason, event.details])
        assert not any(part in row for part in PLATFORM_IDS)
    assert debug_logs.records, "the commands should have logged something at DEBUG"
    for record in debug_logs.records:
        for formatter in (JsonFormatter(), TextFormatter()):
            line = formatter.format(record)
            assert not any(part in line for part in PLATFORM_IDS), line


def test_names_default_per_role_and_language_and_can_be_chosen(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group = new_group(capsys)
    for who, role, name in (
        ("telegram:1001", "facilitator", []),
        ("telegram:1002", "facilitator", []),
        ("telegram:1003", "moderator", []),
        ("telegram:1004", "moderator", ["--name", "Pia"]),
    ):
        assert main(["staff", "add", who, "--role", role, "--group", group, *name]) == 0
    capsys.readouterr()
    listed = run_json(capsys, "staff", "list", "--group", group)
    assert isinstance(listed, list)
    assert [e["name"] for e in listed] == ["Ohjaaja 1", "Ohjaaja 2", "Moderaattori 1", "Pia"]
    assert (
        main(
            [
                "staff",
                "add",
                "telegram:1005",
                "--role",
                "moderator",
                "--group",
                group,
                "--name",
                "pia",
            ]
        )
        == 2
    )
    assert "the name 'pia' is already used" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "anna", "--role", "admin"], "'anna' is not PLATFORM:ID"),
        (["add", "telegram:1", "--role", "moderator"], "a moderator belongs to a group"),
        (["remove", "telegram:1", "--role", "facilitator"], "a facilitator belongs to a group"),
        (["remove", "telegram:1", "--role", "admin", "--group", "1"], "admins are global"),
        (["add", "telegram:1", "--role", "moderator", "--group", "99"], "there is no group 99"),
        (
            ["add", "telegram:1", "--role", "moderator", "--group", "1", "--name", "x" * 41],
            "--name must be 1 to 40 characters",
        ),
        (["remove", "telegram:1", "--role", "admin"], "telegram:1 does not have the admin role"),
    ],
)
def test_a_mistaken_staff_request_changes_nothing(
    configured: Path,
    database_url: str,
    secret_key: str,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    new_group(capsys)
    assert main(["staff", *argv]) == 2
    assert message in capsys.readouterr().err
    assert run_json(capsys, "staff", "list") == []
    assert actions(audit_trail(database_url, secret_key)) == ["group.created"]
