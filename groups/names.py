"""How a member is named to others: the pseudonym, with a badge for staff and peer supporters."""

from __future__ import annotations

from groups.texts import N_, Texts
from storage.models import Membership, Role

BADGES: dict[Role, str] = {
    Role.FACILITATOR: N_("{name} (facilitator)"),
    Role.MODERATOR: N_("{name} (moderator)"),
    Role.PEER_SUPPORTER: N_("{name} (peer supporter)"),
}


def display_name(texts: Texts, membership: Membership) -> str:
    """The pseudonym, with a badge for staff and peer supporters."""
    badge = BADGES.get(membership.role)
    return texts.gettext(badge, name=membership.pseudonym) if badge else membership.pseudonym
