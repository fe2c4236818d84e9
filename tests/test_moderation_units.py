"""The parts of acting on a verdict that need no chat: the crisis reply and the rota, the
spam detector's use of the author's history, and lexicon files that cannot be used."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.i18n import Catalogues
from bot.moderation_setup import build_moderation
from groups.crisis_help import CrisisHelp, Resource, Rota
from moderation.lexicon import LEXICONS, Lexicon, LexiconDetector, LexiconError, literal_prefix
from moderation.normalise import Author, Reading
from moderation.screen import LEXICON_CATEGORIES
from moderation.spam import Spam
from moderation.verdict import Category, Severity

NOW = datetime(2027, 1, 6, 12, 0, tzinfo=UTC)  # a Wednesday, 14:00 in Helsinki
ROTA = Rota.parse({"mon": "16:00-21:00", "wed": "16:00-21:00"}, "Europe/Helsinki")
HELP = CrisisHelp(
    (
        Resource({"fi": "Hätänumero", "en": "Emergency"}, "112", always_open=True),
        Resource({"fi": "Päivälinja", "sv": "Daglinjen"}, "09 111", languages=("fi", "sv")),
        Resource({"sv": "Svenska linjen"}, "09 222", languages=("sv",)),
    ),
    ROTA,
)
texts = Catalogues().translator


def test_outside_the_rota_the_reply_says_when_people_are_back_and_gives_the_24_7_numbers() -> None:
    reply = HELP.reply(texts("fi"), "fi", NOW, held=True)
    assert "16.00" in reply  # back today at 16:00 Helsinki time
    assert "Hätänumero: 112" in reply
    assert "Päivälinja" not in reply, "only the numbers open day and night, off duty"
    on_duty = HELP.reply(texts("fi"), "fi", NOW + timedelta(hours=3), held=True)
    assert "Hätänumero: 112" in on_duty and "Päivälinja: 09 111" in on_duty


def test_a_reader_is_given_the_resources_in_their_language() -> None:
    reply = HELP.reply(texts("sv"), "sv", NOW + timedelta(hours=3), held=False)
    assert "Daglinjen: 09 111" in reply and "Svenska linjen: 09 222" in reply
    english = HELP.reply(texts("en"), "en", NOW + timedelta(hours=3), held=False)
    assert "Emergency: 112" in english and "09 222" not in english


def test_the_rota_crosses_the_spring_clock_change() -> None:
    rota = Rota.parse({"sun": "10:00-12:00"}, "Europe/Helsinki")
    # Saturday 27 March 2027 evening; clocks go forward in the night to Sunday.
    back = rota.next_start(datetime(2027, 3, 27, 20, 0, tzinfo=UTC))
    assert back == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)  # 10:00 EEST is 07:00 UTC
    assert not Rota().known and Rota().next_start(NOW) is None


def test_the_defaults_cite_finnish_help_and_never_an_invented_number() -> None:
    moderation = build_moderation(Settings().moderation)
    phones = {r.phone for r in moderation.crisis_help.resources}
    assert phones == {"112", "09 2525 0111", "09 2525 0112", "09 2525 0116"}
    example = (Path(__file__).parents[1] / "config.example.toml").read_text(encoding="utf-8")
    assert "https://112.fi/" in example and "sttinfo.fi/tiedote/69873814" in example


def _author(joined_hours_ago: float, recent: Sequence[tuple[float, str]] = ()) -> Author:
    return Author(
        joined_at=NOW - timedelta(hours=joined_hours_ago),
        now=NOW,
        recent=tuple((NOW - timedelta(seconds=s), t) for s, t in recent),
    )


@pytest.mark.parametrize(
    ("text", "author", "found"),
    [
        ("katsokaa tää https://esimerkki.fi/juttu", _author(2), "link"),
        ("katsokaa tää https://esimerkki.fi/juttu", _author(72), None),
        ("lue lisää mieli.fi sivulta", _author(2), "link"),
        ("mun sposti ei oo kettu@example.fi", _author(2), None),  # an address, not a link
        ("nähdään klo 18.30, versio 17.4.1", _author(2), None),
        ("Voitit 500 € lahjakortin! Lunasta: voitto.example.com", None, "scam"),
        ("voitin eilen pelin 3-1", None, None),
    ],
)
def test_spam_reads_links_and_the_author(
    text: str, author: Author | None, found: str | None
) -> None:
    finding = Spam()(Reading(text, author))
    if found is None:
        assert finding is None
    else:
        assert finding is not None and found in {s.label for s in finding.spans}


def test_the_same_text_a_third_time_and_a_flood_are_spam() -> None:
    same = "Tulkaa kaikki katsomaan mun videota"
    twice = _author(72, [(60, same), (30, same.upper() + "!")])
    finding = Spam()(Reading(same, twice))
    assert finding is not None and finding.severity is Severity.MEDIUM
    assert {s.label for s in finding.spans} == {"repeated"}
    assert Spam()(Reading(same, _author(72, [(30, same)]))) is None, "twice is only twice"
    flood = _author(72, [(s, f"viesti {s}") for s in range(2, 16, 2)])
    flooded = Spam()(Reading("vielä yksi", flood))
    assert flooded is not None and {s.label for s in flooded.spans} == {"flood"}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"category": "nope", "signals": []}, "`category` must name one of"),
        ({"category": "crisis"}, "no `[[signals]]`"),
        (
            {
                "category": "crisis",
                "signals": [{"label": "x", "severity": "huge", "patterns": ["a"]}],
            },
            "signals[1]: `severity` must be low, medium or high",
        ),
        (
            {
                "category": "crisis",
                "signals": [{"label": "x", "severity": "low", "patterns": ["(a"]}],
            },
            'signals[1]: pattern "(a" is not a regular expression',
        ),
        (
            {"category": "crisis", "signals": [{"severity": "low", "patterns": ["a"]}]},
            "signals[1]: needs a `label`",
        ),
    ],
)
def test_a_broken_lexicon_names_the_file_and_the_entry(
    data: dict[str, object], problem: str
) -> None:
    with pytest.raises(LexiconError) as raised:
        Lexicon.from_data(data, "lexicons/crisis.toml")
    assert "lexicons/crisis.toml" in str(raised.value) and problem in str(raised.value)


def test_raisers_and_negatives_shape_a_finding() -> None:
    lexicon = Lexicon.from_data(
        {
            "category": "crisis",
            "signals": [{"label": "wish", "severity": "medium", "patterns": ["kuo+l+a"]}],
            "raisers": [{"label": "time", "patterns": ["tanaan"]}],
            "negatives": {"patterns": ["kuolla nauruun"]},
        },
        "test",
    )
    detect = LexiconDetector(lexicon)
    text = "Haluun KUOOLLA tänään"
    finding = detect(Reading(text))
    assert finding is not None and finding.category is Category.CRISIS
    assert finding.severity is Severity.HIGH
    assert [text[s.start : s.end] for s in finding.spans] == ["KUOOLLA", "tänään"]
    assert detect(Reading("voisin kuolla nauruun")) is None


@pytest.mark.parametrize(
    ("pattern", "prefix"),
    [
        ("halu+a?n kuol+a", "hal"),
        ("itse(?:murh|tuho)\\w*", ""),  # two beginnings: itsemurh, itsetuho
        ("tapa[nt] itte\\w*", "tapa"),
        ("a|bc", ""),
        ("(?:en|ei) jaksa", ""),
        ("kys\\b", "kys"),
    ],
)
def test_a_patterns_literal_beginning(pattern: str, prefix: str) -> None:
    assert literal_prefix(pattern) == prefix


@pytest.mark.parametrize("name", [c.value for c in LEXICON_CATEGORIES] + ["spam"])
def test_the_prefilter_never_changes_a_finding(name: str) -> None:
    """Every labelled line, read with and without the prefilter: the same finding."""
    lexicon = Lexicon.load(LEXICONS / f"{name}.toml")
    filtered, unfiltered = LexiconDetector(lexicon), LexiconDetector(lexicon, indexed=False)
    data = Path(__file__).parent / "data"
    for path in sorted(data.glob("moderation_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            assert filtered(Reading(text)) == unfiltered(Reading(text)), text
