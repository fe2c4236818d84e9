"""Train the crisis model (`models/crisis.json`) from the labelled examples in the repository.

    python -m moderation.train_crisis            # train, choose the threshold, write the file
    python -m moderation.train_crisis --check    # retrain and compare with the file

Examples come from `moderation/training/*.jsonl` (`{"text", "lang", "crisis": true|false}`)
and from the screening development sets in `tests/data/` (a line is a crisis example when it
is labelled crisis; every other line, ordinary or another category, is a negative). Blind sets
are never read: they measure what the model has not seen.

Logistic regression, L2-regularised, fitted by AdaGrad in a fixed order, so the same examples
give the same weights on every machine. The threshold is chosen on out-of-fold scores (five
folds): the lowest that keeps the messages the model alone would flag, among those that are
not a crisis and that the lexicon leaves alone, at or under `--added-flags` (default 3 %).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from moderation.crisis_model import MODELS, CrisisModel, features, logistic, scale
from moderation.lexicon import LexiconDetector
from moderation.normalise import Reading

ROOT = Path(__file__).resolve().parent.parent
TRAINING = Path(__file__).parent / "training"
DEVELOPMENT_SETS = (
    "moderation_eval.jsonl",
    "moderation_holdout.jsonl",
    "moderation_final.jsonl",
    "moderation_blind2.jsonl",
)
EPOCHS = 20
RATE = 0.5
L2 = 3e-3
FOLDS = 5
SEED = 20261124
PRUNE = 1e-3
# A feature seen in only one example says more about that example than about crisis talk.
MIN_EXAMPLES = 2
DIGITS = 5


@dataclass(frozen=True, slots=True)
class Example:
    text: str  # folded
    crisis: bool
    lexicon_found: bool


def examples(root: Path = ROOT) -> list[Example]:
    lexicon = LexiconDetector.named("crisis")
    rows: list[tuple[str, bool]] = []
    for path in sorted((root / "moderation" / "training").glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                rows.append((str(data["text"]), bool(data["crisis"])))
            except (ValueError, KeyError) as error:
                raise SystemExit(f"{path}:{number}: not a training example ({error})") from error
    for name in DEVELOPMENT_SETS:
        path = root / "tests" / "data" / name
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                data = json.loads(line)
                crisis = any(label["category"] == "crisis" for label in data["labels"])
                rows.append((str(data["text"]), crisis))
    seen: set[str] = set()
    out: list[Example] = []
    for text, crisis in rows:
        reading = Reading(text)
        folded = reading.folded.text
        if folded in seen:
            continue
        seen.add(folded)
        out.append(Example(folded, crisis, lexicon(reading) is not None))
    return out


def fit(data: Sequence[Example], epochs: int = EPOCHS) -> tuple[dict[str, float], float]:
    """Weights and bias, each example's features scaled as the model reads them (`scale`);
    only features seen in at least `MIN_EXAMPLES` examples get a weight."""
    every = [features(e.text) for e in data]
    counts: Counter[str] = Counter(f for found in every for f in found)
    encoded = [
        ([f for f in found if counts[f] >= MIN_EXAMPLES], scale(len(found)), float(e.crisis))
        for found, e in zip(every, data, strict=True)
    ]
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_squares = 0.0, 1e-8
    order = list(range(len(encoded)))
    shuffle = random.Random(SEED)  # noqa: S311 - a fixed order, not a secret
    for _ in range(epochs):
        shuffle.shuffle(order)
        for index in order:
            found, weight, target = encoded[index]
            z = bias + weight * sum(weights.get(f, 0.0) for f in found)
            error = logistic(z) - target
            for feature in found:
                w = weights.get(feature, 0.0)
                gradient = error * weight + L2 * w
                squares[feature] = squares.get(feature, 1e-8) + gradient * gradient
                weights[feature] = w - RATE * gradient / math.sqrt(squares[feature])
            bias_squares += error * error
            bias -= RATE * error / math.sqrt(bias_squares)
    kept = {f: round(w, DIGITS) for f, w in sorted(weights.items()) if abs(w) >= PRUNE}
    return kept, round(bias, DIGITS)


def out_of_fold(data: Sequence[Example]) -> list[float]:
    scores = [0.0] * len(data)
    for fold in range(FOLDS):
        train = [e for i, e in enumerate(data) if i % FOLDS != fold]
        weights, bias = fit(train)
        model = CrisisModel(weights, bias, 0.5)
        for i, e in enumerate(data):
            if i % FOLDS == fold:
                scores[i] = model.score(e.text)
    return scores


def choose_threshold(
    data: Sequence[Example], scores: Sequence[float], added_flags: float
) -> tuple[float, dict[str, float]]:
    quiet = [s for e, s in zip(data, scores, strict=True) if not e.crisis and not e.lexicon_found]
    missed = [s for e, s in zip(data, scores, strict=True) if e.crisis and not e.lexicon_found]
    crises = sum(1 for e in data if e.crisis)
    for threshold in [t / 100 for t in range(5, 96)]:
        added = sum(1 for s in quiet if s >= threshold) / max(1, len(quiet))
        if added <= added_flags:
            caught = sum(1 for s in missed if s >= threshold)
            found = sum(1 for e in data if e.crisis and e.lexicon_found) + caught
            return threshold, {
                "added_flags": round(added, 4),
                "lexicon_misses_caught": round(caught / max(1, len(missed)), 4),
                "crisis_recall_out_of_fold": round(found / max(1, crises), 4),
                "examples": len(data),
                "crisis_examples": crises,
            }
    raise SystemExit("no threshold keeps added flags that low")


def train(added_flags: float) -> dict[str, object]:
    data = examples()
    threshold, figures = choose_threshold(data, out_of_fold(data), added_flags)
    weights, bias = fit(data)
    return {
        "about": "Crisis model for Piiri; trained by `python -m moderation.train_crisis`.",
        "figures": figures,
        "threshold": threshold,
        "bias": bias,
        "weights": weights,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderation.train_crisis")
    parser.add_argument("--added-flags", type=float, default=0.03)
    parser.add_argument("--check", action="store_true", help="retrain and compare with the file")
    args = parser.parse_args(argv)
    path = MODELS / "crisis.json"
    if args.check:
        shipped = CrisisModel.load(path)
        weights, bias = fit(examples())
        same = weights == dict(shipped.weights) and bias == shipped.bias
        print("the model file matches its training data" if same else "the model file is stale")
        return 0 if same else 1
    model = train(args.added_flags)
    MODELS.mkdir(exist_ok=True)
    path.write_text(json.dumps(model, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(json.dumps(model["figures"], indent=2), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
