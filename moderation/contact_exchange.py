"""Contact exchange: social-media handles and invitations to take a chat somewhere private.

The patterns live in `lexicons/contact_exchange.toml`. A handle or an invitation alone is
medium severity; both together (an invitation with somewhere to go) are high.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from moderation.normalise import Reading
from moderation.verdict import Category, Finding, Severity, Span, non_overlapping

LEXICON = Path(__file__).parent / "lexicons" / "contact_exchange.toml"
HANDLE = re.compile(r"(?<![\w.@])@[a-z0-9_][a-z0-9_.]{2,29}(?![\w@])")
NAME = r"[a-z0-9_][a-z0-9_.#]{2,31}"
# A bare word after a platform is a handle only if it looks like one (a digit, _ or #).
NAME_WITH_MARK = r"[a-z0-9_.#]*[0-9_#]"


@dataclass(frozen=True, slots=True)
class ContactPatterns:
    handle_after_platform: re.Pattern[str]
    invitation: re.Pattern[str]

    @classmethod
    def load(cls, path: Path = LEXICON) -> ContactPatterns:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            platforms, invitations = data["platforms"], data["invitations"]
        except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
            raise ValueError(f"{path}: cannot read the contact-exchange lexicon ({exc})") from exc
        platform = "|".join(f"(?:{p})" for p in platforms)
        return cls(
            # "snap: kettu_88", "insta @kettu", "discord kettu#1234"; not "instagram men …"
            handle_after_platform=re.compile(
                rf"\b(?:{platform})\b(?:\s*[:=]\s*@?{NAME}|\s+@{NAME}|\s+(?={NAME_WITH_MARK}){NAME})"
            ),
            invitation=re.compile(
                r"\b(?:"
                + "|".join(f"(?:{i.replace('{platform}', platform)})" for i in invitations)
                + r")"
            ),
        )


def _addressing(text: str, match: re.Match[str]) -> bool:
    """ "@Sininen Kettu sama täällä": a message that opens by naming the one it answers, with a
    plain name (no digit, _ or .), speaks to someone in the group; it shares no handle."""
    opens = not text[: match.start()].strip()
    plain = not any(ch.isdigit() or ch in "_." for ch in match.group()[1:])
    return opens and plain and bool(text[match.end() :].strip())


class ContactExchange:
    def __init__(self, patterns: ContactPatterns | None = None) -> None:
        self._patterns = patterns or ContactPatterns.load()

    def __call__(self, reading: Reading) -> Finding | None:
        view, words, written = reading.plain, reading.folded, reading.dotless
        spans: list[Span] = []
        for match in HANDLE.finditer(view.text):
            if not _addressing(view.text, match):
                spans.append(Span(*view.original_span(match.start(), match.end()), "handle"))
        for match in self._patterns.handle_after_platform.finditer(written.text):
            spans.append(Span(*written.original_span(match.start(), match.end()), "handle"))
        invitations = [
            Span(*words.original_span(m.start(), m.end()), "invitation")
            for m in self._patterns.invitation.finditer(words.text)
        ]
        if not spans and not invitations:
            return None
        severity = Severity.HIGH if spans and invitations else Severity.MEDIUM
        return Finding(
            Category.CONTACT_EXCHANGE, severity, tuple(non_overlapping(spans + invitations))
        )
