"""Pseudonyms: themed suggestions, and checks on the ones people choose for themselves.

The word lists (`<language>.toml`) and the blocklist (`blocked.txt`) are data files in
`pseudonym_words/`, so an organisation can extend them without touching code.
"""

from __future__ import annotations

import enum
import random
import re
import tomllib
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

MIN_LENGTH = 2
MAX_LENGTH = 24
WORDS_DIR = Path(__file__).parent / "pseudonym_words"
FALLBACK_LANGUAGE = "en"
MIN_SUBSTRING = 4

# Leetspeak, "ø" (NFKD leaves it whole), and Cyrillic and Greek look-alikes of Latin letters,
# escaped as they cannot be told apart on screen: "0hj\u0430\u0430ja" folds to "ohjaaja".
_FOLD = str.maketrans(
    "013457@$\u00f8\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u04bb"
    "\u03b1\u03b5\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7",
    "oieastasoaeopcyxijshaeikvoptux",
)
_URL_LIKE = re.compile(r"\w\.\w|://|\bwww\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(-[^\W\d_]+)*")
_PUNCTUATION = " -'\u2019"


class Rejection(enum.StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CHARACTERS = "characters"  # only letters, marks, single spaces, hyphens and apostrophes
    PERSONAL_INFO = "personal_info"  # digits, "@", or a web or e-mail address
    NOT_ALLOWED = "not_allowed"  # on the blocklist: a slur, or would impersonate staff
    TAKEN = "taken"  # someone in the group has it, compared as `pseudonym_key`


class PseudonymDataError(ValueError):
    """A word list or the blocklist is missing or malformed; the message names the file."""


def normalise(pseudonym: str) -> str:
    """The form shown: no surrounding space, inner runs of whitespace as one space, NFC."""
    return unicodedata.normalize("NFC", " ".join(pseudonym.split()))


def pseudonym_key(pseudonym: str) -> str:
    """The comparison form; equals `storage.repositories.memberships.pseudonym_key` of
    `normalise`d text, so a key computed here matches the stored one."""
    return normalise(pseudonym).casefold()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)


def _tokens(text: str) -> list[str]:
    """Folded words; a run of single characters ("a d m i n") is read as one word."""
    tokens: list[str] = []
    in_run = False
    for token in re.findall(r"[^\W_]+", _fold(text)):
        if len(token) == 1 and in_run:
            tokens[-1] += token
        else:
            tokens.append(token)
        in_run = len(token) == 1
    return tokens


@dataclass(frozen=True, slots=True)
class Blocklist:
    """Entries match anywhere in the folded text, except `words`, which match only a whole word:
    short words hide inside innocent ones ("ass" in "Glass", "cunt" in "Scunthorpe")."""

    substrings: tuple[str, ...]
    words: frozenset[str]

    @classmethod
    def load(cls, directory: Path | None = None) -> Blocklist:
        path = (directory or WORDS_DIR) / "blocked.txt"
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise PseudonymDataError(f"{path}: cannot read the blocklist: {error}") from error
        substrings: list[str] = []
        words: set[str] = set()
        for number, line in enumerate(lines, start=1):
            entry = line.strip()
            if not entry or entry.startswith("#"):
                continue
            whole = entry.startswith("=")
            tokens = _tokens(entry.removeprefix("="))
            if whole and len(tokens) == 1:
                words.add(tokens[0])
            elif not whole and len(joined := "".join(tokens)) >= MIN_SUBSTRING:
                substrings.append(joined)
            else:
                raise PseudonymDataError(
                    f"{path}:{number}: {entry!r} must be one word; under {MIN_SUBSTRING} letters"
                    " it needs a leading '=' to match only whole words"
                )
        return cls(tuple(substrings), frozenset(words))

    def matches(self, text: str) -> bool:
        tokens = _tokens(text)
        joined = "".join(tokens)
        return any(t in self.words for t in tokens) or any(s in joined for s in self.substrings)


@dataclass(frozen=True, slots=True)
class WordClass:
    """Nouns and the adjective forms that agree with them (Swedish has en and ett classes)."""

    adjectives: tuple[str, ...]
    nouns: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.adjectives) * len(self.nouns)

    def pseudonym(self, index: int) -> str:
        adjective, noun = divmod(index, len(self.nouns))
        return " ".join(
            w[:1].upper() + w[1:] for w in (self.adjectives[adjective], self.nouns[noun])
        )


@dataclass(frozen=True, slots=True)
class WordLists:
    by_language: dict[str, tuple[WordClass, ...]]
    blocklist: Blocklist

    @classmethod
    def load(cls, directory: Path | None = None) -> WordLists:
        """Every `<language>.toml` in `directory`, and its `blocked.txt`; `en.toml` is required."""
        directory = directory or WORDS_DIR
        by_language = {path.stem: _read_language(path) for path in sorted(directory.glob("*.toml"))}
        if FALLBACK_LANGUAGE not in by_language:
            raise PseudonymDataError(f"{directory / 'en.toml'}: missing; it is the fallback")
        return cls(by_language, Blocklist.load(directory))

    def languages(self) -> tuple[str, ...]:
        return tuple(self.by_language)


def _pseudonym(classes: tuple[WordClass, ...], index: int) -> str:
    for word_class in classes:
        if index < len(word_class):
            return word_class.pseudonym(index)
        index -= len(word_class)
    raise IndexError(index)


def _read_language(path: Path) -> tuple[WordClass, ...]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PseudonymDataError(f"{path}: {error}") from error
    adjectives = data.get("adjectives")
    if isinstance(adjectives, list) and adjectives and isinstance(adjectives[0], dict):
        genders = list(adjectives[0])
        if any(not isinstance(a, dict) or list(a) != genders for a in adjectives):
            raise PseudonymDataError(f"{path}: every adjective needs the forms {genders}")
        forms = {gender: [a[gender] for a in adjectives] for gender in genders}
        lists: list[tuple[object, str]] = [(forms[g], f"nouns_{g}") for g in genders]
    else:
        lists = [(adjectives, "nouns")]
    classes = tuple(
        WordClass(_words(path, "adjectives", forms), _words(path, key, data.get(key)))
        for forms, key in lists
    )
    nouns = [noun.casefold() for c in classes for noun in c.nouns]
    if len(set(nouns)) != len(nouns):
        raise PseudonymDataError(f"{path}: a noun is listed twice")
    for c in classes:
        longest = f"{max(c.adjectives, key=len)} {max(c.nouns, key=len)}"
        if len(longest) > MAX_LENGTH:
            raise PseudonymDataError(f"{path}: {longest!r} is over {MAX_LENGTH} characters")
    return classes


def _words(path: Path, key: str, words: object) -> tuple[str, ...]:
    if not isinstance(words, list) or not words:
        raise PseudonymDataError(f"{path}: needs a non-empty `{key}` list")
    for word in words:
        if not isinstance(word, str) or not _WORD.fullmatch(word):
            raise PseudonymDataError(f"{path}: `{key}` has {word!r}, not a word of letters")
    if len({w.casefold() for w in words}) != len(words):
        raise PseudonymDataError(f"{path}: `{key}` lists a word twice")
    return tuple(words)


def _shuffled(total: int, rng: random.Random) -> Iterator[int]:
    """0..total-1 in random order, drawn lazily (a Fisher-Yates shuffle kept in a sparse dict)."""
    moved: dict[int, int] = {}
    for i in range(total):
        j = rng.randrange(i, total)
        yield moved.get(j, j)
        moved[j] = moved.get(i, i)


def suggest(
    words: WordLists, language: str, taken: Collection[str], rng: random.Random, count: int = 3
) -> list[str]:
    """`count` distinct suggestions in `language` ("en" for a language without a list), none taken
    or blocked. Each combination is tried at most once, so when nearly all are taken the list is
    shorter than `count` (possibly empty) instead of searching for ever."""
    classes = words.by_language.get(language) or words.by_language[FALLBACK_LANGUAGE]
    found: list[str] = []
    for index in _shuffled(sum(len(c) for c in classes), rng):
        if len(found) >= count:
            break
        candidate = _pseudonym(classes, index)
        if pseudonym_key(candidate) not in taken and not words.blocklist.matches(candidate):
            found.append(candidate)
    return found


def check(pseudonym: str, taken: Collection[str], blocked: Blocklist) -> Rejection | None:
    """None when the custom pseudonym is acceptable. Personal information is looked for first, as
    it matters most that the person hears about it; digits count as such before leet folding."""
    shown = normalise(pseudonym)
    if any(c.isdigit() for c in shown) or "@" in shown or _URL_LIKE.search(shown):
        return Rejection.PERSONAL_INFO
    if len(shown) < MIN_LENGTH:
        return Rejection.TOO_SHORT
    if len(shown) > MAX_LENGTH:
        return Rejection.TOO_LONG
    categories = [unicodedata.category(c)[0] for c in shown if c not in _PUNCTUATION]
    if "L" not in categories or not set(categories) <= {"L", "M"}:
        return Rejection.CHARACTERS
    if blocked.matches(shown):
        return Rejection.NOT_ALLOWED
    if pseudonym_key(shown) in taken:
        return Rejection.TAKEN
    return None
