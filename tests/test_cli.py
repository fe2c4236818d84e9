"""The `piiri` command, run the way operators and scripts run it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from storage.crypto import IdentityCipher
from storage.migrate import head_revision

REPO = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("PIIRI_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_version_and_help_on_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("piiri ")
    for command in (
        [],
        ["run"],
        ["demo"],
        ["db"],
        ["db", "upgrade"],
        ["db", "current"],
        ["config"],
        ["config", "check"],
        ["secret"],
        ["secret", "generate"],
    ):
        with pytest.raises(SystemExit) as done:
            main([*command, "--help"])
        assert done.value.code == 0
        assert "usage: piiri" in capsys.readouterr().out


def test_python_dash_m_bot_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("piiri ")


def test_secret_generate_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secret", "generate"]) == 0
    key = capsys.readouterr().out.strip()
    IdentityCipher.from_text(key)


def test_db_upgrade_on_the_configured_url(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fixture's database is already migrated; an upgrade is then a no-op that says so."""
    monkeypatch.setenv("PIIRI_DATABASE_URL", database_url)
    assert main(["db", "upgrade"]) == 0
    assert f"→ {head_revision()}" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    assert f"{head_revision()} (up to date)" in capsys.readouterr().out


def test_db_upgrade_creates_the_schema_in_an_empty_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "piiri.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/fresh/piiri.db"\n')
    assert main(["db", "upgrade", "--config", str(config)]) == 0
    assert f"empty → {head_revision()}" in capsys.readouterr().out
    assert (tmp_path / "fresh" / "piiri.db").exists()


def test_config_check_names_each_bad_key_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[moderation.policy]\ncrisis = "hide"\n[database]\nulr = "x"\n')
    assert main(["config", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert 'moderation.policy.crisis: unknown action "hide"' in err
    assert "database.ulr: unknown setting" in err
    assert main(["config", "check", str(REPO / "config.example.toml")]) == 0


def test_a_missing_config_file_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "current", "--config", "nowhere.toml"]) == 2
    assert capsys.readouterr().err.strip() == "nowhere.toml: file not found"


def test_run_with_a_platform_and_no_key_refuses_and_says_how_to_make_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PIIRI_TELEGRAM_TOKEN", "123:abc")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "PIIRI_SECRET_KEY is not set" in err
    assert "piiri secret generate" in err
    assert "123:abc" not in err


def test_run_on_embedded_defaults_makes_a_private_local_key_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIIRI_WEB_ENABLED", "false")  # nothing to serve: refused at once
    assert main(["run"]) == 2
    assert "piiri demo" in capsys.readouterr().err
    key_file = tmp_path / "piiri-data" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = key_file.read_text()
    main(["run"])
    assert key_file.read_text() == first


def test_demo_prints_the_conversation_as_people_see_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Aino › /start" in out
    assert "Piiri › Hei! Olen Piiri" in out
    assert "Piiri › Från och med nu skriver jag till dig på svenska." in out
    assert "Piiri › What I can do:" in out
    assert out.count("Piiri › What I can do:") == 1
    assert "En tunne komentoa /tanssi." in out


def test_the_demo_shows_a_session_firing_in_each_readers_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out.split("Piiri runs the session by itself:")[1]
    assert "Piiri › Hei! Huomenna klo 18.00 on ryhmän ensimmäinen tapaaminen" in out
    assert "Piiri › Hej! I morgon kl. 18:00" in out
    assert "Piiri › Hi! Tomorrow at 18:00" in out
    assert "— 18:00, the session opens —\n  to Aino:\n    Piiri › Tervetuloa ryhmään" in out


def test_the_demo_shows_a_crisis_reaching_the_moderators(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out.split("Later that evening", 1)[1]
    assert "Emergency number: 112" in out and "09 2525 0111" in out
    assert "Aino and Bo see: nothing of it" in out
    assert "🚨 Kriisi" in out and "hälytys 2" in out
    assert "kuittasi Mira (moderaattori)" in out


def test_the_demo_shows_a_feedback_answer_and_the_facilitators_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "[1] [2] [3] [4] [5]" in out and "Aino › [4]" in out
    assert "Piiri › Kiitos, tallensin kommenttisi." in out
    assert "Palaute: 4,0 (3 vastausta)" in out and "– Kiva aloitus, kiitos!" in out
