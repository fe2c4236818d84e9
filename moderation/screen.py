"""The pipeline: normalise → detectors → policy → one Verdict per message.

A detector reads the original text and its normalised view and returns at most one finding.
The policy maps category and severity to an action; the verdict takes the heaviest action
any finding asks for. Only `personal_info` has a detector so far; the other categories'
detectors plug in here (issue 5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from moderation import personal_info
from moderation.normalise import View, plain
from moderation.verdict import Action, Category, Finding, Severity, Verdict

Detector = Callable[[str, View], Finding | None]
# category → one action for every severity, or a table by severity (as in `[moderation.policy]`).
PolicyTable = Mapping[str, object]

DETECTORS: tuple[Detector, ...] = (personal_info.find,)


class Screen:
    def __init__(self, policy: PolicyTable, detectors: Sequence[Detector] = DETECTORS) -> None:
        self._policy = policy
        self._detectors = tuple(detectors)

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
