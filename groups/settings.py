"""A group's own rules for taking part: how many seats, which ages, when members may write,
whether photos, voice and files are taken, and whether a member who missed two sessions in a
row gets a private check-in. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass, fields

from groups.opening import OpenPolicy
from storage.models import Group
from storage.store import Transaction

MEDIA_POLICIES = ("off", "review")
UNSET = object()


class SettingError(ValueError):
    """A setting that cannot be right, said so an operator or facilitator can fix it."""


@dataclass(frozen=True, slots=True)
class GroupRules:
    """Only the fields given change; `None` in capacity or ages means "no limit"."""

    capacity: int | object | None = UNSET
    age_min: int | object | None = UNSET
    age_max: int | object | None = UNSET
    open_policy: str | object = UNSET
    open_extra_hours: int | object = UNSET
    media_policy: str | object = UNSET
    # One gentle private check-in after two missed sessions in a row (on by default).
    checkins: bool | object = UNSET

    def given(self) -> dict[str, object]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not UNSET
        }


def parse_ages(text: str) -> tuple[int | None, int | None]:
    """`16-29`, `18-`, `-17` or `none`."""
    if text.strip().casefold() in ("none", "any", "-"):
        return None, None
    low, sep, high = text.strip().partition("-")
    try:
        ages = (int(low) if low else None, int(high) if high else None)
    except ValueError:
        raise SettingError(f"ages {text!r} are not like 16-29, 18- or none") from None
    if not sep or ages == (None, None):
        raise SettingError(f"ages {text!r} are not like 16-29, 18- or none")
    return ages


def _check(group: Group, rules: dict[str, object]) -> None:
    capacity = rules.get("capacity", group.capacity)
    if isinstance(capacity, int) and capacity < 1:
        raise SettingError("capacity must be at least 1, or none for no limit")
    low = rules.get("age_min", group.age_min)
    high = rules.get("age_max", group.age_max)
    for age in (low, high):
        if isinstance(age, int) and not 0 < age < 130:
            raise SettingError(f"an age limit of {age} cannot be right")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        raise SettingError(f"the lowest age {low} is above the highest {high}")
    policy = rules.get("open_policy", group.open_policy)
    if policy not in tuple(OpenPolicy):
        raise SettingError(f"open must be one of {', '.join(OpenPolicy)}")
    hours = rules.get("open_extra_hours", group.open_extra_hours)
    if not isinstance(hours, int) or not 0 <= hours <= 168:
        raise SettingError("the hours open after a session are 0 to 168")
    if not isinstance(rules.get("checkins", group.checkins), bool):
        raise SettingError("check-ins are on or off")
    if rules.get("media_policy", group.media_policy) not in MEDIA_POLICIES:
        raise SettingError(f"media must be one of {', '.join(MEDIA_POLICIES)}")


async def change_rules(
    tx: Transaction, group: Group, rules: GroupRules, *, actor_person_id: int | None, via: str
) -> dict[str, object]:
    """Apply the given rules; returns what changed (name → new value)."""
    given = rules.given()
    _check(group, given)
    changed = {name: value for name, value in given.items() if getattr(group, name) != value}
    for name, value in changed.items():
        setattr(group, name, value)
    if changed:
        await tx.groups.touch(group)
        await tx.audit.append(
            "group.rules_changed",
            actor_person_id=actor_person_id,
            group_id=group.id,
            details={"changed": changed, "via": via},
        )
    return changed
