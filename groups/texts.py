"""How the domain gets its words: a translator per language, handed in by the composition root.

Texts are English message ids from the catalogue (`bot/locale`); the domain never formats a
sentence by itself. Dates and times are written the way each language writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from functools import lru_cache
from typing import Protocol

from babel.dates import format_date, format_time


class Texts(Protocol):
    language: str

    def gettext(self, message: str, /, **params: object) -> str: ...


TextsFor = Callable[[str], Texts]

_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
_DATE_PATTERNS = {"fi": "EEEE d.M.yyyy", "sv": "EEEE d.M.yyyy", "en": "EEEE d MMMM yyyy"}


def N_(message: str) -> str:
    """Mark a text for the catalogue; it is translated where it is shown."""
    return message


@lru_cache(maxsize=4096)
def local_date(day: date, language: str) -> str:
    """`tiistai 12.1.2027`, `tisdag 12.1.2027`, `Tuesday 12 January 2027`."""
    pattern = _DATE_PATTERNS.get(language, _DATE_PATTERNS["en"])
    return format_date(day, pattern, locale=_LOCALES.get(language, "en_GB"))


@lru_cache(maxsize=1024)
def local_time(at: time, language: str) -> str:
    """`18.00` in Finnish, `18:00` in Swedish and English."""
    return format_time(at, "HH.mm" if language == "fi" else "HH:mm", locale="en_GB")
