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


QUESTIONNAIRE = """
[questionnaire]
key = "vointi"
asked = [1, 9]
intro = { fi = "Lyhyt kysely.", en = "A short check." }

[[questionnaire.scale]]
value = 1
label = { fi = "Ei", en = "No" }

[[questionnaire.scale]]
value = 2
label = { fi = "Vähän", en = "A little" }

[[questionnaire.scale]]
value = 3
label = { fi = "Paljon", en = "A lot" }

[[questionnaire.items]]
key = "wellbeing"
text = { fi = "Voin hyvin.", en = "I feel well." }

[[questionnaire.items]]
key = "belonging"
text = { fi = "Kuulun joukkoon.", en = "I belong." }
"""


def programme_source(
    sessions: int = 9, key: str = "testi", minutes: int = 90, *, questionnaire: bool = False
) -> str:
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
    return "\n".join(lines) + "\n" + (QUESTIONNAIRE if questionnaire else "")


def make_programme(sessions: int = 9, *, questionnaire: bool = False) -> Programme:
    return parse_programme(programme_source(sessions, questionnaire=questionnaire), "testi.toml")


def weekly(first: date, at: time = time(18, 0), zone: str = "Europe/Helsinki") -> Series:
    return Series(first_date=first, local_time=at, zone=zone, every_days=7)
