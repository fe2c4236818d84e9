"""What the Matrix transport says by itself, in every language Piiri speaks: it answers rooms
before anyone has chosen a language."""

from __future__ import annotations

from bot.i18n import N_, Catalogues

ENCRYPTED_ROOM = N_(
    "This room is end-to-end encrypted, and I cannot read encrypted messages. I am leaving it. "
    "Please talk to me in an unencrypted direct chat instead."
)
LANGUAGES = ("fi", "sv", "en")


def encrypted_room_notice(catalogues: Catalogues) -> str:
    """The notice in Finnish, Swedish and English, one paragraph each."""
    texts = [catalogues.translator(language).gettext(ENCRYPTED_ROOM) for language in LANGUAGES]
    return "\n\n".join(dict.fromkeys(texts))
