"""`piiri group …` and `piiri programs …` as an admin or a script uses them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.cli import main
from storage.engine import create_engine
from storage.migrate import downgrade


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIIRI_DATABASE_URL", database_url)
    monkeypatch.setenv("PIIRI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


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
