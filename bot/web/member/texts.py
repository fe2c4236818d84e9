"""The words the chat page's script shows, in the page's language."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.config import HelpResource
from bot.i18n import N_, Translator

PAGE_TEXTS = {
    "connecting": N_("Connecting…"),
    "online": N_("Connected"),
    "offline": N_("Connection lost. Trying again…"),
    "reply": N_("Reply"),
    "edit": N_("Edit"),
    "delete": N_("Delete"),
    "cancel": N_("Cancel"),
    "replying": N_("Replying to:"),
    "editing": N_("Editing your message"),
    "you": N_("You"),
    "edited": N_("(edited)"),
    "deleted": N_("(message deleted)"),
    "purged": N_("(the text has been deleted after the keeping period)"),
    "confirm_delete": N_("Delete this message for everyone?"),
    "download": N_("Download the file"),
    "state_sending": N_("Sending…"),
    "state_sent": N_("Sent"),
    "state_held": N_("Waiting for a moderator before it goes to the group"),
    "state_blocked": N_("Not sent to the group; see why below"),
    "state_removed": N_("Removed"),
    "state_closed": N_("Not sent: the group is closed"),
    "state_deferred": N_("Will be sent when the group opens"),
    "state_refused": N_("Not sent: you are writing very fast. Wait a moment and try again."),
    "new_message": N_("New message:"),
    "meeting_next": N_("Next meeting: {when}"),
    "meeting_soon": N_("The meeting starts in {minutes} min"),
    "meeting_now": N_("Meeting on: {minutes} min left"),
}


def page_texts(t: Translator) -> dict[str, str]:
    return {key: t.gettext(text) for key, text in PAGE_TEXTS.items()}


def help_links(resources: Iterable[HelpResource]) -> list[dict[str, str]]:
    """The help resources' phone numbers and addresses as the page should link them wherever
    they appear in Piiri's messages (a crisis reply), so one tap calls or opens them. Only
    these: a number in someone's message is never made a link."""
    links: dict[str, str] = {"112": "tel:112"}
    for resource in resources:
        if resource.phone:
            links[resource.phone] = "tel:" + re.sub(r"[^\d+]", "", resource.phone)
        if resource.url and resource.url.startswith(("https://", "http://")):
            links[resource.url] = resource.url
    # Longest first, so "09 2525 0111" is linked whole before any shorter number inside it.
    return [{"text": text, "href": href} for text, href in sorted(links.items(), key=_longest)]


def _longest(item: tuple[str, str]) -> int:
    return -len(item[0])
