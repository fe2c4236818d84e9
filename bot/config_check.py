"""Configuration mistakes as one human line each: the key, the problem, and what is allowed.

`format_errors` turns a pydantic `ValidationError` into lines such as

    logging.level: unknown value "LOUD" (expected DEBUG | INFO | WARNING | ERROR)
    telegram.webhook_port: must be a whole number from 1 to 65535 (got "abc")

looking up what is allowed in the model itself, so the lines stay true when a setting changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import SettingsError

ENV_PREFIX = "PIIRI_"
Location = tuple[int | str, ...]

_NUMBER_ERRORS = {
    "int_parsing",
    "int_type",
    "int_from_float",
    "float_parsing",
    "float_type",
    "finite_number",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
}
_PLAIN_ERRORS = {
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text in quotes",
    "path_type": "must be a path in quotes",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "dict_type": "must be a table",
}


def _field_at(model: type[BaseModel], loc: Location) -> FieldInfo | None:
    """The field a location names, following nested sections; None inside plain tables."""
    field: FieldInfo | None = None
    current: object = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = field.annotation
    return field


def hide_credentials(url: str) -> str:
    """Enough of a URL to recognise it in an error message, without the password in it."""
    scheme, separator, _ = url.partition("://")
    if separator:
        return f"{scheme}://…"
    return "…" if "@" in url else url


def _show(value: object) -> str:
    """A value the way it would look in the TOML file, shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:39] + "…", ensure_ascii=False)
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _is_secret(field: FieldInfo | None) -> bool:
    return field is not None and (
        field.annotation is SecretStr or SecretStr in get_args(field.annotation)
    )


def _number(field: FieldInfo | None, kind: str) -> str:
    """`a whole number from 1 to 65535`, `a number greater than 0`: the type and its bounds."""
    whole = field.annotation is int if field is not None else kind.startswith("int")
    noun = "a whole number" if whole else "a number"
    low: object = None
    high: object = None
    above, below = "at least", "at most"
    for rule in field.metadata if field is not None else []:
        if isinstance(rule, Ge):
            low = rule.ge
        elif isinstance(rule, Gt):
            low, above = rule.gt, "greater than"
        elif isinstance(rule, Le):
            high = rule.le
        elif isinstance(rule, Lt):
            high, below = rule.lt, "less than"
    if low is not None and high is not None and (above, below) == ("at least", "at most"):
        return f"{noun} from {low} to {high}"
    bounds = [f"{above} {low}"] if low is not None else []
    bounds += [f"{below} {high}"] if high is not None else []
    return " ".join([noun, *bounds[:1], *(f"and {b}" for b in bounds[1:])])


def _expected(error: ErrorDetails) -> str:
    ctx = error.get("ctx") or {}
    return " | ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))


def _describe(error: ErrorDetails, model: type[BaseModel], loc: Location) -> str:
    kind, value = error["type"], error.get("input")
    field = _field_at(model, loc)
    got = "" if _is_secret(field) else f" (got {_show(value)})"
    if kind == "extra_forbidden":
        where = model if len(loc) == 1 else _field_at(model, loc[:-1])
        parent = where.annotation if isinstance(where, FieldInfo) else where
        noun = "section" if len(loc) == 1 else "setting"
        if isinstance(parent, type) and issubclass(parent, BaseModel):
            return f"unknown {noun} (expected {' | '.join(parent.model_fields)})"
        return f"unknown {noun}"
    if kind == "literal_error" and error["loc"][-1] == "[key]":
        noun = "category" if loc[-2:-1] == ("policy",) else "key"
        return f"unknown {noun} (expected {_expected(error)})"
    if kind == "literal_error":
        return f"unknown value {_show(value)} (expected {_expected(error)})"
    if kind == "value_error":
        return str((error.get("ctx") or {}).get("error", error["msg"]))
    if kind in _NUMBER_ERRORS:
        return f"must be {_number(field, kind)}{got}"
    if kind in _PLAIN_ERRORS:
        return _PLAIN_ERRORS[kind] + got
    return f"{error['msg'].lower()}{got}"


def _environment_variable(loc: Location, environ: Mapping[str, str]) -> str | None:
    """The `PIIRI_*` variable a value at `loc` came from, if one did.

    A variable sets one key (`PIIRI_DATABASE_URL`), or a table given as JSON
    (`PIIRI_MODERATION_POLICY`, `PIIRI_DATABASE`) that must then contain the rest of the path.
    """
    names = {name.upper(): name for name in environ}
    for depth in range(min(len(loc), 2), 0, -1):
        name = names.get((ENV_PREFIX + "_".join(str(p) for p in loc[:depth])).upper())
        if name is None:
            continue
        if depth == len(loc):
            return name
        try:
            value: Any = json.loads(environ[name])
        except ValueError:
            continue
        for part in loc[depth:]:
            if not isinstance(value, dict) or str(part) not in value:
                break
            value = value[str(part)]
        else:
            return name
    return None


def format_errors(
    exc: ValidationError, model: type[BaseModel], environ: Mapping[str, str] | None = None
) -> list[str]:
    """One line per error: `section.key: problem`. Pass `environ` when the values include the
    environment's; each line then names the variable the value came from."""
    lines = []
    for error in exc.errors():
        loc = error["loc"][:-1] if error["loc"][-1:] == ("[key]",) else error["loc"]
        key = ".".join(str(part) for part in loc)
        if environ is not None:
            key += f" (from {_environment_variable(loc, environ) or 'the environment'})"
        lines.append(f"{key}: {_describe(error, model, loc)}")
    return lines


def _is_table(field: FieldInfo | None) -> bool:
    annotation = field.annotation if field is not None else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return get_origin(annotation) is dict


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def format_environment_error(
    exc: SettingsError, model: type[BaseModel], environ: Mapping[str, str]
) -> list[str]:
    """pydantic-settings reads a table from one variable as JSON, and when that fails it names
    only the section; find the variables in that section that set a table and are not JSON."""
    found = re.search(r'field "([^"]+)"', str(exc))
    if found is None:
        return [f"environment: {exc}"]
    section = found[1]
    base = f"{ENV_PREFIX}{section}".upper()
    lines = []
    for name, value in sorted(environ.items()):
        upper = name.upper()
        if upper == base:
            loc: Location = (section,)
        elif upper.startswith(base + "_"):
            loc = (section, upper.removeprefix(base + "_").lower())
        else:
            continue
        if _is_table(_field_at(model, loc)) and not _is_json(value):
            lines.append(f"{name}: must be a JSON object, because it sets a table of settings")
    return lines or [f"environment: {exc}"]


def check_config_file(path: Path) -> list[str]:
    """Every problem with the file at `path` (and the `PIIRI_*` variables), one line each; [] when
    Piiri can start with it."""
    from bot.config import ConfigError, load_settings  # noqa: PLC0415 - bot.config imports us

    try:
        load_settings(path)
    except ConfigError as exc:
        return exc.problems
    return []
