"""A second reading for crisis: a small linear model over pieces of words, for wording that no
lexicon entry foresaw.

The crisis lexicon is precise but only knows the phrasings someone wrote into it; a young
person in crisis writes in their own words. The model reads the same folded text as the
lexicons, as a bag of features: every word, every pair of neighbouring words, and every run
of three to five letters inside a word ("kuol", "itsar", "vilt"), so inflected, compound and
misspelled forms share most of their features with the forms it was trained on. A message
scores the sum of its features' weights, scaled by how many it has (`scale`), through a logistic
function; it is read whole and sentence by sentence, and its highest score counts, so a
crisis in the middle of a long message is not diluted by the rest.

The weights are data (`models/crisis.json`), trained from labelled examples in the repository
by `python -m moderation.train_crisis`; nothing is downloaded. The threshold in the file was
chosen on held-out folds so the model adds few flags to ordinary talk (see CONTRIBUTING.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from moderation.lexicon import LexiconDetector
from moderation.normalise import Reading
from moderation.verdict import Category, Finding, Severity, Span

MODELS = Path(__file__).parent / "models"
WORDS = re.compile(r"[^\W\d_]+")
SENTENCES = re.compile(r"[^.!?;\n]+")
NGRAMS = (3, 4, 5)
# Where a message has more than one sentence, each is read on its own as well as the whole.
MIN_SENTENCE_WORDS = 2
MODEL_LABEL = "model"
# Features a text is taken to have besides its own when weighing them (see `scale`).
SHORT_TEXT_PRIOR = 16


class ModelError(ValueError):
    """A model file that cannot be used; the message names the file and what is wrong."""


def features(text: str) -> list[str]:
    """The features of folded text, each once, in a stable order."""
    words = WORDS.findall(text)
    found: dict[str, None] = {}
    for word in words:
        found["w " + word] = None
    for first, second in pairwise(words):
        found[f"b {first} {second}"] = None
    for word in words:
        padded = f" {word} "
        for n in NGRAMS:
            for start in range(len(padded) - n + 1):
                found[padded[start : start + n]] = None
    return list(found)


def scale(count: int) -> float:
    """How much each feature of a text with `count` features counts: long texts do not win by
    length, and short ones, with few features, are pulled towards "nothing found"."""
    return 1.0 / math.sqrt(count + SHORT_TEXT_PRIOR)


def logistic(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def segments(text: str) -> list[str]:
    """The whole text, then each sentence of it when there is more than one."""
    parts = [p for p in SENTENCES.findall(text) if len(WORDS.findall(p)) >= MIN_SENTENCE_WORDS]
    return [text, *parts] if len(parts) > 1 else [text]


@dataclass(frozen=True, slots=True)
class CrisisModel:
    weights: Mapping[str, float]
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: Path = MODELS / "crisis.json") -> CrisisModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            model = cls(weights, float(data["bias"]), float(data["threshold"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ModelError(f"{path}: not a crisis model ({error})") from error
        if not 0.0 < model.threshold < 1.0:
            raise ModelError(f"{path}: threshold {model.threshold} is not between 0 and 1")
        return model

    def score_features(self, found: Iterable[str]) -> float:
        found = list(found)
        total = sum(self.weights.get(feature, 0.0) for feature in found)
        return logistic(self.bias + total * scale(len(found)))

    def score(self, folded_text: str) -> float:
        """The highest probability of crisis over the text and its sentences."""
        return max(self.score_features(features(part)) for part in segments(folded_text))


class CrisisDetector:
    """The crisis lexicon first; where it finds nothing, the model. A finding by the model alone
    is low severity and spans the whole message: it says "a moderator should read this", not
    which words; the policy still holds it and alerts (crisis holds at every severity)."""

    def __init__(self, lexicon: LexiconDetector, model: CrisisModel | None) -> None:
        self._lexicon = lexicon
        self._model = model

    @classmethod
    def default(cls) -> CrisisDetector:
        return cls(LexiconDetector.named(Category.CRISIS.value), CrisisModel.load())

    def __call__(self, reading: Reading) -> Finding | None:
        found = self._lexicon(reading)
        if found is not None or self._model is None:
            return found
        text = reading.folded.text
        if not WORDS.search(text) or self._model.score(text) < self._model.threshold:
            return None
        start, end = _trimmed(reading.original)
        return Finding(Category.CRISIS, Severity.LOW, (Span(start, end, MODEL_LABEL),))


def _trimmed(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, max(start, len(text.rstrip()))
