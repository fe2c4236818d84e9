"""Every text a person reads is in the catalogue, translated into Finnish, Swedish and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, Catalogues

REPO = Path(__file__).parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def _marked_texts() -> set[str]:
    texts: set[str] = set()
    for package in ("bot", "groups", "moderation"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / package,
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
            keywords=KEYWORDS,
        ):
            texts.update([message] if isinstance(message, str) else message)
    return texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_text_is_translated(language: str) -> None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = _marked_texts() - translated
    assert not missing, f"{path} lacks: {sorted(missing)}"


def test_placeholders_survive_translation() -> None:
    catalogues = Catalogues()
    for language in LANGUAGES:
        text = catalogues.translator(language).gettext(
            "I don't know the command /{name}. {help} shows what I can do.",
            name="xyz",
            help="/h",
        )
        assert "/xyz" in text and "/h" in text
