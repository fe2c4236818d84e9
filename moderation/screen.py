"""The pipeline: normalise → detectors → policy → one Verdict per message.

A detector reads the original text and its normalised view and returns at most one finding.
The policy maps category and severity to an action; the verdict takes the heaviest action
any finding asks for. `personal_info` and `contact_exchange` have detectors so far; the other
categories' detectors plug in here (issue 5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from moderation import personal_info
from moderation.contact_exchange import ContactExchange
from moderation.normalise import View, plain
from moderation.verdict import Action, Category, Finding, Severity, Verdict

Detector = Callable[[str, View], Finding | None]
# category → one action for every severity, or a table by severity (as in `[moderation.policy]`).
PolicyTable = Mapping[str, object]


def default_detectors() -> tuple[Detector, ...]:
    """The built-in detectors, with their lexicons read from `moderation/lexicons/`."""
    return (personal_info.find, ContactExchange())


class Screen:
    def __init__(self, policy: PolicyTable, detectors: Sequence[Detector] | None = None) -> None:
        self._policy = policy
        self._detectors = tuple(detectors) if detectors is not None else default_detectors()

    def action_for(self, category: Category, severity: Severity) -> Action:
        rule = self._policy.get(category.value, "flag")
        name = rule.get(severity.label, "flag") if isinstance(rule, Mapping) else rule
        return Action[str(name).upper()]

    def check(self, text: str) -> Verdict:
        view = plain(text)
        findings = tuple(
            finding for detect in self._detectors if (finding := detect(text, view)) is not None
        )
        action = max(
            (self.action_for(f.category, f.severity) for f in findings), default=Action.ALLOW
        )
        return Verdict(action, findings)
