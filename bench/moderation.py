"""How fast screening is: the whole pipeline (normalise → detectors → policy) per message.

Messages are built from realistic peer-support lines in Finnish, Swedish and English, about
one in eight carrying a phone number, an address, a handle or an invitation to talk
elsewhere, and one in twenty a crisis, a disclosure, an insult or spam.
Prints messages per second, p50/p99/max latency per message, and the ratio
against a naive screen in the same run: one regular-expression search per lexicon term and
per pattern, each over the whole text (what a first version would do).
Goal (issue 5): >= 5,000 messages/s on one core and p99 <= 2 ms. Printed, never asserted.
Run: `.venv/bin/python -m bench.moderation [--messages N] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
import tomllib
from collections.abc import Callable

from bot.config import default_policy
from moderation import personal_info
from moderation.contact_exchange import LEXICON
from moderation.lexicon import LEXICONS, Lexicon
from moderation.normalise import Reading
from moderation.screen import LEXICON_CATEGORIES, Screen
from moderation.verdict import Category

GOAL_PER_SECOND = 5000
GOAL_P99_MS = 2.0
POLICY = {str(c): rule for c, rule in default_policy().items()}

ORDINARY = [
    "Moi kaikki, mulla on ollut tosi raskas viikko koulussa",
    "Mua jännittää huominen tapaaminen mut kiva et tää ryhmä on olemassa",
    "Kuolin nauruun ku luin ton viestin, kiitos",
    "Isä kuoli viime vuonna ja joulu tuntuu vieläkin oudolta",
    "Nähdään taas tiistaina klo 18.30, muistakaa ottaa teetä",
    "Lapset on mulla viikonloppuna ja ex hakee ne sunnuntaina",
    "Maksoin bussilipusta 3,20 € ja myöhästyin silti",
    "Hej alla, jag har haft en tung vecka men nu känns det lite bättre",
    "Jag dör av skratt, tack för att ni finns",
    "Vi ses på torsdag kl. 18, ta hand om er",
    "Hi everyone, this week was hard but talking here helps",
    "I could kill for a coffee right now, long day",
    "My grandma passed away in March and I still miss her",
    "Mitä te teette kun ahdistaa illalla? Mulla auttaa lenkki",
    "Tää läksy tappaa mut, kolme esseetä viikossa",
]
PERSONAL = [
    "Soita mulle 040 123 4567 niin jutellaan lisää",
    "Mun sposti on kettu@example.fi jos haluut kirjottaa",
    "Asun Mannerheimintie 12 B 5, tuu käymään",
    "Lisää mut snäppiin: kettu_88",
    "Laita dm niin jutellaan privassa",
    "Lägg till mig på snap så pratar vi",
    "Add me on insta @foxy_22",
    "Ring mig på 070-123 45 67",
]


# Crisis, safeguarding, harassment and spam: rarer than personal details, but read the same.
OTHER = [
    "En jaksa enää, mä haluun vaan kuolla",
    "Satutin taas itteeni eilen illalla",
    "Isäpuoli lyö mua kun se juo",
    "Sä oot ihan säälittävä, tapan sut",
    "Jag vill inte leva längre",
    "I want to die, nobody would even notice",
    "Tienaa 500 € päivässä! Klikkaa nopearaha.example.com",
]


def messages(count: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(count):
        roll = rng.random()
        pool = PERSONAL if roll < 0.125 else OTHER if roll < 0.175 else ORDINARY
        first, second = rng.choice(pool), rng.choice(ORDINARY)
        out.append(f"{first}. {second}" if rng.random() < 0.3 else first)
    return out


def naive_screen() -> Callable[[str], bool]:
    """One search per term and per pattern, each over the text: no combined automaton."""
    data = tomllib.loads(LEXICON.read_text(encoding="utf-8"))
    terms = [re.compile(rf"\b{p}\b") for p in data["platforms"]]
    terms += [re.compile(i) for i in data["invitations"]]
    for category in (*LEXICON_CATEGORIES, Category.SPAM):
        lexicon = Lexicon.load(LEXICONS / f"{category.value}.toml")
        terms += [re.compile(rf"(?<!\w){term}") for term in lexicon.terms]
    terms += [personal_info.EMAIL, personal_info.HETU, personal_info.IBAN, personal_info.STREET]

    def check(text: str) -> bool:
        reading = Reading(text)
        words, written = reading.folded, reading.dotless
        hits = [t.search(words.text) or t.search(written.text) for t in terms]
        return any(hits) or bool(personal_info.find(reading))

    return check


def timed(check: Callable[[str], object], texts: list[str]) -> tuple[float, list[float]]:
    latencies = []
    started = time.perf_counter()
    for text in texts:
        begin = time.perf_counter_ns()
        check(text)
        latencies.append((time.perf_counter_ns() - begin) / 1e6)
    return len(texts) / (time.perf_counter() - started), sorted(latencies)


def pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))]


def main(args: argparse.Namespace) -> None:
    texts = messages(args.messages, random.Random(args.seed))  # noqa: S311 - test data
    screen = Screen(POLICY)
    for text in texts[:200]:  # warm caches (phonenumbers metadata, regex compilation)
        screen.check(text)
    rate, lat = timed(screen.check, texts)
    base_rate, base_lat = timed(naive_screen(), texts[: args.baseline_messages])
    blocked = sum(1 for text in texts if screen.check(text).findings)
    figures: dict[str, object] = {
        "messages": len(texts),
        "with_findings": blocked,
        "per_second": round(rate),
        "p50_ms": round(pct(lat, 0.5), 3),
        "p99_ms": round(pct(lat, 0.99), 3),
        "max_ms": round(lat[-1], 3),
        "baseline_per_second": round(base_rate),
        "baseline_p99_ms": round(pct(base_lat, 0.99), 3),
        "speedup": round(rate / base_rate, 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    met = "met" if rate >= GOAL_PER_SECOND else "MISSED"
    met99 = "met" if pct(lat, 0.99) <= GOAL_P99_MS else "MISSED"
    print(f"screening {len(texts)} messages ({blocked} with findings), every detector")
    print(f"  pipeline : {rate:8.0f} msg/s  goal >= {GOAL_PER_SECOND}: {met}")
    print(
        f"             p50 {figures['p50_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms  "
        f"max {figures['max_ms']:.3f} ms  goal p99 <= {GOAL_P99_MS} ms: {met99}"
    )
    print(
        f"  naive    : {base_rate:8.0f} msg/s  p99 {figures['baseline_p99_ms']:.3f} ms "
        f"(one search per term)  ->  pipeline is {figures['speedup']}x"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--baseline-messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    main(parser.parse_args())
