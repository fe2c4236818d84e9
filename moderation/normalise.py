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
import sys
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
# One translation for the one-to-one folds: homoglyphs and dotless letters.
FOLD: dict[int, str] = {
    **{code: chr(to) if isinstance(to, int) else str(to) for code, to in HOMOGLYPHS.items()},
    **{ord(k): v for k, v in DOTLESS.items()},
}
LEET_TABLE = str.maketrans(LEET)
LEET_CHARS = re.compile("[" + re.escape("".join(LEET)) + "]")
LEET_RUN = re.compile(r"(?<=[^\W\d_])[" + re.escape("".join(LEET)) + "]+")
REPEATED = re.compile(r"([^\W\d_])\1{2,}")


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


def _invisible_characters() -> re.Pattern[str]:
    found = [
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cf", "Cc") and chr(code) not in "\n\t"
    ]
    return re.compile("[" + "".join(re.escape(ch) for ch in found) + "]")


# Every format and control character but newline and tab (a tenth of a second at start-up).
INVISIBLE = _invisible_characters()


def plain(text: str) -> View:
    # Most messages are already in NFKC, with nothing invisible and no letter that folds
    # into two: their view is the case-folded text, one character for one.
    if unicodedata.is_normalized("NFKC", text) and not INVISIBLE.search(text):
        folded = text.casefold()
        if len(folded) == len(text):
            return View(folded, tuple(range(len(text))))
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
    """`plain` with homoglyphs, leetspeak, dotless letters, repeats and spacing undone.

    Homoglyphs, dotless letters and leetspeak change one character into one, so they keep
    the map to the original as it is; only cutting repeats and rejoining spaced letters
    drop characters. Each step runs only when the text has something for it to do."""
    text = view.text.translate(FOLD)
    if LEET_CHARS.search(text):
        # Only inside a word: "k1ll" folds, "klo 18.30" does not. A run of them after a
        # letter folds whole ("k11l"), as each folded one is a letter itself.
        text = LEET_RUN.sub(lambda run: run.group().translate(LEET_TABLE), text)
    origin = view.origin
    if REPEATED.search(text):
        # Three or more of a letter become two: "kuoooolla" → "kuoolla".
        keep = [True] * len(text)
        for run in REPEATED.finditer(text):
            for index in range(run.start() + 2, run.end()):
                keep[index] = False
        text = "".join(ch for ch, kept in zip(text, keep, strict=True) if kept)
        origin = tuple(at for at, kept in zip(origin, keep, strict=True) if kept)
    return _rejoin_spaced(View(text, origin))


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
