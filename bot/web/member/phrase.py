"""Recovery phrases: five words from the pseudonym word lists, shown once, kept as a hash."""

from __future__ import annotations

import random

from groups.pseudonyms import WordLists

WORDS = 5


def word_pool(words: WordLists, language: str) -> list[str]:
    classes = words.by_language.get(language) or words.by_language["en"]
    pool = {w for c in classes for w in (*c.adjectives, *c.nouns) if w.isalpha() and len(w) <= 10}
    return sorted(pool)


def new_phrase(words: WordLists, language: str, rng: random.Random) -> str:
    pool = word_pool(words, language)
    return " ".join(rng.choice(pool) for _ in range(WORDS))


def normalise_phrase(text: str) -> str:
    """How a typed phrase is compared: lower case, single spaces, hyphens as spaces."""
    return " ".join(text.replace("-", " ").casefold().split())
