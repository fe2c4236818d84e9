"""Programme files for tests: a full nine-session programme built from a compact description."""

from __future__ import annotations

from datetime import date, time

from groups.programme import Programme
from groups.programme_file import parse_programme
from groups.schedule import Series

PROMPTS = (
    ("-24h", "reminder"),
    ("-1h", "reminder"),
    ("+0m", "opening"),
    ("+10m", "exercise"),
    ("+40m", "discussion"),
    ("end-10m", "closing"),
    ("end", "feedback"),
)


def programme_source(sessions: int = 9, key: str = "testi", minutes: int = 90) -> str:
    lines = [
        f'key = "{key}"',
        'version = "1"',
        f"session_minutes = {minutes}",
        'title = { fi = "Testiohjelma", en = "Test programme" }',
        'description = { fi = "Kuvaus", en = "Description" }',
        'audience = { fi = "Kaikki", en = "Everyone" }',
    ]
    for number in range(1, sessions + 1):
        lines += [
            "",
            "[[sessions]]",
            f'title = {{ fi = "Teema {number}", en = "Theme {number}" }}',
            f'aim = {{ fi = "Tavoite {number}", en = "Aim {number}" }}',
        ]
        for at, kind in PROMPTS:
            lines += [
                "",
                "[[sessions.prompts]]",
                f'at = "{at}"',
                f'kind = "{kind}"',
                f'text.fi = "{kind} {number}/{{count}} ({at}) klo {{time}}: {{title}}"',
                f'text.en = "{kind} {number}/{{count}} ({at}) at {{time}}: {{title}}"',
            ]
    return "\n".join(lines) + "\n"


def make_programme(sessions: int = 9) -> Programme:
    return parse_programme(programme_source(sessions), "testi.toml")


def weekly(first: date, at: time = time(18, 0), zone: str = "Europe/Helsinki") -> Series:
    return Series(first_date=first, local_time=at, zone=zone, every_days=7)
