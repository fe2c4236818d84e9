"""The pipeline: normalise → detectors → policy → one Verdict per message.

A detector reads a message (`normalise.Reading`: the text, its views, and what is known of its
author) and returns at most one finding. The policy maps category and severity to an action;
the verdict takes the heaviest action any finding asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache

from moderation import personal_info
from moderation.contact_exchange import ContactExchange
from moderation.learned import LearnedDetector
from moderation.lexicon import LexiconDetector
from moderation.normalise import Author, Reading
from moderation.spam import Spam, SpamRules
from moderation.verdict import Action, Category, Finding, Severity, Verdict

Detector = Callable[[Reading], Finding | None]
# category → one action for every severity, or a table by severity (as in `[moderation.policy]`).
PolicyTable = Mapping[str, object]
# Categories whose detector is a lexicon file in `moderation/lexicons/`.
LEXICON_CATEGORIES = (
    Category.CRISIS,
    Category.SAFEGUARDING,
    Category.HARASSMENT,
    Category.HATE,
    Category.SEXUAL,
)


def default_detectors(spam: SpamRules | None = None) -> tuple[Detector, ...]:
    """The built-in detectors, with their lexicons read from `moderation/lexicons/` and, for
    the categories that have one, their model from `moderation/models/`."""
    lexicons = tuple(shipped_detector(category) for category in LEXICON_CATEGORIES)
    return (*lexicons, personal_info.find, ContactExchange(), Spam(spam))


@cache
def shipped_detector(category: Category) -> LexiconDetector | LearnedDetector:
    """A category's built-in lexicon (and model), read once per process: they are files that
    do not change while Piiri runs, and reading one compiles hundreds of expressions (about
    1.6 s for all of them, paid again by every service built in the same process before)."""
    return LearnedDetector.named(category)


class Screen:
    def __init__(self, policy: PolicyTable, detectors: Sequence[Detector] | None = None) -> None:
        self._policy = policy
        self._detectors = tuple(detectors) if detectors is not None else default_detectors()

    def action_for(self, category: Category, severity: Severity) -> Action:
        rule = self._policy.get(category.value, "flag")
        name = rule.get(severity.label, "flag") if isinstance(rule, Mapping) else rule
        return Action[str(name).upper()]

    def check(self, text: str, author: Author | None = None) -> Verdict:
        reading = Reading(text, author)
        findings = tuple(
            finding for detect in self._detectors if (finding := detect(reading)) is not None
        )
        action = max(
            (self.action_for(f.category, f.severity) for f in findings), default=Action.ALLOW
        )
        return Verdict(action, findings)
