"""The crisis lexicon (`moderation/lexicons/crisis.toml`): the forms people really write about
suicide and self-harm are found at least at their severity, in Finnish, Swedish and English;
idioms, grief, accidents and harassment aimed at others are not. The lines here are written
fresh, apart from the evaluation set, so they test the families of forms, not its lines."""

from __future__ import annotations

import tomllib

import pytest

from moderation.lexicon import LEXICONS, LexiconDetector
from moderation.normalise import Reading
from moderation.verdict import Category, Finding, Severity

LOW, MEDIUM, HIGH = Severity.LOW, Severity.MEDIUM, Severity.HIGH
DETECTOR = LexiconDetector.named("crisis")


def crisis(text: str) -> Finding | None:
    return DETECTOR(Reading(text))


POSITIVES: list[tuple[str, Severity]] = [
    # fi: a wish to die, spoken and written, every tense and mood
    ("mä haluisin kuolla", MEDIUM),
    ("halusin kuolla koko viikonlopun", MEDIUM),
    ("tahdon kuolla", MEDIUM),
    ("toivon et mä kuolisin", MEDIUM),
    ("kunpa mä kuolisin unissani", MEDIUM),
    ("HALUUN KUOOOLLA", MEDIUM),
    ("h a l u u n kuolla", MEDIUM),
    ("en mä haluu kuolla, mä vaan oon väsyny", MEDIUM),
    ("en halua enää elää", MEDIUM),
    ("mä en jaksa enää tätä elämää", MEDIUM),
    ("en nää mitään järkeä elää", MEDIUM),
    ("haluun vaan pois tästä maailmasta", MEDIUM),
    ("kaikki pärjäis paremmin ilman mua", MEDIUM),
    ("haaveilen kuolemasta", MEDIUM),
    ("oon ajatellu tappaa itteni", MEDIUM),
    ("mulla on itsetuhosia ajatuksia", MEDIUM),
    ("itsemurha ajatukset pyörii päässä", MEDIUM),
    # fi: self-harm happening
    ("viiltelin taas koko illan", MEDIUM),
    ("oon alkanu taas viiltelemään", MEDIUM),
    ("raavin itteni verille", MEDIUM),
    ("tekis mieli satuttaa itteä", MEDIUM),
    # fi: intent, method, means, time, farewell
    ("mä tapan ittäni", HIGH),
    ("aion hypätä sillalta", HIGH),
    ("mä hyppään parvekkeelta", HIGH),
    ("nielin kaikki pillerit", HIGH),
    ("otan koko purkin unilääkkeitä", HIGH),
    ("oon kerännyt pillereitä monta viikkoa", HIGH),
    ("montako unilääkettä riittää et ei herää", HIGH),
    ("mulla on hirttoköysi valmiina", HIGH),
    ("hyvästi kaikki", HIGH),
    ("tää on mun viimenen viesti, anteeks kaikille", HIGH),
    ("perjantaina mä lopetan tän kaiken", HIGH),
    # fi: passive wish (low)
    ("toivon etten heräis", LOW),
    ("kunpa en ois syntyny", LOW),
    ("kukaan ei kaipais mua", LOW),
    ("haluun vaan kadota", LOW),
    # sv (Finland-Swedish colloquial too)
    ("ja vill int finnas mera", MEDIUM),
    ("jag orkar inte leva", MEDIUM),
    ("jag har dödstankar hela tiden", MEDIUM),
    ("jag har skurit mig igen", MEDIUM),
    ("jag vill döda mig själv", MEDIUM),
    ("alla skulle må bättre utan mig", MEDIUM),
    ("jag ska ta livet av mig i natt", HIGH),
    ("hur många tabletter behövs för att dö", HIGH),
    ("jag har skrivit ett självmordsbrev", HIGH),
    ("jag önskar att jag aldrig fötts", LOW),
    # en (teen forms too)
    ("i wanna die lol", MEDIUM),
    ("kms fr", MEDIUM),
    ("i really want to unalive", MEDIUM),
    ("theres no point living", MEDIUM),
    ("my family is better off without me", MEDIUM),
    ("relapsed on sh after 3 months clean", MEDIUM),
    ("i'm cutting myself again", MEDIUM),
    ("i feel suicidal", MEDIUM),
    ("i\u2019ll kill myself this weekend", HIGH),  # a typographic apostrophe
    ("i swallowed a handful of pills", HIGH),
    ("how many pills does it take to die", HIGH),
    ("i'm going to jump in front of a train", HIGH),
    ("i've got a rope and i'm ready", HIGH),
    ("i wish i'd never been born", LOW),
    ("no one would care if i died", LOW),
    ("i'm a burden to everyone", LOW),
    ("i don't see the point in living anymore", MEDIUM),
    ("everyone would be happier if i was gone", MEDIUM),
    ("i looked up how to kill myself", HIGH),
    ("miten sen vois tehdä niin ettei tuntuis mitään", HIGH),
    ("oon googlannu tapoja kuolla", HIGH),
]

NEGATIVES = [
    # fi: idioms, grief, accidents, haircuts, cooking, films, never would
    "kuolin melkein nauruun",
    "mä kuolen tylsyyteen tällä tunnilla",
    "meinasin kuolla häpeästä",
    "kuoliaaksi väsyny tänään",
    "tää koe tappo mut",
    "tapoin huonekasvin taas",
    "mummo kuolee syöpään ja se on raskasta",
    "isän kuolemasta on nyt vuosi",
    "kuolema pelottaa mua tosi paljon",
    "pilkoin kalaa ja viilsin vahingossa peukaloon",
    "sain haavan ku viilsin leipää",
    "leikkasin itselleni otsatukan",
    "poltin itteni aurinkoon rannalla",
    "hyppään junaan ja tuun huomenna",
    "hyppäsin katolta lumihankeen",
    "katoin leffan jossa päähenkilö tekee itsemurhan",
    "kaverin isä teki itsemurhan vuosia sitten",
    "en ikinä satuttais itteeni",
    "en jaksa herätä huomenna kuudelta",
    "en halua elää eksän kanssa enää samassa talossa",
    "lääkäri sano et lääkkeet otetaan aamulla",
    "mulla ei oo tarpeeks lääkkeitä ens viikkoon",
    "hyvästi koeviikko, tervetuloa loma",
    "kiitos kaikesta avusta, nähdään ensi viikolla",
    # sv
    "jag dör av längtan efter sommarlovet",
    "läxan kommer att ta livet av mig",
    "jag skar mig på ett papper",
    "vi hoppade från bron i sjön i somras",
    "tack för allt stöd",
    # en
    "i nearly died when i saw the bill",
    "this traffic is killing me",
    "i could kill for a pizza",
    "i hurt my back lifting boxes",
    "i burned myself on the stove cooking pasta",
    "i take all my meds in the morning with breakfast",
    "we watched a movie about suicide in class",
    "i don't want to live with my dad anymore",
    "bye everyone see you next week",
    "we walked 10 kms today",
    "i never wake up on time",
    "what's the best way to die in minecraft lol",
    "how do i do it fast, the deadline is tomorrow",
    "i want to end it with him properly",
    # harassment aimed at someone else is that lexicon's, not a crisis of the author
    "tapa ittes jo",
    "ta livet av dig",
    "go kill yourself",
]


@pytest.mark.parametrize(("text", "least"), POSITIVES)
def test_crisis_forms_are_found_at_least_at_their_severity(text: str, least: Severity) -> None:
    finding = crisis(text)
    assert finding is not None, text
    assert finding.category is Category.CRISIS
    assert finding.severity >= least, (text, finding.severity)


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_hard_talk_is_left_alone(text: str) -> None:
    assert crisis(text) is None, text


def test_the_tables_are_large_enough() -> None:
    assert len(POSITIVES) >= 40
    assert len(NEGATIVES) >= 30


def test_a_span_points_at_the_words_in_the_original_text() -> None:
    text = "Moi. Tapan itteni"
    finding = crisis(text)
    assert finding is not None
    assert finding.severity is HIGH
    start = text.index("Tapan")
    assert any(span.start == start and span.end == len(text) for span in finding.spans)


def test_spans_survive_folding_of_shouting_and_repeated_letters() -> None:
    text = "Hei kaikki. HALUUN KUOOOLLA tänä yönä!!"
    finding = crisis(text)
    assert finding is not None
    found = {text[span.start : span.end]: span.label for span in finding.spans}
    assert found == {"HALUUN KUOOOLLA": "suicidal", "tänä yönä": "time"}


def test_a_time_raises_a_wish_to_die_one_step() -> None:
    plain, timed = crisis("haluun kuolla"), crisis("haluun kuolla tänä yönä")
    assert plain is not None and timed is not None
    assert (plain.severity, timed.severity) == (MEDIUM, HIGH)


def test_a_passive_wish_is_low_and_a_plan_is_high() -> None:
    passive, plan = crisis("en haluis herätä"), crisis("köysi on piilossa sängyn alla")
    assert passive is not None and plan is not None
    assert (passive.severity, plan.severity) == (LOW, HIGH)


def test_every_signal_and_negative_starts_with_a_letter() -> None:
    """A pattern that starts with a group ("(?:halu|tahdo)...") is entered at every word of
    every message and slows the whole pipeline; split it by its first letter instead."""
    data = tomllib.loads((LEXICONS / "crisis.toml").read_text(encoding="utf-8"))
    patterns = [p for signal in data["signals"] for p in signal["patterns"]]
    patterns += data["negatives"]["patterns"]
    for pattern in patterns:
        assert pattern[:1].isalpha() and pattern[1:2] not in ("?", "*", "+", "{"), pattern
