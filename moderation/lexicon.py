"""Detectors built from a lexicon file: crisis, safeguarding, harassment, hate, sexual, spam.

A lexicon (`lexicons/<category>.toml`, documented in `lexicons/README.md`) is data an
organisation can extend without code. It has:

- `signals`: what makes a finding by itself, each with a severity. A signal may require one of
  `with_any` to match somewhere in the same message too ("pills" + "enough").
- `raisers`: words that only matter next to a signal: intent, plan, method, time. Each distinct
  raiser label found raises the severity one step (at most to high).
- `negatives`: idioms and ordinary phrases; a signal match that overlaps one is ignored
  ("kuolin nauruun", "this exam is killing me").

Patterns are Python regular expressions matched against the folded view of the text
(`normalise.folded`: case-folded, dotless, leetspeak and repeats undone), each anchored at the
start of a word, so write "kuol\\w*" for every inflection and "itte(?:ni|eni)" for spoken forms.
Each group of patterns is compiled into one alternation, so a message is read once per group,
not once per term.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.normalise import Reading, View
from moderation.verdict import Category, Finding, Severity, Span, non_overlapping

LEXICONS = Path(__file__).parent / "lexicons"
SEVERITIES = {s.label: s for s in Severity}


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Signal:
    label: str
    severity: Severity
    pattern: re.Pattern[str]
    with_any: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class Raiser:
    label: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Lexicon:
    category: Category
    signals: tuple[Signal, ...]
    raisers: tuple[Raiser, ...]
    negatives: re.Pattern[str] | None
    terms: tuple[str, ...]  # every pattern as written (for the benchmark's naive baseline)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise LexiconError(f"{path}: cannot read the lexicon ({exc})") from exc
        return cls.from_data(data, str(path))

    @classmethod
    def from_data(cls, data: dict[str, Any], where: str) -> Lexicon:
        try:
            category = Category(data["category"])
        except (KeyError, ValueError) as exc:
            raise LexiconError(f"{where}: `category` must name one of {_names()}") from exc
        terms: list[str] = []
        signals = []
        for index, entry in enumerate(data.get("signals", []), start=1):
            at = f"{where}: signals[{index}]"
            severity = SEVERITIES.get(entry.get("severity", ""))
            if severity is None:
                raise LexiconError(f"{at}: `severity` must be low, medium or high")
            patterns = _patterns(entry, "patterns", at)
            extra = _patterns(entry, "with_any", at, required=False)
            terms += patterns + extra
            signals.append(
                Signal(
                    _label(entry, at),
                    severity,
                    _compile(patterns, at),
                    _compile(extra, at) if extra else None,
                )
            )
        if not signals:
            raise LexiconError(f"{where}: no `[[signals]]`: nothing would ever be found")
        raisers = []
        for index, entry in enumerate(data.get("raisers", []), start=1):
            at = f"{where}: raisers[{index}]"
            patterns = _patterns(entry, "patterns", at)
            terms += patterns
            raisers.append(Raiser(_label(entry, at), _compile(patterns, at)))
        negatives = _patterns(data.get("negatives", {}), "patterns", where, required=False)
        terms += negatives
        return cls(
            category,
            tuple(signals),
            tuple(raisers),
            _compile(negatives, f"{where}: negatives") if negatives else None,
            tuple(terms),
        )


def _names() -> str:
    return ", ".join(c.value for c in Category)


def _label(entry: dict[str, Any], at: str) -> str:
    label = entry.get("label")
    if not isinstance(label, str) or not label:
        raise LexiconError(f"{at}: needs a `label`")
    return label


def _patterns(entry: dict[str, Any], key: str, at: str, *, required: bool = True) -> list[str]:
    patterns = entry.get(key, [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise LexiconError(f"{at}: `{key}` must be a list of regular expressions")
    if required and not patterns:
        raise LexiconError(f"{at}: `{key}` is empty")
    return patterns


def _compile(patterns: list[str], at: str) -> re.Pattern[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            problem = f'pattern "{pattern}" is not a regular expression ({exc})'
            raise LexiconError(f"{at}: {problem}") from exc
    # Anchored at a word start; the pattern says how the word may end.
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + ")")


class LexiconDetector:
    """One category's detector: a finding with the heaviest signal's severity, raised one step
    per distinct raiser, and the spans of every signal and raiser found."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    @classmethod
    def named(cls, name: str, directory: Path = LEXICONS) -> LexiconDetector:
        return cls(Lexicon.load(directory / f"{name}.toml"))

    def __call__(self, reading: Reading) -> Finding | None:
        return self.read(reading.folded)

    def read(self, words: View) -> Finding | None:
        text, lexicon = words.text, self.lexicon
        negative = [m.span() for m in lexicon.negatives.finditer(text)] if lexicon.negatives else []
        spans: list[Span] = []
        severity: Severity | None = None
        for signal in lexicon.signals:
            hits = [
                m.span()
                for m in signal.pattern.finditer(text)
                if not any(m.start() < end and start < m.end() for start, end in negative)
            ]
            if not hits:
                continue
            if signal.with_any is not None:
                extra = [m.span() for m in signal.with_any.finditer(text)]
                if not extra:
                    continue
                hits += extra
            severity = max(severity or signal.severity, signal.severity)
            spans += [
                Span(*words.original_span(*hit), signal.label) for hit in hits if hit[0] < hit[1]
            ]
        if severity is None:
            return None
        raised = set()
        for raiser in lexicon.raisers:
            for match in raiser.pattern.finditer(text):
                if match.start() < match.end():
                    raised.add(raiser.label)
                    spans.append(Span(*words.original_span(*match.span()), raiser.label))
        severity = Severity(min(Severity.HIGH, severity + len(raised)))
        return Finding(lexicon.category, severity, tuple(non_overlapping(spans)))
