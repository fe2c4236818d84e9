"""Turns validation errors into one human line each: the key path, the problem, what is allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    from bot.config import Settings  # noqa: PLC0415 - avoids an import cycle

    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def _describe(error: ErrorDetails) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(error["loc"])
        return "unknown setting" + (f" (expected {' | '.join(allowed)})" if allowed else "")
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        options = " | ".join(part.strip() for part in expected.split(","))
        noun = "value"
        if error["loc"][-1] == "[key]":
            noun = "category" if "policy" in error["loc"] else "key"
        return f"unknown {noun} {shown} (expected {options})"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number (got {shown})"
    if kind in ("float_parsing", "float_type"):
        return f"must be a number (got {shown})"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false (got {shown})"
    if kind in ("string_type",):
        return f"must be text in quotes (got {shown})"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a table of settings"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        limit = next(iter(ctx.values()), "")
        return f"must be {bound} {limit} (got {shown})"
    return f"{error['msg']} (got {shown})"


def _location(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Pydantic marks a bad dict key as `…, key, '[key]'`; show it as the key itself."""
    if loc and loc[-1] == "[key]":
        return loc[:-1]
    return loc


def format_errors(exc: ValidationError) -> list[str]:
    return [f"{_path(_location(e['loc']))}: {_describe(e)}" for e in exc.errors()]


def check_config_file(path: Path) -> list[str]:
    """Every problem with the file at `path`, one line each; [] when it is usable."""
    from bot.config import ConfigError, Settings, read_toml  # noqa: PLC0415

    try:
        data: dict[str, Any] = read_toml(path)
    except ConfigError as exc:
        return exc.problems
    try:
        Settings(**data)
    except ValidationError as exc:
        return [f"{path}: {line}" for line in format_errors(exc)]
    return []
