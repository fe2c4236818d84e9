"""The safeguarding, harassment, hate and sexual lexicons (`moderation/lexicons/`): fresh forms
in Finnish, Swedish and English are found at their severity, and the ordinary talk that looks
like them (idioms, venting, a member reporting what was said to them, sex education) is left
alone by all four. None of the lines below is in the evaluation set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderation.lexicon import LexiconDetector
from moderation.normalise import Reading
from moderation.verdict import Severity

CATEGORIES = ("safeguarding", "harassment", "hate", "sexual")
DETECTORS = {category: LexiconDetector.named(category) for category in CATEGORIES}
EVAL = Path(__file__).parent / "data" / "moderation_eval.jsonl"

LOW, MEDIUM, HIGH = Severity.LOW, Severity.MEDIUM, Severity.HIGH

SAFEGUARDING = [
    ("iskä hakkas mut eilen taas", HIGH),
    ("äiti löi mua nyrkillä naamaan", HIGH),
    ("mun eksän uus mies hakkaa lapsia", HIGH),
    ("isoveli kosketteli mua yöllä", HIGH),
    ("joku 40v mies snäpissä pyytää multa kuvia", HIGH),
    ("exä uhkaa tappaa mut jos lähden", HIGH),
    ("isä ei oo ollu kotona neljään päivään", HIGH),
    ("äiti lukitsi mut ulos pakkaseen", MEDIUM),
    ("mua on käytetty hyväksi lapsena", MEDIUM),
    ("mun mies ei anna mun nähdä kavereita ja lukee mun viestit", MEDIUM),
    ("min styvmamma sparkar mig när hon är arg", HIGH),
    ("morbror rör vid mig när ingen ser", HIGH),
    ("mitt ex hotar att ta barnen till utlandet", MEDIUM),
    ("pappa dricker och kör bil med oss i bilen", HIGH),
    ("my stepdad beat me with a belt last night", HIGH),
    ("my dad says he'll kill me if i tell anyone", HIGH),
    ("a 30 year old guy on discord keeps asking me to send pics and says it's our secret", HIGH),
    ("my ex drives drunk with the kids in the car", HIGH),
    ("i don't feel safe at home", MEDIUM),
]

HARASSMENT = [
    ("sä oot ihan idiootti", MEDIUM),
    ("mä tuun ja hakkaan sut", HIGH),
    ("painu vittuun täältä", MEDIUM),
    ("kukaan ei välitä susta", MEDIUM),
    ("toivottavasti kuolet", HIGH),
    ("ootte kaikki ihan tyhmiä", LOW),
    ("jos nään sut vielä täällä nii saat katua", HIGH),
    ("lopeta toi jatkuva vinkuminen", LOW),
    ("du är så jävla ful", LOW),
    ("jag ska döda dig", HIGH),
    ("ingen vill ha dig här", MEDIUM),
    ("gå och häng dig", HIGH),
    ("you're such a loser", MEDIUM),
    ("kys loser", HIGH),
    ("i know where you live", HIGH),
    ("no wonder your kids hate you", MEDIUM),
    ("you're a waste of space", MEDIUM),
    ("T4PAN SUT!", HIGH),
]

HATE = [
    ("kaikki mamut on loisia", HIGH),
    ("transut on sairaita", HIGH),
    ("muslimit pitäis karkottaa", HIGH),
    ("homojen ei pitäis saada adoptoida", HIGH),
    ("maahanmuuttajat vie meiltä työt", HIGH),
    ("transsukupuolisuus on mielenterveyshäiriö", HIGH),
    ("invandrare är parasiter", HIGH),
    ("bögar borde skjutas", HIGH),
    ("judarna styr allt", HIGH),
    ("muslimer borde inte få bo här", HIGH),
    ("immigrants are parasites", HIGH),
    ("gays should be shot", HIGH),
    ("disabled people are a burden", HIGH),
    ("being trans is a mental illness", HIGH),
    ("go back to your country", HIGH),
]

SEXUAL = [
    ("laita nudeja", HIGH),
    ("lähetä kuva susta alasti", HIGH),
    ("lähetä kuvia", MEDIUM),
    ("haluutko harrastaa seksiä mun kanssa", HIGH),
    ("oot tosi seksikäs", MEDIUM),
    ("ootko koskaan harrastanu seksiä?", HIGH),
    ("voitsä laittaa mulle kuvan susta bikineissä", HIGH),
    ("skicka bilder på dig", HIGH),
    ("vill du ligga med mig", HIGH),
    ("är du oskuld", HIGH),
    ("vad har du på dig nu", MEDIUM),
    ("send me pics of you in your underwear", HIGH),
    ("wanna sext", HIGH),
    ("what are you wearing rn", MEDIUM),
    ("i wanna see u naked", HIGH),
    ("s3nd n00dz", HIGH),
]

# Ordinary talk that shares words with the four categories: none of them may find anything.
ORDINARY = [
    # swearing at nobody, venting about someone outside the group, reports of being called names
    "vittu mikä päivä",
    "fan vad trött jag är",
    "this week was shit",
    "se sano mua läskiks ja se satutti",
    "ne haukku mua huoraks koulussa",
    "she called me a loser and i cried",
    "mun eksä on ihan idiootti",
    "mä oon ihan luuseri ku unohdin",
    "sä et oo tyhmä",
    "you're not stupid",
    "ei se tarkota et oot huono äiti",
    "älä tapa ittees sen takia",
    "don't kill yourself over it",
    "tää matikan koe tappaa mut",
    "kukaan ei tuomitse sua täällä",
    "no wonder you're tired",
    "olin KYS:ssä eilen",
    "sä kuolet nauruun kun kuulet tän",
    "mom said i'm useless",
    # talk about discrimination, identity, and reporting what others said
    "mua kiusattiin koska oon homo",
    "rasismi on väärin",
    "homoparit saa adoptoida",
    "jag är bög och stolt",
    "isä sanoo et homot on sairaita ja se satuttaa",
    "muslimit ei oo terroristeja",
    "gay people are allowed to marry now",
    "refugees die at sea every year",
    "homoterapia pitäis kieltää",
    "homofobia pilaa elämiä",
    # family life, custody, films, games
    "riideltiin exän kanssa huoltajuudesta",
    "lapset on surullisia eron jälkeen",
    "katottiin leffa jossa isä lyö poikaansa, tosi rankka",
    "veli hakkaa mut aina fifassa",
    "isä heitti mut kouluun aamulla",
    "3-vuotias lyö mua kun se suuttuu, miten toimia?",
    "äiti ei anna mun nähdä kavereita koeviikolla",
    "det slog mig att jag saknar honom",
    "jag tar på mig jackan",
    "your story really touched me",
    "my dad beat me at chess again",
    "my dad was never violent",
    "she grabbed me a coffee",
    "koska muhun sattuu niin paljon",
    # sex education and ordinary pictures
    "seksuaalinen suuntautuminen ei oo valinta",
    "sextingistä puhuttiin koulussa",
    "onks normaalia et ei haluu seksiä",
    "mä oon vielä neitsyt ja se on ok",
    "lähetä kuva koirasta",
    "send pics of your new puppy!",
    "mitä sul on päällä huomenna juhlissa?",
    "mulla on kova ikävä sua",
    "se pyysi multa nudeja ja mä en tiedä mitä tehdä",
]


def _found(category: str, text: str) -> Severity | None:
    finding = DETECTORS[category](Reading(text))
    return finding.severity if finding is not None else None


@pytest.mark.parametrize(("text", "least"), SAFEGUARDING)
def test_safeguarding_disclosures_are_found(text: str, least: Severity) -> None:
    severity = _found("safeguarding", text)
    assert severity is not None and severity >= least, (text, severity)


@pytest.mark.parametrize(("text", "least"), HARASSMENT)
def test_insults_and_threats_aimed_at_someone_are_found(text: str, least: Severity) -> None:
    severity = _found("harassment", text)
    assert severity is not None and severity >= least, (text, severity)


@pytest.mark.parametrize(("text", "least"), HATE)
def test_slurs_and_dehumanising_talk_are_found(text: str, least: Severity) -> None:
    severity = _found("hate", text)
    assert severity is not None and severity >= least, (text, severity)


@pytest.mark.parametrize(("text", "least"), SEXUAL)
def test_sexual_requests_and_talk_aimed_at_members_are_found(text: str, least: Severity) -> None:
    severity = _found("sexual", text)
    assert severity is not None and severity >= least, (text, severity)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_talk_that_looks_like_them_is_left_alone(text: str) -> None:
    found = {category: _found(category, text) for category in CATEGORIES}
    assert not any(found.values()), found


def test_a_finding_points_at_what_was_written() -> None:
    text = "Isäpuoli LYÖ mua kun se juo"
    finding = DETECTORS["safeguarding"](Reading(text))
    assert finding is not None
    assert any(text[span.start : span.end] == "LYÖ mua" for span in finding.spans)


def test_the_tables_are_fresh_and_large_enough() -> None:
    evaluation = {
        json.loads(line)["text"] for line in EVAL.read_text(encoding="utf-8").splitlines() if line
    }
    tables = (SAFEGUARDING, HARASSMENT, HATE, SEXUAL)
    assert all(len(table) >= 12 for table in tables)
    assert len(ORDINARY) >= 30
    written = [text for table in tables for text, _ in table] + ORDINARY
    assert not evaluation & set(written)


def test_the_evaluation_set_is_found_and_its_ordinary_lines_left_alone() -> None:
    lines = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]
    flagged_ordinary = set()
    for category in CATEGORIES:
        right = found = labelled = 0
        for line in lines:
            wanted = category in {label["category"] for label in line["labels"]}
            got = _found(category, line["text"]) is not None
            right += wanted and got
            found += got
            labelled += wanted
            if got and not line["labels"]:
                flagged_ordinary.add(line["id"])
        assert right / labelled >= 0.85, (category, "recall", right / labelled)
        assert right / found >= 0.85, (category, "precision", right / found)
    assert len(flagged_ordinary) <= 3, flagged_ordinary
