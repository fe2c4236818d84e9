"""Find the line a TOML value was written on, so an error can point at it.

`tomllib` gives values without positions. This reads the source once more, line by line, and
records where each key was set: `[table]` and `[[array]]` headers (with the array's running
index), `key = …` and dotted `a.b = …` assignments, and inline tables (their keys point at the
line of the table). Multi-line strings and arrays are stepped over. It is a locator for error
messages, not a parser: a path it cannot place falls back to its nearest placed parent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PathPart = str | int
Path = tuple[PathPart, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_ASSIGN = re.compile(rf"^\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_INLINE_KEY = re.compile(r"""[{,]\s*([A-Za-z0-9_-]+|"[^"]*")\s*=""")


def _split_key(key: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", key)
    return tuple(part.strip("\"'") for part in parts)


class LineIndex:
    def __init__(self, source: str) -> None:
        self._lines: dict[Path, int] = {}
        self._scan(source.splitlines())

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The line (1-based) where `path` is written, else its nearest written parent's."""
        probe = tuple(path)
        while probe:
            if probe in self._lines:
                return self._lines[probe]
            probe = probe[:-1]
        return None

    def _record(self, path: Path, line: int) -> None:
        self._lines.setdefault(path, line)

    def _scan(self, lines: list[str]) -> None:
        table: Path = ()
        counters: dict[Path, int] = {}
        open_quote: str | None = None
        depth = 0
        for number, line in enumerate(lines, start=1):
            if open_quote is not None:
                if open_quote in line:
                    open_quote = None
                continue
            if depth > 0:
                depth += line.count("[") - line.count("]")
                continue
            header = _HEADER.match(line)
            if header is not None:
                table = self._header(header.group(1) == "[[", header.group(2), table, counters)
                self._record(table, number)
                continue
            assign = _ASSIGN.match(line)
            if assign is None:
                continue
            key = _split_key(assign.group(1))
            for length in range(1, len(key) + 1):
                self._record(table + key[:length], number)
            path = table + key
            value = line[assign.end() :]
            for key in _INLINE_KEY.findall(value):
                self._record((*path, key.strip('"')), number)
            open_quote = _opens_multiline(value)
            if open_quote is None and value.lstrip().startswith("["):
                depth = value.count("[") - value.count("]")

    def _header(self, is_array: bool, name: str, table: Path, counters: dict[Path, int]) -> Path:
        """`[[sessions.prompts]]` → ("sessions", 2, "prompts", 0).

        A child array's counter is keyed by its parent's index, so it restarts per parent.
        """
        keys = _split_key(name)
        path: Path = ()
        for depth, key in enumerate(keys):
            path = (*path, key)
            last = depth == len(keys) - 1
            if last and is_array:
                index = counters.get(path, -1) + 1
                counters[path] = index
                path = (*path, index)
            elif not last and path in counters:
                path = (*path, counters[path])
        return path


def _opens_multiline(value: str) -> str | None:
    for quote in ('"""', "'''"):
        start = value.find(quote)
        if start != -1 and value.find(quote, start + 3) == -1:
            return quote
    return None
