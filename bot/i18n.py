"""Translation catalogues (gettext through Babel): Finnish first, then Swedish and English.

Message ids are English source strings, marked with `_()` (translated where called) or `N_()`
(only marked, translated later). The `.po` files in `bot/locale/` are the source of truth; they
are compiled in memory at start-up, so there is no build step and no stale `.mo` file.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from groups.texts import N_

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "N_", "Catalogues", "Translator"]

LANGUAGES: Final = ("fi", "sv", "en")
DOMAIN: Final = "piiri"
LOCALE_DIR: Final = Path(__file__).parent / "locale"

LANGUAGE_NAMES: Final = {"fi": "suomi", "sv": "svenska", "en": "English"}


class Translator:
    """Texts in one language. Parameters use `{name}` placeholders."""

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self._translations = translations

    def gettext(self, message: str, /, **params: object) -> str:
        text = self._translations.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=n, **params)


class Catalogues:
    def __init__(self, locale_dir: Path = LOCALE_DIR, languages: Iterable[str] = LANGUAGES) -> None:
        self._translators = {
            language: Translator(language, _load(locale_dir, language)) for language in languages
        }

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._translators)

    def supports(self, language: str | None) -> bool:
        return language is not None and language in self._translators

    def translator(self, language: str) -> Translator:
        try:
            return self._translators[language]
        except KeyError:
            raise ValueError(f"no catalogue for language {language!r}") from None


def _load(locale_dir: Path, language: str) -> gettext.NullTranslations:
    po_path = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
