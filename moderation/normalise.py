"""Text as the detectors read it, with a map back to the original characters.

Two views: `plain` (NFKC, case-folded, invisible characters removed) keeps digits and
punctuation for numbers and addresses; `folded` also undoes the tricks people use to slip
words past a filter: homoglyphs, leetspeak, letters repeated ("kuoooolla"), letters spaced
out ("k u o l l a"), and Finnish and Swedish letters typed without their dots (ä → a).
Every character of either view knows which original character it came from, so a finding's
span always points into the text the person wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

# Cyrillic and Greek letters that look like Latin ones, written as escapes so they stay visible.
HOMOGLYPHS = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501"
    "\u0261\u03bf\u03b1\u03b5\u03b9\u03ba\u03bd\u03c1\u03c4\u03c5\u03c7",
    "aeopcyxijsdgoaeikvptux",
)
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
DOTLESS = {"ä": "a", "ö": "o", "å": "a", "ü": "u"}
SPACED = re.compile(r"(?<!\S)(?:[^\W\d_] ){2,}[^\W\d_](?!\S)")


@dataclass(frozen=True, slots=True)
class View:
    text: str
    # origin[i] is the index in the original text of this view's character i.
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters behind this view's [start, end)."""
        if not 0 <= start < end <= len(self.origin):
            raise ValueError(f"[{start}, {end}) is not a span of this view")
        return self.origin[start], self.origin[end - 1] + 1


def _invisible(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and ch not in "\n\t")


def plain(text: str) -> View:
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if _invisible(ch):
            continue
        for out in unicodedata.normalize("NFKC", ch).casefold():
            if not _invisible(out):
                chars.append(out)
                origin.append(index)
    return View("".join(chars), tuple(origin))


def dotless(view: View) -> View:
    """`plain` with Finnish and Swedish letters typed without their dots (ä → a); nothing else,
    so digits and punctuation stay as written (for handles and codes)."""
    return View("".join(DOTLESS.get(ch, ch) for ch in view.text), view.origin)


def folded(view: View) -> View:
    """`plain` with homoglyphs, leetspeak, dotless letters, repeats and spacing undone."""
    chars: list[str] = []
    origin: list[int] = []
    text = view.text.translate(HOMOGLYPHS)
    for ch, at in zip(text, view.origin, strict=True):
        ch = DOTLESS.get(ch, ch)
        if ch in LEET and chars and chars[-1].isalpha():
            ch = LEET[ch]  # only inside a word: "k1ll" folds, "klo 18.30" does not
        if chars and ch.isalpha() and chars[-1] == ch and len(chars) > 1 and chars[-2] == ch:
            continue  # three or more of a letter become two: "kuoooolla" → "kuoolla"
        chars.append(ch)
        origin.append(at)
    return _rejoin_spaced(View("".join(chars), tuple(origin)))


def _rejoin_spaced(view: View) -> View:
    """ "k u o l l a" → "kuolla": three or more single letters, each set apart by a space."""
    drop: set[int] = set()
    for run in SPACED.finditer(view.text):
        drop.update(i for i in range(run.start(), run.end()) if view.text[i] == " ")
    if not drop:
        return view
    kept = [i for i in range(len(view.text)) if i not in drop]
    return View("".join(view.text[i] for i in kept), tuple(view.origin[i] for i in kept))


@dataclass(frozen=True, slots=True)
class Author:
    """What screening may know about who wrote a message, for the detectors that need more than
    the text (spam): how new they are and what they wrote just before. Never who they are."""

    joined_at: datetime | None = None
    now: datetime | None = None
    # The author's own earlier messages in the group, newest last, with when they were sent.
    recent: tuple[tuple[datetime, str], ...] = field(default=())


class Reading:
    """One message as the detectors read it: the original text and its views, each computed
    once however many detectors ask for it; `author` when the caller knows it."""

    __slots__ = ("__dict__", "author", "original")

    def __init__(self, original: str, author: Author | None = None) -> None:
        self.original = original
        self.author = author

    @cached_property
    def plain(self) -> View:
        return plain(self.original)

    @cached_property
    def folded(self) -> View:
        return folded(self.plain)

    @cached_property
    def dotless(self) -> View:
        return dotless(self.plain)
