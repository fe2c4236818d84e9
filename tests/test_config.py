"""Configuration: one way to find it, environment over file, one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings, resolve_config_path
from bot.config_check import check_config_file

EXAMPLE = Path(__file__).parent.parent / "config.example.toml"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("PIIRI_"):
            monkeypatch.delenv(name)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    settings = load_settings(None)
    assert settings.database.url == "sqlite+aiosqlite:///piiri-data/piiri.db"
    assert settings.i18n.default_language == "fi"
    assert not settings.telegram.enabled and not settings.matrix.enabled


def test_environment_overrides_the_file_and_the_rest_of_the_file_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(
        tmp_path,
        '[database]\nurl = "sqlite+aiosqlite:///file.db"\necho = true\n'
        '[matrix]\nhomeserver = "https://matrix.example.org"\n',
    )
    monkeypatch.setenv("PIIRI_DATABASE_URL", "postgresql+asyncpg://piiri@db/piiri")
    monkeypatch.setenv("PIIRI_MATRIX_ACCESS_TOKEN", "syt_secret")
    monkeypatch.setenv("PIIRI_I18N_DEFAULT_LANGUAGE", "sv")
    monkeypatch.setenv("PIIRI_SECRET_KEY", "not a setting")
    monkeypatch.setenv("PIIRI_CONFIG", str(path))
    settings = load_settings(path)
    assert settings.database.url == "postgresql+asyncpg://piiri@db/piiri"
    assert settings.database.echo is True
    assert settings.matrix.access_token is not None
    assert settings.matrix.access_token.get_secret_value() == "syt_secret"
    assert settings.matrix.enabled
    assert settings.i18n.default_language == "sv"


def test_config_is_found_by_flag_then_variable_then_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag, variable = tmp_path / "flag.toml", tmp_path / "var.toml"
    env = {"PIIRI_CONFIG": str(variable)}
    assert resolve_config_path(flag, env, tmp_path) == flag
    assert resolve_config_path(None, env, tmp_path) == variable
    assert resolve_config_path(None, {}, tmp_path) is None
    (tmp_path / "config.toml").write_text("")
    assert resolve_config_path(None, {}, tmp_path) == tmp_path / "config.toml"


def test_a_broken_file_names_each_bad_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[database]\nulr = "x"\n[logging]\nlevel = "LOUD"\n[telegram]\nwebhook_port = 70000\n'
        '[moderation.policy]\ncrisis = "hide"\nspam = { low = "hold", extreme = "block" }\n',
    )
    assert check_config_file(path) == [
        f"{path}: database.ulr: unknown setting (expected url | echo)",
        f'{path}: logging.level: unknown value "LOUD" (expected DEBUG | INFO | WARNING | ERROR)',
        f"{path}: telegram.webhook_port: must be at most 65535 (got 70000)",
        f'{path}: moderation.policy.crisis: unknown action "hide" '
        "(expected allow | flag | hold | block)",
        f'{path}: moderation.policy.spam: unknown severity "extreme" '
        "(expected low | medium | high)",
    ]
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert len(raised.value.problems) == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[database]\nurl = "mysql://root@x/db"\n', "database.url: must start with"),
        (
            "[outbound]\nretry_base_seconds = 0\n",
            "outbound.retry_base_seconds: must be more than 0",
        ),
        ('[database]\necho = "often"\n', 'database.echo: must be true or false (got "often")'),
        ('[moderation.policy]\nlolcats = "block"\n', 'unknown category "lolcats"'),
        ("[database\n", "not valid TOML"),
    ],
)
def test_each_kind_of_mistake_reads_clearly(tmp_path: Path, text: str, expected: str) -> None:
    [problem] = check_config_file(_write(tmp_path, text))
    assert expected in problem
    assert "Input should be" not in problem


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    assert check_config_file(tmp_path / "nope.toml") == [
        f"{tmp_path / 'nope.toml'}: file not found"
    ]


def test_the_example_file_is_valid_and_equals_the_defaults() -> None:
    assert check_config_file(EXAMPLE) == []
    assert load_settings(EXAMPLE) == Settings()


def test_a_partial_policy_keeps_the_other_defaults(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, '[moderation.policy]\ncrisis = "block"\n'))
    assert settings.moderation.action_for("crisis", "low") == "block"
    assert settings.moderation.action_for("harassment", "high") == "block"
    assert settings.moderation.action_for("harassment", "low") == "flag"
    assert settings.moderation.action_for("personal_info", "low") == "block"


def test_a_severity_left_out_of_a_table_falls_back_to_the_default(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, '[moderation.policy]\ncrisis = { high = "block" }\n'))
    assert settings.moderation.action_for("crisis", "high") == "block"
    assert settings.moderation.action_for("crisis", "medium") == "hold"
