"""Suggested pseudonyms and the checks on ones people choose for themselves."""

from __future__ import annotations

import random
import secrets
from pathlib import Path

import pytest

from groups.pseudonyms import (
    MAX_LENGTH,
    Blocklist,
    PseudonymDataError,
    Rejection,
    WordLists,
    check,
    normalise,
    pseudonym_key,
    suggest,
)
from storage.repositories.memberships import pseudonym_key as stored_key

LANGUAGES = ("fi", "sv", "en")


@pytest.fixture(scope="module")
def words() -> WordLists:
    return WordLists.load()


@pytest.fixture(scope="module")
def blocked() -> Blocklist:
    return Blocklist.load()


def _seeded(seed: int | str) -> random.Random:
    """Reproducible on purpose; production passes `secrets.SystemRandom()`."""
    return random.Random(seed)  # noqa: S311


def _write_lists(directory: Path, en: str, blocked: str = "admin\n") -> Path:
    (directory / "en.toml").write_text(en, encoding="utf-8")
    (directory / "blocked.txt").write_text(blocked, encoding="utf-8")
    return directory


def test_shipped_lists_are_big_enough(words: WordLists) -> None:
    assert set(words.languages()) == set(LANGUAGES)
    for language in LANGUAGES:
        classes = words.by_language[language]
        assert len(classes[0].adjectives) >= 40
        assert sum(len(c.nouns) for c in classes) >= 60


def test_swedish_adjectives_agree_with_en_and_ett_nouns(words: WordLists) -> None:
    en, ett = words.by_language["sv"]
    pairs = dict(zip(en.adjectives, ett.adjectives, strict=True))
    assert pairs["ljus"] == "ljust"
    assert pairs["stilla"] == "stilla"
    assert "räv" in en.nouns
    assert "lodjur" in ett.nouns


def test_every_shipped_combination_is_an_acceptable_pseudonym(
    words: WordLists, blocked: Blocklist
) -> None:
    for language in LANGUAGES:
        for word_class in words.by_language[language]:
            for index in range(len(word_class)):
                pseudonym = word_class.pseudonym(index)
                assert check(pseudonym, (), blocked) is None, pseudonym


@pytest.mark.parametrize("language", LANGUAGES)
def test_suggestions_are_three_distinct_capitalised_and_short(
    words: WordLists, language: str
) -> None:
    suggestions = suggest(words, language, set(), _seeded(7))
    assert len(suggestions) == 3
    assert len({pseudonym_key(s) for s in suggestions}) == 3
    for suggestion in suggestions:
        assert len(suggestion) <= MAX_LENGTH
        adjective, noun = suggestion.split(" ")
        assert adjective[0].isupper() and noun[0].isupper()


@pytest.mark.parametrize("language", LANGUAGES)
def test_suggestions_are_in_the_language_asked_for(words: WordLists, language: str) -> None:
    nouns = {n for c in words.by_language[language] for n in c.nouns}
    for suggestion in suggest(words, language, set(), _seeded(1), count=20):
        assert suggestion.split(" ")[1].casefold() in nouns


def test_unknown_language_falls_back_to_english(words: WordLists) -> None:
    assert suggest(words, "de", set(), _seeded(3)) == suggest(words, "en", set(), _seeded(3))


def test_suggestions_are_deterministic_for_a_seed(words: WordLists) -> None:
    first = suggest(words, "fi", set(), _seeded(42))
    assert suggest(words, "fi", set(), _seeded(42)) == first


def test_different_generators_give_unrelated_suggestions(words: WordLists) -> None:
    """The same person joining two groups is not recognisable by their suggestions."""
    first = suggest(words, "fi", set(), _seeded(42), count=5)
    second = suggest(words, "fi", set(), _seeded(43), count=5)
    assert not set(first) & set(second)


def test_production_generator_works(words: WordLists) -> None:
    assert len(suggest(words, "sv", set(), secrets.SystemRandom())) == 3


def test_suggestions_avoid_taken_keys(words: WordLists) -> None:
    taken = {pseudonym_key(s) for s in suggest(words, "en", set(), _seeded(5), count=10)}
    again = suggest(words, "en", taken, _seeded(5), count=10)
    assert len(again) == 10
    assert not taken & {pseudonym_key(s) for s in again}


def test_when_almost_everything_is_taken_as_many_as_possible_are_returned(
    tmp_path: Path,
) -> None:
    """Every combination is tried once at most: the list comes back short, never a hang.
    Blocked combinations ("Quiet Admin") are skipped like taken ones."""
    directory = _write_lists(
        tmp_path, 'adjectives = ["quiet", "bright"]\nnouns = ["fox", "lynx", "admin"]\n'
    )
    words = WordLists.load(directory)
    taken = {"quiet fox", "quiet lynx", "bright fox"}
    assert suggest(words, "en", taken, _seeded(1)) == ["Bright Lynx"]
    taken.add("bright lynx")
    assert suggest(words, "en", taken, _seeded(1)) == []
    assert sorted(suggest(words, "en", set(), _seeded(1), count=10)) == [
        "Bright Fox",
        "Bright Lynx",
        "Quiet Fox",
        "Quiet Lynx",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_generated_suggestions_are_never_blocked(
    words: WordLists, blocked: Blocklist, language: str
) -> None:
    suggestions = suggest(words, language, set(), _seeded(language), count=500)
    assert len(suggestions) == 500
    assert not [s for s in suggestions if blocked.matches(s)]


@pytest.mark.parametrize(
    ("pseudonym", "expected"),
    [
        ("Kettu", None),
        ("Revontuli-Poro", None),
        ("Åsa", None),
        ("Hiljainen Kettu", None),
        ("D'Artagnan", None),
        ("a", Rejection.TOO_SHORT),
        ("   ", Rejection.TOO_SHORT),
        ("Hiljainen Revontulikettuli", Rejection.TOO_LONG),
        ("Kettu 040 123", Rejection.PERSONAL_INFO),
        ("Kettu2009", Rejection.PERSONAL_INFO),
        ("kettu@ex.fi", Rejection.PERSONAL_INFO),
        ("@kettu", Rejection.PERSONAL_INFO),
        ("www.x.fi", Rejection.PERSONAL_INFO),
        ("kettu.fi", Rejection.PERSONAL_INFO),
        ("https://x", Rejection.PERSONAL_INFO),
        ("M0der4ttori", Rejection.PERSONAL_INFO),
        ("Kettu!", Rejection.CHARACTERS),
        ("Kettu_", Rejection.CHARACTERS),
        ("--", Rejection.CHARACTERS),
        ("Kettu\u200b", Rejection.CHARACTERS),
        ("Ohjaaja", Rejection.NOT_ALLOWED),
        ("a d m i n", Rejection.NOT_ALLOWED),
        ("Piiri Bot", Rejection.NOT_ALLOWED),
        ("kettu", Rejection.TAKEN),
        ("  KETTU ", Rejection.TAKEN),
    ],
)
def test_check(pseudonym: str, expected: Rejection | None, blocked: Blocklist) -> None:
    taken = {"kettu"} if expected is Rejection.TAKEN else set()
    assert check(pseudonym, taken, blocked) is expected


def test_digits_are_personal_info_before_they_are_leetspeak(blocked: Blocklist) -> None:
    assert blocked.matches("M0d3r44tt0r1")
    assert check("M0d3r44tt0r1", set(), blocked) is Rejection.PERSONAL_INFO


@pytest.mark.parametrize(
    "text",
    [
        "Ohjaaja",
        "OHJAAJA",
        "Öhjääjä",
        "m o d e r a a t t o r i",
        "ad-min",
        "Ad'min",
        "ylläpitäjä",
        "Yllapitaja",
        "J\u00e4rjestelm\u00e4",
        "Handledare",
        "0hj\u0430\u0430ja",  # Cyrillic a
        "$y$tem",
        "Bot",
        "c u n t",
        "Big Cunt",
    ],
)
def test_blocklist_sees_through_folding(blocked: Blocklist, text: str) -> None:
    assert blocked.matches(text)


INNOCENT = [
    *("Glass", "Aslak", "Kassu", "Sami", "Matti", "Scunthorpe", "Therapist", "Hitchcock"),
    *("Peacock", "Dickens", "Essex", "Kukka", "Kuksa", "Pornainen", "Bottenviken", "Abbott"),
    *("Robot", "Harshit", "Montenegro", "Grape", "Kanal", "Homogeeninen", "Cumbria"),
    *("Pussycat", "Prickly", "Raccoon", "Spice", "Pakistan", "Fagerholm", "Horatio"),
    *("Slutspurt", "Mongolia", "Nigeria", "Pedometer", "Hintikka", "Åsa", "Björn", "Blått Eko"),
]


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_names_and_words_are_not_blocked(blocked: Blocklist, text: str) -> None:
    assert not blocked.matches(text)
    assert check(text, set(), blocked) is None


def test_normalise_and_key() -> None:
    assert normalise("  Hiljainen   Kettu ") == "Hiljainen Kettu"
    assert normalise("A\u030asa") == "Åsa"
    for text in ("  Hiljainen   Kettu ", "ÅSA", "Stilla\tLodjur"):
        assert pseudonym_key(text) == stored_key(normalise(text))
    assert pseudonym_key("  Hiljainen   KETTU ") == "hiljainen kettu"


def test_broken_word_list_names_the_file(tmp_path: Path) -> None:
    _write_lists(tmp_path, 'adjectives = ["quiet"]\n')
    with pytest.raises(PseudonymDataError, match=r"en\.toml.*nouns"):
        WordLists.load(tmp_path)
    _write_lists(tmp_path, 'adjectives = ["quiet"\n')
    with pytest.raises(PseudonymDataError, match=r"en\.toml"):
        WordLists.load(tmp_path)
    _write_lists(tmp_path, 'adjectives = ["quiet", "quiet"]\nnouns = ["fox"]\n')
    with pytest.raises(PseudonymDataError, match="twice"):
        WordLists.load(tmp_path)
    _write_lists(tmp_path, 'adjectives = ["exceptionally"]\nnouns = ["capercaillie"]\n')
    with pytest.raises(PseudonymDataError, match="over 24"):
        WordLists.load(tmp_path)


def test_swedish_style_list_needs_every_gender(tmp_path: Path) -> None:
    (tmp_path / "sv.toml").write_text(
        'adjectives = [{ en = "ljus", ett = "ljust" }]\nnouns_en = ["räv"]\n', encoding="utf-8"
    )
    _write_lists(tmp_path, 'adjectives = ["quiet"]\nnouns = ["fox"]\n')
    with pytest.raises(PseudonymDataError, match=r"sv\.toml.*nouns_ett"):
        WordLists.load(tmp_path)


def test_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(PseudonymDataError, match=r"en\.toml"):
        WordLists.load(tmp_path)
    with pytest.raises(PseudonymDataError, match=r"blocked\.txt"):
        Blocklist.load(tmp_path)


def test_short_blocklist_entries_must_be_whole_words(tmp_path: Path) -> None:
    _write_lists(tmp_path, "", blocked="# comment\n\nass\n")
    with pytest.raises(PseudonymDataError, match=r"blocked\.txt:3"):
        Blocklist.load(tmp_path)
    _write_lists(tmp_path, "", blocked="=ass\n")
    blocklist = Blocklist.load(tmp_path)
    assert blocklist.matches("Ass") and blocklist.matches("a s s")
    assert not blocklist.matches("Glass")
