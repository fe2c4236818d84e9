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
Each group of patterns is compiled into one alternation. Before any of them runs, one
Aho-Corasick pass finds which signals' literal beginnings ("halu", "itsemurh") occur at a word
start at all; a signal none of whose beginnings occur cannot match and is not run. Most
messages therefore cost one linear pass per lexicon.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from moderation.normalise import Reading, View
from moderation.verdict import Category, Finding, Severity, Span, non_overlapping

LEXICONS = Path(__file__).parent / "lexicons"
SEVERITIES = {s.label: s for s in Severity}
QUANTIFIERS = frozenset("*+?{")
# A beginning shorter than this is too common to filter on: its signal always runs.
MIN_PREFIX = 2
WORD = re.compile(r"\w")


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Signal:
    label: str
    severity: Severity
    pattern: re.Pattern[str]
    with_any: re.Pattern[str] | None
    terms: tuple[str, ...] = ()  # its patterns as written (for the prefilter)


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
                    tuple(patterns),
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


# A set of beginnings larger than this is not worth keeping: the signal just always runs.
MAX_PREFIXES = 400


def literal_prefix(pattern: str) -> str:
    """The one literal beginning of `pattern`, or "" (see `prefixes`)."""
    found = prefixes(pattern)
    return next(iter(found)) if found is not None and len(found) == 1 else ""


def prefixes(pattern: str) -> frozenset[str] | None:
    """Literal beginnings one of which every match of `pattern` starts with, or None when
    that cannot be said: "halu+a?n" → {"hal"}, "m(?:ua|inua) ei" → {"mua", "minua"},
    "(?:lyo|loi)\\w*" → {"lyo", "loi"}, "a|bc" → {"a", "bc"}, "\\w+ x" → None."""
    found = _alternatives(pattern)
    if found is None or any(len(p) < MIN_PREFIX for p in found):
        return None
    return frozenset(found)


def _alternatives(pattern: str) -> set[str] | None:
    out: set[str] = set()
    for branch in _split_top(pattern):
        found = _sequence(branch)
        if found is None:
            return None
        out |= found
        if len(out) > MAX_PREFIXES:
            return None
    return out


def _sequence(text: str) -> set[str] | None:
    """Beginnings of one branch: a literal run, then (if it ends there) a group's beginnings
    appended to it."""
    run: list[str] = []
    index = 0
    while index < len(text):
        ch = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if (ch.isalnum() or ch in " -'") and following not in QUANTIFIERS:
            run.append(ch)
            index += 1
            continue
        break
    head = "".join(run)
    rest = text[index:]
    if not rest.startswith("(") or rest.startswith(("(?=", "(?!", "(?<")):
        return {head}
    close = _closing(rest)
    if close is None:
        return {head}
    after = rest[close + 1 : close + 2]
    if after in QUANTIFIERS:  # an optional or repeated group may be absent: stop before it
        return {head}
    inner = rest[3:close] if rest.startswith("(?:") else rest[1:close]
    if inner.startswith("?"):  # flags, named groups and the like: do not guess
        return {head}
    tails = _alternatives(inner)
    if tails is None or len(tails) > MAX_PREFIXES:
        return {head}
    return {head + tail for tail in tails}


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Each character that shapes the pattern (not escaped, not inside [...]) with its
    index and the group depth before it."""
    depth, escaped, in_class = 0, False, False
    for index, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        else:
            yield index, ch, depth
            depth += 1 if ch == "(" else -1 if ch == ")" else 0


def _closing(text: str) -> int | None:
    """Where the group opening at text[0] closes."""
    for index, ch, depth in _structure(text):
        if ch == ")" and depth == 1:
            return index
    return None


def _split_top(pattern: str) -> list[str]:
    """The pattern's top-level alternatives."""
    parts, last = [], 0
    for index, ch, depth in _structure(pattern):
        if ch == "|" and depth == 0:
            parts.append(pattern[last:index])
            last = index + 1
    parts.append(pattern[last:])
    return parts


@dataclass(frozen=True, slots=True)
class _Entry:
    signal: int
    order: int  # the pattern's place in its signal: the first of two at one start wins
    length: int  # of the literal beginning it was found by
    pattern: re.Pattern[str]


class SignalIndex:
    """Where each signal's patterns can match, found in one Aho-Corasick pass over the text:
    a pattern is tried only where one of its literal beginnings starts a word, anchored
    there. Patterns without a usable beginning are searched whole. The matches kept are the
    ones the signal's alternation would find: leftmost first, then the earlier pattern, never
    overlapping."""

    def __init__(self, signals: Sequence[Signal]) -> None:
        self._signals = len(signals)
        self._searched: list[_Entry] = []
        by_prefix: dict[str, list[_Entry]] = {}
        for index, signal in enumerate(signals):
            for order, term in enumerate(signal.terms):
                compiled = re.compile(f"(?:{term})")
                beginnings = prefixes(term)
                if beginnings is None:
                    anchored = re.compile(rf"(?<!\w)(?:{term})")
                    self._searched.append(_Entry(index, order, 0, anchored))
                    continue
                for prefix in beginnings:
                    by_prefix.setdefault(prefix, []).append(
                        _Entry(index, order, len(prefix), compiled)
                    )
        self._automaton: Any = None
        if by_prefix:
            self._automaton = ahocorasick.Automaton()
            for prefix, entries in by_prefix.items():
                self._automaton.add_word(prefix, tuple(entries))
            self._automaton.make_automaton()

    def matches(self, text: str) -> list[list[tuple[int, int]]]:
        """Each signal's matches in `text`, as (start, end)."""
        found: set[tuple[int, int, int, int]] = set()  # (signal, start, order, end)
        if self._automaton is not None:
            for last, entries in self._automaton.iter(text):
                for entry in entries:
                    start = last - entry.length + 1
                    if start > 0 and WORD.match(text[start - 1]):
                        continue
                    match = entry.pattern.match(text, start)
                    if match is not None:
                        found.add((entry.signal, start, entry.order, match.end()))
        for entry in self._searched:
            for match in entry.pattern.finditer(text):
                found.add((entry.signal, match.start(), entry.order, match.end()))
        out: list[list[tuple[int, int]]] = [[] for _ in range(self._signals)]
        ends = [0] * self._signals
        for signal, start, _order, end in sorted(found):
            if out[signal] and start < ends[signal]:
                continue
            out[signal].append((start, end))
            ends[signal] = end if end > start else start + 1
        return out


class LexiconDetector:
    """One category's detector: a finding with the heaviest signal's severity, raised one step
    per distinct raiser, and the spans of every signal and raiser found."""

    def __init__(self, lexicon: Lexicon, *, indexed: bool = True) -> None:
        self.lexicon = lexicon
        self._index = SignalIndex(lexicon.signals) if indexed else None

    @classmethod
    def named(cls, name: str, directory: Path = LEXICONS) -> LexiconDetector:
        return cls(Lexicon.load(directory / f"{name}.toml"))

    def __call__(self, reading: Reading) -> Finding | None:
        return self.read(reading.folded)

    def says_ordinary(self, text: str) -> bool:
        """Whether one of the lexicon's negatives (its idioms and ordinary phrases) is in the
        folded `text`."""
        negatives = self.lexicon.negatives
        return negatives is not None and negatives.search(text) is not None

    def read(self, words: View) -> Finding | None:
        text, lexicon = words.text, self.lexicon
        found = (
            self._index.matches(text)
            if self._index is not None
            else [[m.span() for m in s.pattern.finditer(text)] for s in lexicon.signals]
        )
        if not any(found):
            return None
        negative = [m.span() for m in lexicon.negatives.finditer(text)] if lexicon.negatives else []
        spans: list[Span] = []
        severity: Severity | None = None
        for signal, matches in zip(lexicon.signals, found, strict=True):
            hits = [
                (start, stop)
                for start, stop in matches
                if not any(start < end and begin < stop for begin, end in negative)
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
