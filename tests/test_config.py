"""Configuration: one way to find it, environment over file, one clear line per mistake."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.config import (
    ConfigError,
    ModerationSettings,
    Settings,
    SettingsFile,
    load_settings,
    resolve_config_path,
)
from bot.config_check import check_config_file

EXAMPLE = Path(__file__).parent.parent / "config.example.toml"
DEFAULT_URL = "sqlite+aiosqlite:///piiri-data/piiri.db"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("PIIRI_"):
            monkeypatch.delenv(name)


def _write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    settings = load_settings(None)
    assert settings.database.url == DEFAULT_URL
    assert settings.database.echo is False
    assert settings.i18n.default_language == "fi"
    assert (settings.logging.level, settings.logging.format) == ("INFO", "text")
    assert settings.data.dir == Path("piiri-data")
    assert settings.telegram.webhook_port == 8443
    assert settings.matrix.store_path == Path("piiri-data/matrix")
    assert settings.outbound.give_up_after_hours == 24.0
    assert not settings.telegram.enabled
    assert not settings.matrix.enabled
    assert settings == Settings()


def test_the_file_overrides_the_defaults(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[database]\nurl = "sqlite+aiosqlite:///file.db"\n[logging]\nformat = "json"\n'
        '[telegram]\ntoken = "123:abc"\nwebhook_port = 9000\n[outbound]\nretry_base_seconds = 2\n',
    )
    settings = load_settings(path)
    assert settings.database.url == "sqlite+aiosqlite:///file.db"
    assert settings.logging.format == "json"
    assert settings.logging.level == "INFO"
    assert settings.telegram.enabled
    assert settings.telegram.webhook_port == 9000
    assert settings.outbound.retry_base_seconds == 2.0


def test_the_environment_overrides_the_file_and_the_rest_of_the_file_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(
        tmp_path,
        '[database]\nurl = "sqlite+aiosqlite:///file.db"\necho = true\n'
        '[i18n]\ndefault_language = "en"\n[matrix]\nhomeserver = "https://matrix.example.org"\n',
    )
    monkeypatch.setenv("PIIRI_DATABASE_URL", "postgresql+asyncpg://piiri@db/piiri")
    monkeypatch.setenv("PIIRI_MATRIX_ACCESS_TOKEN", "syt_secret")
    monkeypatch.setenv("PIIRI_I18N_DEFAULT_LANGUAGE", "sv")
    settings = load_settings(path)
    assert settings.database.url == "postgresql+asyncpg://piiri@db/piiri"
    assert settings.database.echo is True
    assert settings.matrix.access_token is not None
    assert settings.matrix.access_token.get_secret_value() == "syt_secret"
    assert settings.matrix.homeserver == "https://matrix.example.org"
    assert settings.matrix.enabled
    assert settings.i18n.default_language == "sv"


def test_a_table_in_the_environment_is_json_and_merges_with_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, '[moderation.policy]\ncrisis = "block"\n')
    monkeypatch.setenv("PIIRI_MODERATION_POLICY", '{"hate": "flag"}')
    monkeypatch.setenv("PIIRI_LOGGING_LEVEL", "DEBUG")
    settings = load_settings(path)
    assert settings.moderation.action_for("hate", "high") == "flag"
    assert settings.moderation.action_for("crisis", "low") == "block"
    assert settings.logging.level == "DEBUG"


def test_variables_that_are_not_settings_are_harmless(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIIRI_SECRET_KEY", "not a setting")
    monkeypatch.setenv("PIIRI_CONFIG", str(tmp_path / "elsewhere.toml"))
    monkeypatch.setenv("PIIRI_TELEGRAM_TOKEN", "")  # empty counts as not set
    assert load_settings(None) == Settings.model_validate({})
    assert load_settings(_write(tmp_path, "")).telegram.token is None


def test_config_is_found_by_flag_then_variable_then_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    flag, variable = Path("flag.toml"), tmp_path / "var.toml"
    env = {"PIIRI_CONFIG": str(variable)}
    assert resolve_config_path(None, {}, Path.cwd()) is None
    assert resolve_config_path(None, {"PIIRI_CONFIG": ""}, Path.cwd()) is None
    (tmp_path / "config.toml").write_text("")
    assert resolve_config_path(None, {}, Path.cwd()) == tmp_path / "config.toml"
    assert resolve_config_path(None, env, Path.cwd()) == variable
    assert resolve_config_path(flag, env, Path.cwd()) == flag


def test_a_broken_file_names_each_bad_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[database]\nulr = "x"\n[logging]\nlevel = "LOUD"\n[moderation.policy]\ncrisis = "hide"\n',
    )
    expected = [
        f"{path}: database.ulr: unknown setting (expected url | echo)",
        f'{path}: logging.level: unknown value "LOUD" (expected DEBUG | INFO | WARNING | ERROR)',
        f'{path}: moderation.policy.crisis: unknown action "hide" '
        "(expected allow | flag | hold | block)",
    ]
    assert check_config_file(path) == expected
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert raised.value.problems == expected
    assert str(raised.value) == "\n".join(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[telegram]\nwebhook_port = "abc"\n',
            'telegram.webhook_port: must be a whole number from 1 to 65535 (got "abc")',
        ),
        (
            "[telegram]\nwebhook_port = 70000\n",
            "telegram.webhook_port: must be a whole number from 1 to 65535 (got 70000)",
        ),
        (
            '[database]\nurl = "mysql://root:hunter2@db/piiri"\n',
            "database.url: must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
            '(got "mysql://…")',
        ),
        (
            "[outbound]\nretry_base_seconds = 0\n",
            "outbound.retry_base_seconds: must be a number greater than 0 (got 0)",
        ),
        (
            "[outbound]\ngive_up_after_hours = inf\n",
            "outbound.give_up_after_hours: must be a number greater than 0 (got inf)",
        ),
        ('[database]\necho = "often"\n', 'database.echo: must be true or false (got "often")'),
        ('[i18n]\ndefault_language = "de"\n', 'i18n.default_language: unknown value "de"'),
        ("[telegram]\ntoken = 12345\n", "telegram.token: must be text in quotes"),
        ('[moderation.policy]\nlolcats = "block"\n', "moderation.policy.lolcats: unknown category"),
        (
            '[moderation.policy]\nspam = { low = "hold", extreme = "block" }\n',
            'moderation.policy.spam: unknown severity "extreme" (expected low | medium | high)',
        ),
        (
            '[moderation.policy]\nharassment = { high = "nuke" }\n',
            'moderation.policy.harassment: unknown action "nuke" for high '
            "(expected allow | flag | hold | block)",
        ),
        ('[databse]\nurl = "x"\n', "databse: unknown section (expected database | i18n |"),
        ('_env_prefix = "X_"\n', "_env_prefix: unknown section"),
        ('database = "x"\n', 'database: must be a table (got "x")'),
    ],
)
def test_each_kind_of_mistake_is_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    [problem] = check_config_file(path)
    assert problem.startswith(f"{path}: {expected}")
    assert "Input should be" not in problem
    assert "hunter2" not in problem
    assert "12345" not in problem  # a secret's value is never repeated


def test_a_toml_syntax_error_gives_the_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, '[database]\necho = false\n[logging\nlevel = "INFO"\n')
    assert check_config_file(path) == [
        f"{path}: line 3, column 9: Expected ']' at the end of a table declaration"
    ]
    path = _write(tmp_path, 'level = "INFO', "unterminated.toml")
    assert check_config_file(path) == [f"{path}: at the end of the file: Unterminated string"]


def test_a_file_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert check_config_file(missing) == [f"{missing}: file not found"]
    with pytest.raises(ConfigError) as raised:
        load_settings(missing)
    assert str(raised.value) == f"{missing}: file not found"
    assert check_config_file(tmp_path) == [f"{tmp_path}: is a directory, not a configuration file"]
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe")
    assert check_config_file(binary) == [f"{binary}: is not UTF-8 text"]


def test_a_mistake_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIIRI_TELEGRAM_WEBHOOK_PORT", "abc")
    monkeypatch.setenv("PIIRI_DATABASE_ULR", "x")
    monkeypatch.setenv("PIIRI_MODERATION_POLICY", '{"crisis": "hide"}')
    with pytest.raises(ConfigError) as raised:
        load_settings(None)
    assert raised.value.problems == [
        "database.ulr (from PIIRI_DATABASE_ULR): unknown setting (expected url | echo)",
        "telegram.webhook_port (from PIIRI_TELEGRAM_WEBHOOK_PORT): must be a whole number "
        'from 1 to 65535 (got "abc")',
        "moderation.policy.crisis (from PIIRI_MODERATION_POLICY): unknown action "
        '"hide" (expected allow | flag | hold | block)',
    ]


def test_a_table_variable_that_is_not_json_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIIRI_MODERATION_POLICY", "hate=flag")
    with pytest.raises(ConfigError) as raised:
        load_settings(None)
    assert raised.value.problems == [
        "PIIRI_MODERATION_POLICY: must be a JSON object, because it sets a table of settings"
    ]


def test_a_mistake_in_the_file_is_reported_even_when_the_environment_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, '[database]\nurl = "mysql://db/piiri"\n')
    monkeypatch.setenv("PIIRI_DATABASE_URL", DEFAULT_URL)
    [problem] = check_config_file(path)
    assert problem.startswith(f"{path}: database.url: must start with")


def test_the_example_file_is_valid_and_equals_the_defaults() -> None:
    assert check_config_file(EXAMPLE) == []
    assert load_settings(EXAMPLE) == Settings()


def test_the_example_documents_every_setting_and_its_variable() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for section, field in SettingsFile.model_fields.items():
        model = field.annotation
        assert isinstance(model, type)
        assert issubclass(model, BaseModel)
        for key in model.model_fields:
            written = rf"^(# )?{key} = |^\[{section}\.{key}\]$|^\[\[{section}\.{key}\]\]$"
            assert re.search(written, text, re.MULTILINE), f"{section}.{key}"
            assert f"PIIRI_{section}_{key}".upper() in text, f"{section}.{key}"
    assert "PIIRI_SECRET_KEY" in text
    assert "PIIRI_CONFIG" in text
    assert "piiri secret generate" in text


def test_the_examples_left_commented_out_are_valid_too(tmp_path: Path) -> None:
    text = re.sub(r"^# (\w+ = .*)$", r"\1", EXAMPLE.read_text(encoding="utf-8"), flags=re.M)
    settings = load_settings(_write(tmp_path, text))
    assert settings.telegram.enabled
    assert settings.matrix.enabled
    assert settings.matrix.user_id == "@piiri:example.org"


def test_a_partial_policy_keeps_the_other_defaults(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, '[moderation.policy]\ncrisis = "block"\n'))
    assert settings.moderation.policy["crisis"] == "block"
    assert settings.moderation.policy == {
        **ModerationSettings().policy,
        "crisis": "block",
    }


def test_a_severity_left_out_of_a_table_keeps_its_default(tmp_path: Path) -> None:
    text = '[moderation.policy]\ncrisis = { high = "block" }\nhate = { low = "flag" }\n'
    policy = load_settings(_write(tmp_path, text)).moderation.policy
    assert policy["crisis"] == {"low": "hold", "medium": "hold", "high": "block"}
    assert policy["hate"] == {"low": "flag", "medium": "hold", "high": "hold"}


def test_action_for_reads_both_forms_of_rule() -> None:
    moderation = ModerationSettings.model_validate(
        {"policy": {"spam": "flag", "harassment": {"low": "allow", "medium": "flag"}}}
    )
    assert [moderation.action_for("spam", s) for s in ("low", "medium", "high")] == ["flag"] * 3
    assert moderation.action_for("harassment", "low") == "allow"
    assert moderation.action_for("harassment", "medium") == "flag"
    assert moderation.action_for("harassment", "high") == "hold"
    assert moderation.action_for("crisis", "low") == "hold"
    assert moderation.action_for("crisis", "high") == "hold"
    assert moderation.action_for("personal_info", "low") == "block"


def test_changing_one_policy_leaves_the_defaults_alone() -> None:
    first = ModerationSettings.model_validate({"policy": {"crisis": {"low": "flag"}}})
    rule = first.policy["crisis"]
    assert isinstance(rule, dict)
    rule["low"] = "allow"
    assert ModerationSettings().action_for("crisis", "low") == "hold"
