"""Piiri's settings: a TOML file, overridden by `PIIRI_<SECTION>_<KEY>` environment variables.

Every command finds the file the same way (`resolve_config_path`) and loads it with
`load_settings`, which reports every mistake as one readable line (`ConfigError`). Secrets belong
in the environment. `PIIRI_CONFIG` (which file to read) and `PIIRI_SECRET_KEY` (read by
`bot.secret_key`) are environment variables, but not settings.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
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
    SettingsError,
)

from bot.config_check import format_environment_error, format_errors, hide_credentials
from groups.timezones import require_zone

ENV_CONFIG = "PIIRI_CONFIG"
ENV_PREFIX = "PIIRI_"
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
ACTIONS: tuple[ModerationAction, ...] = ("allow", "flag", "hold", "block")
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high")
LANGUAGES: tuple[Language, ...] = ("fi", "sv", "en")
DEFAULT_ESCALATION_MINUTES: dict[Severity, float] = {"high": 5.0, "medium": 15.0, "low": 60.0}
DATABASE_SCHEMES = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


class Section(BaseModel):
    """One `[section]` of the file. Unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(Section):
    url: str = "sqlite+aiosqlite:///piiri-data/piiri.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _supported_driver(cls, url: str) -> str:
        # Only the async drivers Piiri installs; anything else would fail much later, obscurely.
        if not url.startswith(DATABASE_SCHEMES):
            raise ValueError(
                f'must start with {" or ".join(DATABASE_SCHEMES)} (got "{hide_credentials(url)}")'
            )
        return url


class I18nSettings(Section):
    default_language: Language = "fi"


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class DataSettings(Section):
    dir: Path = Path("piiri-data")
    """Where the embedded defaults keep local files (the generated key file)."""
    # Message text is dropped after this many days (counts stay); so are de-duplication marks.
    message_retention_days: int = Field(default=30, ge=1, le=3650)
    processed_event_days: int = Field(default=14, ge=1, le=365)
    # Days after a group finishes before all of its message text is dropped.
    finished_group_retention_days: int = Field(default=7, ge=1, le=3650)


class TelegramSettings(Section):
    token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # The bot's @username without the @, for invite links (`https://t.me/<bot>?start=<code>`).
    bot_username: str | None = None

    @property
    def enabled(self) -> bool:
        """`token = ""` counts as no token (an empty variable is ignored anyway)."""
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
        """A homeserver and a way to log in: an access token, or a password for the first login."""
        secrets = (self.access_token, self.password)
        return bool(self.homeserver) and any(s and s.get_secret_value() for s in secrets)


class WebSettings(Section):
    """The web chat for members and the staff dashboard, served inside the service."""

    # `enabled = "auto"` serves the web when no chat platform is configured (the embedded
    # default); true serves it alongside Telegram and Matrix; false never serves it.
    enabled: Literal["auto"] | bool = "auto"
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    # The address people reach the service at, for join links and QR codes
    # (e.g. "https://piiri.example.org"); defaults to http://host:port.
    public_url: str | None = None
    # The header a trusted reverse proxy puts the client's address in (e.g. "X-Forwarded-For");
    # unset means the connection's own address is used and no such header is believed.
    trusted_proxy_header: str | None = None
    # Sites allowed to embed the member chat in an iframe (CSP frame-ancestors), e.g.
    # ["https://www.example.org"]; empty means no site may embed it.
    embed_origins: list[str] = Field(default_factory=list)

    def serves(self, platforms_configured: bool) -> bool:
        if self.enabled == "auto":
            return not platforms_configured
        return bool(self.enabled)

    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.host}:{self.port}"


class ProgrammeSettings(Section):
    dir: Path = Path("piiri-data/programmes")
    """The organisation's own programme files, next to the built-in ones."""


class ScheduleSettings(Section):
    default_timezone: str = "Europe/Helsinki"
    # A prompt whose moment passed while Piiri was down is still posted this late, else missed.
    in_session_grace_minutes: float = Field(default=10.0, ge=0, le=24 * 60, allow_inf_nan=False)
    reminder_grace_hours: float = Field(default=12.0, ge=0, le=7 * 24, allow_inf_nan=False)
    # How often to look in the store for posts another instance or a command has added.
    poll_seconds: float = Field(default=30.0, ge=1, le=3600, allow_inf_nan=False)
    # How long a prompt claimed for posting is one process's alone (as `[outbound]`'s).
    lease_seconds: float = Field(default=120.0, ge=1, le=3600, allow_inf_nan=False)

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        require_zone(name)
        return name


class JoiningSettings(Section):
    # Minutes a join flow may stay unfinished before it is dropped (nothing of it is kept).
    flow_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # Hours a person offered a waiting-list place has to take it.
    offer_hours: float = Field(default=48.0, gt=0, le=14 * 24, allow_inf_nan=False)
    # Wrong invite codes allowed per person within `code_window_minutes`, then they must wait.
    code_attempts: int = Field(default=5, ge=1, le=100)
    code_window_minutes: int = Field(default=15, ge=1, le=24 * 60)


class OutboundSettings(Section):
    # Not infinite: `give_up_after_hours = inf` would overflow the timedelta built from it.
    retry_base_seconds: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    retry_max_seconds: float = Field(default=300.0, gt=0, allow_inf_nan=False)
    give_up_after_hours: float = Field(default=24.0, gt=0, allow_inf_nan=False)
    # How long a batch claimed for sending is one process's alone. After a crash, what it had
    # claimed waits this long; it must outlast the slowest batch (20 sends at the platform's
    # timeouts), or a second instance could send a message again.
    lease_seconds: float = Field(default=120.0, ge=1, le=3600, allow_inf_nan=False)


PolicyRule = ModerationAction | dict[Severity, ModerationAction]

DEFAULT_POLICY: Mapping[Category, PolicyRule] = {
    "crisis": "hold",
    "safeguarding": "flag",
    "harassment": "hold",
    "hate": "hold",
    "sexual": "hold",
    "personal_info": "block",
    "contact_exchange": "block",
    "spam": "block",
}


def default_policy() -> dict[Category, PolicyRule]:
    """A fresh copy, so changing one Settings' policy never changes the defaults."""
    return {c: r if isinstance(r, str) else dict(r) for c, r in DEFAULT_POLICY.items()}


def _check_rule(rule: object) -> object:
    """One clear message for a bad rule; the union alone would report one error per branch."""
    actions = " | ".join(ACTIONS)
    if isinstance(rule, str):
        if rule not in ACTIONS:
            raise ValueError(f'unknown action "{rule}" (expected {actions})')
    elif isinstance(rule, Mapping):
        for severity, action in rule.items():
            if severity not in SEVERITIES:
                raise ValueError(
                    f'unknown severity "{severity}" (expected {" | ".join(SEVERITIES)})'
                )
            if action not in ACTIONS:
                raise ValueError(f'unknown action "{action}" for {severity} (expected {actions})')
    else:
        raise ValueError(
            f"must be an action ({actions}) or a table of severity = action (got {rule})"
        )
    return rule


class HelpResource(Section):
    """A place to get help now, told to a member whose message showed a crisis."""

    name: dict[Language, str]
    phone: str | None = None
    url: str | None = None
    # Open day and night: these are the numbers given outside the moderators' hours.
    always_open: bool = False
    # Readers of these languages are told of it.
    languages: list[Language] = Field(default_factory=lambda: list(LANGUAGES))

    @field_validator("languages")
    @classmethod
    def _some(cls, languages: list[Language]) -> list[Language]:
        if not languages:
            raise ValueError("name at least one language")
        return languages


# Finland's defaults; an organisation replaces them with `[[moderation.resources]]` entries.
DEFAULT_RESOURCES: tuple[dict[str, Any], ...] = (
    # The emergency number, day and night: Hätäkeskuslaitos (Emergency Response Centre
    # Agency), https://112.fi/
    {
        "name": {"fi": "Hätänumero", "sv": "Nödnumret", "en": "Emergency number"},
        "phone": "112",
        "always_open": True,
    },
    # MIELI ry's national crisis helpline in Finnish, open 24/7 since 1 Feb 2020:
    # https://mieli.fi/tukea-ja-apua/kriisipuhelin/ and MIELI's release of 2020-01,
    # https://www.sttinfo.fi/tiedote/69873814
    {
        "name": {
            "fi": "MIELI Kriisipuhelin (ympäri vuorokauden)",
            "sv": "MIELI Kristelefonen på finska (dygnet runt)",
            "en": "MIELI Crisis Helpline in Finnish (24/7)",
        },
        "phone": "09 2525 0111",
        "url": "https://mieli.fi/",
        "always_open": True,
    },
    # The same helpline in Swedish and in English, on fewer hours (listed on the pages):
    # https://mieli.fi/sv/ and http://mieli.fi/helpline
    {
        "name": {"sv": "MIELI Kristelefonen på svenska (se öppettiderna)"},
        "phone": "09 2525 0112",
        "url": "https://mieli.fi/sv/",
        "languages": ["sv"],
    },
    {
        "name": {"en": "MIELI Crisis Helpline in English (see the opening hours)"},
        "phone": "09 2525 0116",
        "url": "http://mieli.fi/helpline",
        "languages": ["en"],
    },
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = re.compile(r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*$")


def _check_hours(value: str) -> str:
    for part in value.split(","):
        if part.strip() and not HOURS.match(part):
            raise ValueError(f'"{part.strip()}" is not a time range like "16:00-21:00"')
    return value


class ModerationSettings(Section):
    policy: dict[Category, Annotated[PolicyRule, BeforeValidator(_check_rule)]] = Field(
        default_factory=default_policy
    )
    """Category → one action for every severity, or a table by severity."""
    resources: list[HelpResource] = Field(
        default_factory=lambda: [HelpResource(**r) for r in DEFAULT_RESOURCES]
    )
    # When moderators are on duty, per weekday ("mon" … "sun"): "16:00-21:00", or several
    # ranges separated by commas. Empty: no rota, and a member is not told when they are back.
    staffed_hours: dict[
        Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        Annotated[str, BeforeValidator(_check_hours)],
    ] = Field(default_factory=dict)
    rota_timezone: str = "Europe/Helsinki"
    # Minutes an alert waits for an acknowledgement before it is raised again (to the backup
    # contacts too), by severity; then again after as long, up to `escalations` times.
    escalation_minutes: dict[Severity, float] = Field(
        default_factory=lambda: dict(DEFAULT_ESCALATION_MINUTES)
    )
    escalations: int = Field(default=3, ge=0, le=20)
    # PLATFORM:ID of people alerted when no one acknowledges in time; empty: Piiri's admins.
    backup_contacts: list[str] = Field(default_factory=list)
    # Links from a member who joined less than this many hours ago are held back as spam.
    new_member_hours: float = Field(default=24.0, ge=0, le=24 * 30, allow_inf_nan=False)

    @field_validator("rota_timezone")
    @classmethod
    def _zone(cls, zone: str) -> str:
        require_zone(zone)
        return zone

    @field_validator("escalation_minutes")
    @classmethod
    def _positive(cls, minutes: dict[Severity, float]) -> dict[Severity, float]:
        for severity, value in minutes.items():
            if not 0 < value <= 24 * 60:
                raise ValueError(f"{severity}: minutes must be more than 0 and at most 1440")
        return {**DEFAULT_ESCALATION_MINUTES, **minutes}

    @field_validator("backup_contacts")
    @classmethod
    def _refs(cls, refs: list[str]) -> list[str]:
        for ref in refs:
            platform, sep, rest = ref.partition(":")
            if not sep or not platform or not rest:
                raise ValueError(f'"{ref}" is not PLATFORM:ID (e.g. "telegram:123456789")')
        return refs

    @field_validator("policy")
    @classmethod
    def _complete(cls, policy: dict[Category, PolicyRule]) -> dict[Category, PolicyRule]:
        """A category left out keeps its default; so does a severity left out of a table."""
        complete = default_policy()
        for category, rule in policy.items():
            if isinstance(rule, str):
                complete[category] = rule
                continue
            default = DEFAULT_POLICY[category]
            complete[category] = {
                severity: rule.get(
                    severity, default if isinstance(default, str) else default[severity]
                )
                for severity in SEVERITIES
            }
        return complete

    def action_for(self, category: Category, severity: Severity) -> ModerationAction:
        rule = self.policy[category]
        return rule if isinstance(rule, str) else rule[severity]


class SettingsFile(BaseModel):
    """The settings exactly as a file states them, before the environment is applied.

    `load_settings` checks the file against this first, so a mistake in the file is reported
    even while an environment variable happens to override that key.
    """

    model_config = ConfigDict(extra="forbid")

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    i18n: I18nSettings = Field(default_factory=I18nSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    data: DataSettings = Field(default_factory=DataSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    matrix: MatrixSettings = Field(default_factory=MatrixSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    programmes: ProgrammeSettings = Field(default_factory=ProgrammeSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    joining: JoiningSettings = Field(default_factory=JoiningSettings)
    outbound: OutboundSettings = Field(default_factory=OutboundSettings)
    moderation: ModerationSettings = Field(default_factory=ModerationSettings)


class Settings(BaseSettings, SettingsFile):
    """The settings in force: environment, then file (given as keyword arguments), then defaults.

    `PIIRI_DATABASE_URL` sets `database.url`: the prefix is stripped and the rest split at the
    first `_` only, so `PIIRI_MATRIX_ACCESS_TOKEN` reaches `matrix.access_token`. Variables
    naming no section (`PIIRI_CONFIG`, `PIIRI_SECRET_KEY`) are ignored; a variable naming a
    section but no key in it (`PIIRI_DATABASE_ULR`) is an error, like the same typo in the file.
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="_",
        env_nested_max_split=1,
        env_ignore_empty=True,
        extra="forbid",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment outranks the file, which arrives as init arguments. No .env files and
        # no secrets directory: one place for secrets, the process environment.
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


_TOML_POSITION = re.compile(
    r"^(?P<message>.*) \((?:at line (?P<line>\d+), column (?P<column>\d+)|at end of document)\)$"
)


def _toml_problem(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    """`config.toml: line 3, column 7: Invalid value`; tomllib puts the position last."""
    found = _TOML_POSITION.match(str(exc))
    if found is None:
        return f"{path}: {exc}"
    if found["line"] is None:
        return f"{path}: at the end of the file: {found['message']}"
    return f"{path}: line {found['line']}, column {found['column']}: {found['message']}"


def read_toml(path: Path) -> dict[str, Any]:
    """The file's tables; any failure is a `ConfigError` with one line, never a traceback."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problem = "file not found"
    except IsADirectoryError:
        problem = "is a directory, not a configuration file"
    except PermissionError:
        problem = "cannot be read (permission denied)"
    except UnicodeDecodeError:
        problem = "is not UTF-8 text"
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_toml_problem(path, exc)]) from None
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or exc})"
    raise ConfigError([f"{path}: {problem}"])


def load_settings(path: Path | None) -> Settings:
    """Defaults, then the file at `path` (None: no file), then `PIIRI_*` environment variables.

    Raises `ConfigError` listing every problem: first the file's own (each line starting with
    the file's path), else those the environment brings (each naming its variable).
    """
    data = read_toml(path) if path is not None else {}
    try:
        # Also what keeps a top-level key like `_env_prefix` from reaching BaseSettings' options.
        SettingsFile.model_validate(data)
    except ValidationError as exc:
        where = f"{path}: " if path is not None else ""
        raise ConfigError([where + line for line in format_errors(exc, SettingsFile)]) from None
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(format_errors(exc, Settings, environ=os.environ)) from None
    except SettingsError as exc:
        raise ConfigError(format_environment_error(exc, Settings, os.environ)) from None
