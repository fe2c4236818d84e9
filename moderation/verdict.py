"""What screening says about a message: findings per category, and one action for it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Category(enum.StrEnum):
    CRISIS = "crisis"
    SAFEGUARDING = "safeguarding"
    HARASSMENT = "harassment"
    HATE = "hate"
    SEXUAL = "sexual"
    PERSONAL_INFO = "personal_info"
    CONTACT_EXCHANGE = "contact_exchange"
    SPAM = "spam"


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class Action(enum.IntEnum):
    """Ordered by weight: a verdict takes the heaviest action any finding asks for."""

    ALLOW = 0
    FLAG = 1
    HOLD = 2
    BLOCK = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Span:
    """Characters [start, end) of the original text, and what was found there."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class Finding:
    category: Category
    severity: Severity
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    findings: tuple[Finding, ...] = field(default=())

    def spans_of(self, category: Category) -> list[Span]:
        return [s for f in self.findings if f.category is category for s in f.spans]


def non_overlapping(spans: list[Span]) -> list[Span]:
    """In order, keeping the first of overlapping spans (a phone number inside an IBAN, an
    invitation that runs into a handle: one finding each)."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def without(text: str, spans: list[Span], mask: str = "[…]") -> str:
    """The text with each span replaced by `mask` (what a member may resend instead)."""
    out, last = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < last:
            continue
        out += [text[last : span.start], mask]
        last = span.end
    out.append(text[last:])
    return "".join(out)
