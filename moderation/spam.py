"""Spam: scam and advertising text with a link, links from members who have only just joined,
the same text sent again and again, and flooding (many messages in a short time).

The text part is a lexicon (`lexicons/spam.toml`); the rest needs to know the author
(`normalise.Author`), so a message screened without one (`piiri moderate`) is judged on its
text alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from moderation.lexicon import LexiconDetector
from moderation.normalise import Reading
from moderation.verdict import Category, Finding, Severity, Span, non_overlapping

# A web address: with a scheme, with www., or a bare domain with a known ending and optional
# path. Not an e-mail address (the @ before it), not "17.4.1" or "klo 18.30" (letters needed).
LINK = re.compile(
    r"(?<![\w@.])(?:https?://[^\s<>]+|www\.[^\s<>]+"
    r"|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|fi|se|net|org|io|ly|me|eu|info|xyz|app|shop"
    r"|link|click|online|site|store|gg|tv|co|uk|ru|example)(?![\w-])(?:/[^\s<>]*)?)",
    re.IGNORECASE,
)
WORDS = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class SpamRules:
    # A member is new, and their links are held back, for this long after joining.
    new_member_hours: float = 24.0
    # The same text (at least `repeat_min_chars` long) this many times in `repeat_minutes`.
    repeats: int = 3
    repeat_minutes: float = 10.0
    repeat_min_chars: int = 12
    # This many messages (this one included) within `flood_seconds`.
    flood_count: int = 8
    flood_seconds: float = 60.0


class Spam:
    def __init__(self, rules: SpamRules | None = None, text: LexiconDetector | None = None) -> None:
        self.rules = rules or SpamRules()
        self._text = text or LexiconDetector.named("spam")

    def __call__(self, reading: Reading) -> Finding | None:
        found = self._text(reading)
        spans = list(found.spans) if found else []
        severity = found.severity if found else Severity.LOW
        author, rules = reading.author, self.rules
        whole = (0, len(reading.original))  # repeats and floods are about the whole message
        if author is not None and author.now is not None:
            now = author.now
            new = author.joined_at is not None and now - author.joined_at < timedelta(
                hours=rules.new_member_hours
            )
            if new:
                links = [
                    Span(*reading.plain.original_span(*m.span()), "link")
                    for m in LINK.finditer(reading.plain.text)
                ]
                spans += links
                severity = max(severity, Severity.MEDIUM) if links else severity
            key = _key(reading.plain.text)
            since = now - timedelta(minutes=rules.repeat_minutes)
            same = (
                sum(1 for at, text in author.recent if at >= since and _key(text) == key)
                if len(key) >= rules.repeat_min_chars
                else 0
            )
            if same + 1 >= rules.repeats:
                spans.append(Span(*whole, "repeated"))
                severity = max(severity, Severity.MEDIUM)
            burst = now - timedelta(seconds=rules.flood_seconds)
            if sum(1 for at, _text in author.recent if at >= burst) + 1 >= rules.flood_count:
                spans.append(Span(*whole, "flood"))
                severity = max(severity, Severity.MEDIUM)
        if not spans:
            return None
        return Finding(Category.SPAM, severity, tuple(non_overlapping(spans)))


def _key(text: str) -> str:
    """Text compared for repeats: its words only, so "osta nyt!!" and "Osta nyt" are the same."""
    return " ".join(WORDS.findall(text.casefold()))
