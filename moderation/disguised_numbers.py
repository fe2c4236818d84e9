"""Numbers written to slip past a filter, made into digits again for the phone detectors.

Two disguises: letters that look like digits inside a number ("o7700 9oo 512": o for zero,
l for one), and numbers spelled out in words ("nolla nelkyt, viis kuus seittemän…",
"noll sju tre…", "oh seven seven…"). Each returns a `View` of the text with those written as
digits, mapped to the original characters, or None when there is nothing of the kind.
"""

from __future__ import annotations

import re
from itertools import pairwise

from moderation.normalise import View

# A run of digits and digit-like letters with at least two real digits in it.
LOOKALIKE_RUN = re.compile(
    r"(?<![^\W\d_])[\dol|]*\d[\dol|]*(?:[\s-]?[\dol|]*\d[\dol|]*)*(?![^\W\d_])"
)
LOOKALIKES = str.maketrans({"o": "0", "l": "1", "|": "1"})

_UNITS = {
    # Finnish, written and spoken
    "nolla": "0", "yksi": "1", "yks": "1", "kaksi": "2", "kaks": "2", "kolme": "3",
    "neljä": "4", "nelja": "4", "viisi": "5", "viis": "5", "kuusi": "6", "kuus": "6",
    "seitsemän": "7", "seitseman": "7", "seittemän": "7", "seitteman": "7", "seiska": "7",
    "kahdeksan": "8", "kasi": "8", "yhdeksän": "9", "yhdeksan": "9", "ysi": "9",
    "kakskyt": "20", "kolkyt": "30", "nelkyt": "40", "viiskyt": "50", "kuuskyt": "60",
    "seitkyt": "70", "kaheksankyt": "80", "yheksänkyt": "90",
    # Swedish
    "noll": "0", "ett": "1", "två": "2", "tva": "2", "tre": "3", "fyra": "4", "fem": "5",
    "sex": "6", "sju": "7", "åtta": "8", "atta": "8", "nio": "9", "tjugo": "20",
    "trettio": "30", "fyrtio": "40", "femtio": "50", "sextio": "60", "sjuttio": "70",
    # English
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
NUMBER_WORD = re.compile(r"\b(?:\d+|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\b")
# Between two parts of a number: spaces, commas, dashes and dots, and the little words people
# put between the parts they write and the parts they spell ("040 521 ja loput kuusi…").
JOINER = re.compile(
    r"[\s,.\-]*(?:\b(?:ja|loput|sitten|sit|and|then|och|sen|resten|plus)\b[\s,.\-]*)*"
)
# Spelled-out runs shorter than this are counting, scores or times, not a number to call…
MIN_WORDS = 5
# … unless digits are written around the words and the whole has this many digits.
MIN_MIXED_DIGITS = 9


def lookalike_digits(view: View) -> View | None:
    """`view` with o, l and | read as digits inside runs that already hold digits."""
    text = view.text
    changed = False

    def digits(match: re.Match[str]) -> str:
        nonlocal changed
        run = match.group()
        fixed = run.translate(LOOKALIKES)
        changed = changed or fixed != run
        return fixed

    out = LOOKALIKE_RUN.sub(digits, text)
    return View(out, view.origin) if changed else None


def spelled_digits(view: View) -> View | None:
    """`view` with every run of at least `MIN_WORDS` number words (or fewer, mixed with digits
    to `MIN_MIXED_DIGITS`) written as its digits, run
    together ("nolla nelkyt viis" → "0405"); each digit maps to the start of its word (see
    `whole_words` for a span that covers the words)."""
    text = view.text
    words = list(NUMBER_WORD.finditer(text))
    if not any(not word.group().isdigit() for word in words):
        return None
    runs: list[list[re.Match[str]]] = [[words[0]]]
    for previous, word in pairwise(words):
        between = text[previous.end() : word.start()]
        if JOINER.fullmatch(between):
            runs[-1].append(word)
        else:
            runs.append([word])
    runs = [run for run in runs if _spelled_number(run)]
    if not runs:
        return None
    chars: list[str] = []
    origin: list[int] = []
    at = 0
    for run in runs:
        chars.extend(text[at : run[0].start()])
        origin.extend(view.origin[at : run[0].start()])
        for word in run:
            digits = _UNITS.get(word.group(), word.group())
            chars.extend(digits)
            origin.extend([view.origin[word.start()]] * len(digits))
        at = run[-1].end()
    chars.extend(text[at:])
    origin.extend(view.origin[at:])
    return View("".join(chars), tuple(origin))


def _spelled_number(run: list[re.Match[str]]) -> bool:
    spelled = [word for word in run if not word.group().isdigit()]
    if len(spelled) >= MIN_WORDS:
        return True
    digits = sum(len(_UNITS.get(word.group(), word.group())) for word in run)
    return bool(spelled) and len(spelled) < len(run) and digits >= MIN_MIXED_DIGITS


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) of `text` widened to whole words at both ends."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end
