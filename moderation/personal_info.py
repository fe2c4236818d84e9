"""Personal information that breaks anonymity: phone numbers, e-mail addresses, Finnish
personal identity codes (with a valid check character), IBANs and street addresses.

Numbers that only look like these stay quiet: times ("klo 18.30"), dates, prices, version
numbers and identity codes or IBANs whose check digits fail.
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum import iban
from stdnum.fi import hetu

from moderation.disguised_numbers import lookalike_digits, spelled_digits, whole_words
from moderation.normalise import Reading, View
from moderation.verdict import Category, Finding, Severity, Span, non_overlapping

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# An address written to slip past a filter: "jonna at example dot com", "anna(at)example.fi",
# "lee [at] example [dot] org". The last part must be a real top-level domain.
_AT = (
    r"(?:\s*[\(\[]\s*(?:at|ät|ett|a)\s*[\)\]]\s*"
    r"|\s+(?:at|ät|snabel-?a|at-merkki|miukumauku|kissanhäntä)\s+)"
)
_DOT = r"(?:\s*[\(\[]\s*(?:dot|piste|punkt)\s*[\)\]]\s*|\s+(?:dot|piste|punkt)\s+|\.)"
SPELLED_EMAIL = re.compile(
    rf"(?<![\w.])[\w.+-]{{2,}}{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}"
    r"(?:com|fi|se|org|net|eu|io|me|info|nu|co|uk|de)(?![\w-])",
    re.IGNORECASE,
)
DISGUISE = re.compile(
    r"[\(\[]\s*(?:at|ät|ett|a)\s*[\)\]]"
    r"|\b(?:ät|dot|piste|punkt|snabel-?a|at-merkki|miukumauku|kissanhäntä)\b",
    re.IGNORECASE,
)
# A mobile number by its shape, valid in the numbering plan or not (a number just invented,
# or in a range kept for fiction, still looks like one to the others): Finnish 04x and 050,
# Swedish and British 07x, with or without the country code.
MOBILE = re.compile(
    r"(?<![\w+])(?:\+\s?(?:358|46|44)[\s-]?(?:\(0\)[\s-]?)?(?:4\d|50|7\d)|0(?:4\d|50|7\d))"
    r"(?:[\s-]?\d){6,8}(?![\w])"
)
HETU = re.compile(r"(?<![\w])\d{6}[-+a-fu-y]\d{3}[0-9a-y](?![\w])", re.IGNORECASE)
IBAN = re.compile(r"(?<![\w])[a-z]{2}\d{2}(?: ?[0-9a-z]{4}){2,7}(?: ?[0-9a-z]{1,3})?(?![\w])", re.I)
# "Mannerheimintie 12", "Storgatan 5 B", "Kirkkokatu 3 a 4"; "12 Baker Street".
STREET = re.compile(
    r"(?<![\w])[a-zåäö]+(?:katu|tie|kuja|polku|väylä|raitti|ranta|rinne|kaari|gatan|vägen|"
    r"gränd|stigen|backen)\s+\d{1,4}(?:\s?[a-h](?:\s?\d{1,3})?)?(?![\w])"
    # A name, a house number, a staircase letter and a flat: "Esplanaden 5 A 9".
    r"|(?<![\w])(?!(?:luok|klass|class|grade|huone|room|sali|bussi|linja|kerro|vaning|våning|floor|"
    r"rappu|porta|ryhm|grupp|group)\w*\s)[a-zåäö]{4,}\s+\d{1,4}\s?[a-h]\s?\d{1,3}(?![\w,.]\d)(?![\w])"
    r"|(?<![\w])\d{1,5}\s+[a-z]+(?:\s[a-z]+)?\s(?:street|st|road|rd|avenue|ave|lane|drive|"
    r"crescent|close|way|place|court|gardens|terrace|grove|row|hill|park)\b",
    re.IGNORECASE,
)
# Regions whose national number formats are read, in order: where Piiri's members live.
REGIONS = ("FI", "SE", "GB")
# A number parsed as a phone number is trusted only with this many digits or more.
MIN_PHONE_DIGITS = 7
# Five number words take at least this many characters ("yks kaks kol…"): shorter messages
# cannot hold a spelled-out phone number.
SPELLED_MIN_CHARS = 16


def find(reading: Reading, *, regions: tuple[str, ...] = REGIONS) -> Finding | None:
    view = reading.plain
    spans = [_span(view, m, "email") for m in SPELLED_EMAIL.finditer(view.text) if _disguised(m)]
    digits = sum(ch.isdigit() for ch in view.text)
    if digits or "@" in view.text:  # everything below has a digit or an @
        spans += [_span(view, m, "email") for m in EMAIL.finditer(view.text)]
    if digits >= MIN_PHONE_DIGITS:
        spans += _phones(reading.original, regions)
        spans += [_span(view, m, "phone") for m in MOBILE.finditer(view.text)]
    if digits >= 2 or len(view.text) >= SPELLED_MIN_CHARS:
        for disguised in (lookalike_digits(view), spelled_digits(view)):
            if disguised is not None:
                for m in MOBILE.finditer(disguised.text):
                    start, end = disguised.original_span(m.start(), m.end())
                    spans.append(Span(*whole_words(reading.original, start, end), "phone"))
    if digits:
        spans += [
            _span(view, m, "identity_code")
            for m in HETU.finditer(view.text)
            if hetu.is_valid(m.group())
        ]
        spans += [_span(view, m, "iban") for m in _ibans(view.text)]
        spans += [_span(view, m, "address") for m in STREET.finditer(view.text)]
    spans = non_overlapping(spans)
    if not spans:
        return None
    return Finding(Category.PERSONAL_INFO, Severity.HIGH, tuple(spans))


def _ibans(text: str) -> list[re.Match[str]]:
    """Valid IBANs; where the pattern ran on into the next word ("… 7466 tack"), the longest
    valid beginning of what it matched."""
    found = []
    for match in IBAN.finditer(text):
        candidate: re.Match[str] | None = match
        while candidate is not None and not iban.is_valid(candidate.group()):
            shorter = candidate.group().rsplit(" ", 1)[0] if " " in candidate.group() else ""
            candidate = IBAN.fullmatch(text, candidate.start(), candidate.start() + len(shorter))
        if candidate is not None:
            found.append(candidate)
    return found


def _disguised(match: re.Match[str]) -> bool:
    """A spelled-out address, not "claim it at prize.example.com" (a web address after "at"):
    the "at" is bracketed, or a dot is spelled out too."""
    return bool(DISGUISE.search(match.group()))


def _span(view: View, match: re.Match[str], label: str) -> Span:
    return Span(*view.original_span(match.start(), match.end()), label)


def _phones(text: str, regions: tuple[str, ...]) -> list[Span]:
    """Numbers as written in the first region, then, while digits are left over, the others
    (a Swedish or British number written without its country code)."""
    found: list[Span] = []
    for region in regions:
        if region != regions[0] and _digits_outside(text, found) < MIN_PHONE_DIGITS:
            break
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        ):
            digits = sum(ch.isdigit() for ch in match.raw_string)
            inside = any(s.start <= match.start < s.end for s in found)
            if digits >= MIN_PHONE_DIGITS and not inside:
                found.append(Span(match.start, match.end, "phone"))
    return found


def _digits_outside(text: str, spans: list[Span]) -> int:
    return sum(
        1
        for i, ch in enumerate(text)
        if ch.isdigit() and not any(s.start <= i < s.end for s in spans)
    )
