"""A group's life-cycle and who may change it.

draft → enrolling → running → finished → archived, with paused between (from enrolling or
running, back to where it was). Facilitators of the group and admins may change a group;
nobody else may.
"""

from __future__ import annotations

from groups.texts import N_, Texts
from storage.models import Group, GroupStatus, Membership, MembershipStatus, Person, Role

ALLOWED: dict[GroupStatus, frozenset[GroupStatus]] = {
    GroupStatus.DRAFT: frozenset({GroupStatus.ENROLLING, GroupStatus.ARCHIVED}),
    GroupStatus.ENROLLING: frozenset(
        {GroupStatus.DRAFT, GroupStatus.RUNNING, GroupStatus.PAUSED, GroupStatus.ARCHIVED}
    ),
    GroupStatus.RUNNING: frozenset({GroupStatus.PAUSED, GroupStatus.FINISHED}),
    GroupStatus.PAUSED: frozenset(
        {GroupStatus.ENROLLING, GroupStatus.RUNNING, GroupStatus.FINISHED, GroupStatus.ARCHIVED}
    ),
    GroupStatus.FINISHED: frozenset({GroupStatus.ARCHIVED}),
    GroupStatus.ARCHIVED: frozenset(),
}


STATUS_NAMES: dict[GroupStatus, str] = {
    GroupStatus.DRAFT: N_("draft"),
    GroupStatus.ENROLLING: N_("enrolling"),
    GroupStatus.RUNNING: N_("running"),
    GroupStatus.PAUSED: N_("paused"),
    GroupStatus.FINISHED: N_("finished"),
    GroupStatus.ARCHIVED: N_("archived"),
}


class GroupError(Exception):
    """A request about a group that cannot be done; the message is a catalogue text."""

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params

    def render(self, texts: Texts) -> str:
        params = {
            name: texts.gettext(STATUS_NAMES[value]) if isinstance(value, GroupStatus) else value
            for name, value in self.params.items()
        }
        return texts.gettext(self.message, **params)


def check_transition(group: Group, to: GroupStatus) -> None:
    if to not in ALLOWED[group.status]:
        raise GroupError(
            N_("The group is {status}, so it cannot become {to}."),
            status=group.status,
            to=to,
        )


def can_manage(person: Person, membership: Membership | None) -> bool:
    """Admins manage every group; a facilitator manages their own groups."""
    if person.is_admin:
        return True
    return (
        membership is not None
        and membership.status is MembershipStatus.ACTIVE
        and membership.role is Role.FACILITATOR
    )
