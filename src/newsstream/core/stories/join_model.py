"""A learned join decision: logistic regression over the features of a ``Score``.

The hand-set rule (``Score.joins``) asks for an anchor and a score threshold,
and vetoes a join whose headline reports an unrelated kind of news. The learned
decision weighs the same evidence at once: names and words shared, the anchor,
the people conflict, the topic clash (strict and unrelated), a shared event, a
main person of the story, a headline subject new to the story, and the story's
size. Its weights are data (``data/models/<name>.json``), written by
``python -m newsstream.evaluation.join_training`` from the labelled streams;
nothing here trains. Pure; the weights are read once per process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from newsstream.core.stories.matching import Score

DECISIONS: dict[str, str | None] = {"rules": None, "model": "story_join"}  # name → weights
DEFAULT_DECISION = "rules"

FEATURES = (
    "names",
    "words",
    "shared",
    "anchored",
    "conflict",
    "clash",
    "unrelated",
    "events",
    "kin",
    "stranger",
    "size",
    "heads_known",
    "topic_share",
    "gap",
    "rivals",
)


def features(score: Score) -> tuple[float, ...]:
    """The model's inputs, in ``FEATURES`` order (counts on a log scale)."""
    return (
        score.names,
        score.words,
        math.log1p(score.shared),
        float(score.anchored),
        float(score.conflict),
        float(score.clash),
        float(score.unrelated),
        float(score.events),
        float(score.kin),
        float(score.stranger),
        math.log1p(score.size),
        score.heads_known,
        score.topic_share,
        math.log1p(score.gap),
        float(score.rivals),
    )


@dataclass(frozen=True, slots=True)
class JoinModel:
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5  # joins at this probability (chosen with the weights)

    def probability(self, score: Score) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features(score), strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


@cache
def load(name: str) -> JoinModel:
    """The weights shipped as ``newsstream/data/models/<name>.json``."""
    raw = resources.files("newsstream.data").joinpath("models", f"{name}.json").read_bytes()
    data = orjson.loads(raw)
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"model {name!r} was trained on other features: {data['features']}")
    weights = tuple(float(w) for w in data["weights"])
    return JoinModel(weights, float(data["bias"]), float(data.get("threshold", 0.5)))
