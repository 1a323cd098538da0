"""Train the learned join decision (``core.stories.join_model``) from labelled streams.

For every article of a labelled stream, the engine scores its candidate stories
as it would online; the training replay then places the article where its gold
label says (*teacher forcing*), so that every article is scored against the
stories as they truly are. Each (article, candidate story) pair is one example:
the features of its ``Score`` and whether the candidate is the article's story.
A logistic regression (scikit-learn; only this command needs it) fits them; the
weights are written as JSON into the package.

    python -m newsstream.evaluation.join_training \\
        tests/data/streams/dev.jsonl tests/data/streams/test.jsonl tests/data/stories/dev.jsonl \\
        --out src/newsstream/data/models/story_join.json

``--folds`` instead reports, for each file, the B-cubed scores of rules and
model when the model is trained on the other files only.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from newsstream.core.extraction import extract
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import EngineConfig, Incoming, Outcome, StoryEngine
from newsstream.core.stories.join_model import FEATURES, features
from newsstream.core.stories.matching import Score
from newsstream.core.stories.state import Story
from newsstream.evaluation.stories import evaluate_stories, load_labelled
from newsstream.models import Article

Example = tuple[tuple[float, ...], int]
SYNTHETIC_SEED = 11


class _TeacherForced(StoryEngine):
    """An engine that scores candidates as usual and then follows the gold labels."""

    def __init__(self, gold: dict[str, str], config: EngineConfig) -> None:
        super().__init__(DictStore(), config)
        self.gold = gold
        self.label_of: dict[str, str] = {}  # story id → gold label
        self.story_of: dict[str, str] = {}  # gold label → story id
        self.examples: list[Example] = []

    def _decide_place(
        self,
        incoming: Incoming,
        home: Story | None,
        stories: dict[str, Story],
        banded: set[str],
        by_score: list[tuple[str, Score]],
    ) -> Outcome:
        label = self.gold[incoming.article.id]
        for sid, found in by_score:
            self.examples.append((features(found), int(self.label_of.get(sid) == label)))
        target = self.story_of.get(label)
        story = self._load(target) if target is not None else None
        if story is not None and story["n"]:
            return self._join(incoming, story, "joined")
        outcome = self._create(incoming, corrected=home is not None)
        assert outcome.story_id is not None
        self.label_of[outcome.story_id] = label
        self.story_of[label] = outcome.story_id
        return outcome


def examples(path: Path, config: EngineConfig | None = None) -> list[Example]:
    """The (features, joins) examples of one labelled stream."""
    rows = [(article, label) for article, label, _ in load_labelled(path)]
    return _examples(rows, config)


def synthetic_examples(count: int, config: EngineConfig | None = None) -> list[Example]:
    """Examples from the benchmark generator (its story seed is the label), on a seed
    and article size other than the ``synthetic_truth`` benchmark's."""
    from newsstream.benchmarks.synthetic import generate_articles
    from newsstream.benchmarks.synthetic_truth import seed_of

    rows = generate_articles(count, seed=SYNTHETIC_SEED, size=1500)
    return _examples([(Article.model_validate(row), seed_of(row)) for row in rows], config)


def _examples(rows: list[tuple[Article, str]], config: EngineConfig | None) -> list[Example]:
    engine = _TeacherForced({a.id: label for a, label in rows}, config or EngineConfig())
    for article, _ in rows:
        engine.process(article, extract(article))
    return engine.examples


def fit(found: list[Example], threshold: float = 0.5) -> dict[str, Any]:
    """Logistic regression (L2, balanced classes) on the examples."""
    from sklearn.linear_model import LogisticRegression  # training only

    xs = [x for x, _ in found]
    ys = [y for _, y in found]
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    model.fit(xs, ys)
    return {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "threshold": threshold,
        "examples": len(found),
        "positives": sum(ys),
    }


def _write(data: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def _bcubed(path: Path, config: EngineConfig) -> str:
    found = evaluate_stories(path, config)["bcubed"]
    return f"P {found['precision']:.3f} R {found['recall']:.3f} F1 {found['f1']:.3f}"


def folds(
    paths: list[Path],
    out_dir: Path,
    thresholds: tuple[float, ...] = (0.5,),
    synthetic: list[Example] = (),
) -> None:
    """Leave one file out: rules vs the model trained on the others, per file."""
    per_file = {path: examples(path) for path in paths}
    base = EngineConfig()
    for held in paths:
        trained = [e for p, found in per_file.items() if p != held for e in found]
        trained += synthetic
        name = f"fold-{held.stem}-{hashlib.sha1(str(held).encode()).hexdigest()[:6]}"
        _write(fit(trained), out_dir / f"{name}.json")
        print(f"{held}: rules {_bcubed(held, base)}")
        for threshold in thresholds:
            model = replace(base, match=replace(base.match, model=name, model_threshold=threshold))
            print(f"    model at {threshold}: {_bcubed(held, model)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--folds", action="store_true")
    parser.add_argument("--thresholds", type=float, nargs="*", default=[0.5])
    parser.add_argument("--threshold", type=float, default=0.5, help="written with the weights")
    parser.add_argument("--synthetic", type=int, default=0, help="synthetic articles to add")
    args = parser.parse_args(argv)
    if args.folds:
        out_dir = Path(__file__).resolve().parent.parent / "data" / "models"
        extra = synthetic_examples(args.synthetic) if args.synthetic else []
        folds(args.files, out_dir, tuple(args.thresholds), extra)
        return
    found = [e for path in args.files for e in examples(path)]
    if args.synthetic:
        found += synthetic_examples(args.synthetic)
    data = fit(found, args.threshold)
    data["trained_on"] = [str(p) for p in args.files]
    if args.synthetic:
        data["trained_on"].append(f"synthetic:{args.synthetic}:seed={SYNTHETIC_SEED}")
    if args.out is None:
        print(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        _write(data, args.out)


if __name__ == "__main__":
    main()
