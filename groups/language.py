"""Which language a person is spoken to in."""

from __future__ import annotations

from collections.abc import Collection


def choose_language(
    *,
    chosen: str | None,
    group: str | None,
    default: str,
    supported: Collection[str],
) -> str:
    """The person's own choice wins, else their group's language, else the configured default."""
    for candidate in (chosen, group, default):
        if candidate is not None and candidate in supported:
            return candidate
    raise ValueError(f"default language {default!r} has no catalogue")
