"""Piiri's settings: a TOML file, overridden by `PIIRI_<SECTION>_<KEY>` environment variables.

Every command finds the file the same way (`resolve_config_path`). Secrets belong in the
environment; `PIIRI_SECRET_KEY` is read by `bot.secret_key`, not here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

ENV_CONFIG = "PIIRI_CONFIG"
DEFAULT_CONFIG_FILE = "config.toml"

Language = Literal["fi", "sv", "en"]
ModerationAction = Literal["allow", "flag", "hold", "block"]
Severity = Literal["low", "medium", "high"]
Category = Literal[
    "crisis",
    "safeguarding",
    "harassment",
    "hate",
    "sexual",
    "personal_info",
    "contact_exchange",
    "spam",
]
ACTIONS: tuple[str, ...] = ("allow", "flag", "hold", "block")
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
DATABASE_SCHEMES = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(Section):
    url: str = "sqlite+aiosqlite:///piiri-data/piiri.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _known_driver(cls, url: str) -> str:
        if not url.startswith(DATABASE_SCHEMES):
            raise ValueError(f'must start with {" or ".join(DATABASE_SCHEMES)} (got "{url}")')
        return url


class I18nSettings(Section):
    default_language: Language = "fi"


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class DataSettings(Section):
    dir: Path = Path("piiri-data")


class TelegramSettings(Section):
    token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None

    @property
    def enabled(self) -> bool:
        return self.token is not None and bool(self.token.get_secret_value())


class MatrixSettings(Section):
    homeserver: str | None = None
    user_id: str | None = None
    access_token: SecretStr | None = None
    password: SecretStr | None = None
    device_name: str = "piiri"
    store_path: Path = Path("piiri-data/matrix")

    @property
    def enabled(self) -> bool:
        return bool(self.homeserver) and (
            self.access_token is not None or self.password is not None
        )


class OutboundSettings(Section):
    retry_base_seconds: float = Field(default=1.0, gt=0)
    retry_max_seconds: float = Field(default=300.0, gt=0)
    give_up_after_hours: float = Field(default=24.0, gt=0)


PolicyRule = ModerationAction | dict[Severity, ModerationAction]

DEFAULT_POLICY: dict[Category, PolicyRule] = {
    "crisis": {"low": "flag", "medium": "hold", "high": "hold"},
    "safeguarding": {"low": "flag", "medium": "hold", "high": "hold"},
    "harassment": {"low": "flag", "medium": "hold", "high": "block"},
    "hate": "block",
    "sexual": "hold",
    "personal_info": "block",
    "contact_exchange": "hold",
    "spam": "hold",
}


def _check_rule(rule: Any) -> PolicyRule:
    """One clear message for a bad rule, instead of an error per branch of the union."""
    expected = " | ".join(ACTIONS)
    if isinstance(rule, str):
        if rule not in ACTIONS:
            raise ValueError(f'unknown action "{rule}" (expected {expected})')
        return rule  # type: ignore[return-value]
    if isinstance(rule, Mapping):
        checked: dict[str, str] = {}
        for severity, action in rule.items():
            if severity not in SEVERITIES:
                raise ValueError(
                    f'unknown severity "{severity}" (expected {" | ".join(SEVERITIES)})'
                )
            if action not in ACTIONS:
                raise ValueError(f'{severity}: unknown action "{action}" (expected {expected})')
            checked[severity] = action
        return checked  # type: ignore[return-value]
    raise ValueError(f"must be an action ({expected}) or a table of severity = action")


CheckedRule = Annotated[Any, AfterValidator(_check_rule)]


class ModerationSettings(Section):
    policy: dict[Category, CheckedRule] = Field(default_factory=lambda: dict(DEFAULT_POLICY))

    @field_validator("policy", mode="after")
    @classmethod
    def _keep_defaults(cls, policy: dict[Category, Any]) -> dict[Category, Any]:
        """A file that sets one category keeps the defaults for the others."""
        return {**DEFAULT_POLICY, **policy}

    def action_for(self, category: Category, severity: Severity) -> ModerationAction:
        rule = self.policy[category]
        if isinstance(rule, str):
            return rule  # type: ignore[return-value]
        default = DEFAULT_POLICY[category]
        fallback = default if isinstance(default, str) else default[severity]
        return rule.get(severity, fallback)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PIIRI_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="forbid",
    )

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    i18n: I18nSettings = Field(default_factory=I18nSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    data: DataSettings = Field(default_factory=DataSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    matrix: MatrixSettings = Field(default_factory=MatrixSettings)
    outbound: OutboundSettings = Field(default_factory=OutboundSettings)
    moderation: ModerationSettings = Field(default_factory=ModerationSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment outranks the file, which arrives as init arguments.
        return env_settings, init_settings


class ConfigError(Exception):
    """A configuration that cannot be used; `problems` holds one complete line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def resolve_config_path(
    cli_path: Path | None, environ: Mapping[str, str], cwd: Path
) -> Path | None:
    """`--config FILE`, else `$PIIRI_CONFIG`, else `./config.toml` if present, else None."""
    if cli_path is not None:
        return cli_path
    if environ.get(ENV_CONFIG):
        return Path(environ[ENV_CONFIG])
    candidate = cwd / DEFAULT_CONFIG_FILE
    return candidate if candidate.is_file() else None


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except IsADirectoryError:
        raise ConfigError([f"{path}: is a directory, not a configuration file"]) from None
    except PermissionError:
        raise ConfigError([f"{path}: cannot be read (permission denied)"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot be read ({exc.strerror})"]) from None


def load_settings(path: Path | None) -> Settings:
    from bot.config_check import format_errors  # noqa: PLC0415 - avoids an import cycle

    data = read_toml(path) if path is not None else {}
    try:
        return Settings(**data)
    except ValidationError as exc:
        prefix = f"{path}: " if path is not None else ""
        raise ConfigError([prefix + line for line in format_errors(exc)]) from None
