"""Reading a programme file's `[questionnaire]` table, every mistake named by file, line and
field like the rest of the file (`groups.programme_file`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from groups.programme import Text
from groups.questionnaire import Item, Questionnaire, ScalePoint
from groups.toml_lines import PathPart

KEYS = {"key", "asked", "intro", "scale", "items"}
SCALE_KEYS = {"value", "label"}
ITEM_KEYS = {"key", "text"}
ITEM_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_ITEMS = 8
SCALE_POINTS = (2, 7)
MAX_ASKED = 4
# Phone-sized: an item is read on a small screen, a label is a button.
MAX_ITEM_TEXT = 200
MAX_LABEL = 40

Path = tuple[PathPart, ...]


class Checker(Protocol):
    def fail(self, path: Path, message: str) -> None: ...

    def string(self, doc: Mapping[str, Any], path: Path, *, limit: int = 200) -> str | None: ...

    def text(
        self, doc: Mapping[str, Any], path: Path, *, placeholders: bool = False
    ) -> Text | None: ...

    def unknown_keys(self, doc: Mapping[str, Any], known: set[str], path: Path) -> None: ...


def check(checker: Checker, value: object, sessions: int) -> Questionnaire | None:
    path: Path = ("questionnaire",)
    if not isinstance(value, dict):
        checker.fail(path, "must be a [questionnaire] table")
        return None
    checker.unknown_keys(value, KEYS, path)
    key = checker.string(value, (*path, "key"), limit=40)
    if key is not None and not ITEM_KEY.match(key):
        checker.fail((*path, "key"), f'"{key}" must be lower-case letters, digits or "-"')
    asked = _asked(checker, value.get("asked"), (*path, "asked"), sessions)
    intro = checker.text(value, (*path, "intro"))
    scale = _scale(checker, value.get("scale"), (*path, "scale"))
    items = _items(checker, value.get("items"), (*path, "items"))
    if key is None or asked is None or intro is None or scale is None or items is None:
        return None
    return Questionnaire(key, asked, intro, scale, items)


def _asked(checker: Checker, value: object, path: Path, sessions: int) -> tuple[int, ...] | None:
    example = "e.g. asked = [1, 9]"
    if value is None:
        checker.fail(path, f"is missing: the session numbers it is asked at, {example}")
        return None
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)
    ):
        checker.fail(path, f"must be a list of session numbers, {example}")
        return None
    if len(value) > MAX_ASKED:
        checker.fail(path, f"asks {len(value)} times; at most {MAX_ASKED}")
        return None
    outside = [n for n in value if not 1 <= n <= sessions]
    if outside:
        checker.fail(path, f"session {outside[0]} is not one of the sessions 1–{sessions}")
        return None
    if list(value) != sorted(set(value)):
        checker.fail(path, "must list each session once, in order")
        return None
    return tuple(value)


def _tables(checker: Checker, value: object, path: Path, name: str) -> list[dict[str, Any]]:
    if value is None:
        checker.fail(path, f"is missing: add [[questionnaire.{name}]] tables")
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        checker.fail(path, f"must be a list of [[questionnaire.{name}]] tables")
        return []
    return value


def _short(checker: Checker, text: Text | None, path: Path, limit: int) -> Text | None:
    if text is None:
        return None
    for language, words in text.by_language.items():
        if len(words) > limit:
            checker.fail((*path, language), f"is {len(words)} characters; keep it under {limit}")
            return None
    return text


def _scale(checker: Checker, value: object, path: Path) -> tuple[ScalePoint, ...] | None:
    tables = _tables(checker, value, path, "scale")
    low, high = SCALE_POINTS
    if tables and not low <= len(tables) <= high:
        checker.fail(path, f"has {len(tables)} points; a scale has {low}–{high}")
        return None
    points = []
    for index, table in enumerate(tables):
        at = (*path, index)
        checker.unknown_keys(table, SCALE_KEYS, at)
        number = table.get("value")
        if number != index + 1 or isinstance(number, bool):
            checker.fail((*at, "value"), f"must be {index + 1}: points are numbered 1, 2, 3 …")
            continue
        label = _short(checker, checker.text(table, (*at, "label")), (*at, "label"), MAX_LABEL)
        if label is not None:
            points.append(ScalePoint(index + 1, label))
    return tuple(points) if tables and len(points) == len(tables) else None


def _items(checker: Checker, value: object, path: Path) -> tuple[Item, ...] | None:
    tables = _tables(checker, value, path, "items")
    if tables and not 1 <= len(tables) <= MAX_ITEMS:
        checker.fail(path, f"has {len(tables)} items; a questionnaire has 1–{MAX_ITEMS}")
        return None
    items: list[Item] = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        at = (*path, index)
        checker.unknown_keys(table, ITEM_KEYS, at)
        key = checker.string(table, (*at, "key"), limit=40)
        if key is not None and not ITEM_KEY.match(key):
            checker.fail((*at, "key"), f'"{key}" must be lower-case letters, digits or "-"')
            key = None
        elif key is not None and key in seen:
            checker.fail((*at, "key"), f'"{key}" is used by an earlier item')
            key = None
        text = _short(checker, checker.text(table, (*at, "text")), (*at, "text"), MAX_ITEM_TEXT)
        if key is not None and text is not None:
            seen.add(key)
            items.append(Item(key, text))
    return tuple(items) if tables and len(items) == len(tables) else None
