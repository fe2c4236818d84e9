"""Moderation as configured: the screen, the crisis help told to members, and how alerts
escalate, built once from `[moderation]`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.config import ModerationSettings
from groups.alerts import Escalation
from groups.crisis_help import CrisisHelp, Resource, Rota
from groups.staff import parse_ref
from moderation.screen import Screen, default_detectors
from moderation.spam import SpamRules
from moderation.verdict import Severity


@dataclass(frozen=True, slots=True)
class Moderation:
    screen: Screen
    escalation: Escalation
    crisis_help: CrisisHelp


def build_moderation(settings: ModerationSettings) -> Moderation:
    screen = Screen(
        {str(category): rule for category, rule in settings.policy.items()},
        default_detectors(SpamRules(new_member_hours=settings.new_member_hours)),
    )
    escalation = Escalation(
        after={
            Severity[name.upper()]: timedelta(minutes=minutes)
            for name, minutes in settings.escalation_minutes.items()
        },
        repeats=settings.escalations,
        backups=tuple(parse_ref(ref) for ref in settings.backup_contacts),
    )
    help_ = CrisisHelp(
        tuple(
            Resource(
                names={str(k): v for k, v in r.name.items()},
                phone=r.phone,
                url=r.url,
                always_open=r.always_open,
                languages=tuple(r.languages),
            )
            for r in settings.resources
        ),
        Rota.parse({str(k): v for k, v in settings.staffed_hours.items()}, settings.rota_timezone),
    )
    return Moderation(screen, escalation, help_)
