"""The timeline scorer: what counts as a true, a false and a missing event."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest

from newsstream.evaluation.timelines import (
    GoldEvent,
    _why_not,
    evaluate_timelines,
    same_name,
    timelines_path,
)
from newsstream.models import StoryEvent

GOLD = GoldEvent("openai", "dismissal", "Sam Altman", "OpenAI", date(2023, 11, 17), ("a1",))


def emitted(**changes: object) -> StoryEvent:
    values: dict[str, object] = {
        "type": "dismissal",
        "actors": ["Sam Altman"],
        "organization": "OpenAI",
        "occurred_at": datetime(2023, 11, 17, tzinfo=UTC),
        "first_reported_at": datetime(2023, 11, 17, 21, tzinfo=UTC),
        "article_ids": ["a1"],
    }
    values.update(changes)
    return StoryEvent.model_validate(values)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Sam Altman", "Sam Altman", True),
        ("Altman", "Sam Altman", True),
        ("sam altman", "Sam Altman", True),
        ("Nordwerk AG", "Nordwerk", True),
        ("Jürgen Klopp", "Jurgen Klopp", True),
        ("Greg Brockman", "Sam Altman", False),
        ("Microsoft", "OpenAI", False),
        ("", "OpenAI", False),
    ],
)
def test_names_match_by_folded_words(a: str, b: str, same: bool) -> None:
    assert same_name(a, b) is same


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({}, None),
        ({"occurred_at": datetime(2023, 11, 18, 23, tzinfo=UTC)}, None),  # ±1 day
        ({"occurred_at": datetime(2023, 1, 1, tzinfo=UTC)}, "date"),  # a default date
        ({"organization": "Microsoft"}, "organisation"),
        ({"organization": None}, "organisation"),
        ({"actors": ["Sam Altman", "Greg Brockman"]}, "blended"),
        ({"actors": ["Mira Murati"]}, "actor"),
        ({"type": "hiring"}, "type"),
    ],
)
def test_an_emitted_event_is_true_only_when_type_actor_organisation_and_date_agree(
    changes: dict[str, object], why: str | None
) -> None:
    assert _why_not(emitted(**changes), GOLD) == why


def test_a_gold_event_without_organisation_accepts_any() -> None:
    gold = GoldEvent("s", "death", "Franz Beckenbauer", None, date(2024, 1, 7), ())
    event = emitted(type="death", actors=["Franz Beckenbauer"], organization="Bayern München",
                    occurred_at=datetime(2024, 1, 7, tzinfo=UTC))  # fmt: skip
    assert _why_not(event, gold) is None


def write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))


def test_a_replayed_stream_scores_true_false_and_missing_events(tmp_path: Path) -> None:
    stream = tmp_path / "mini.jsonl"
    write(stream, [
        {"id": "a1", "title": "OpenAI fires chief executive Sam Altman",
         "body": "The board of OpenAI fired chief executive Sam Altman on Friday.",
         "published_at": "2023-11-17T21:00:00+00:00", "source": "Harbor Ledger",
         "language": "en", "story": "openai"},
    ])  # fmt: skip
    write(timelines_path(stream), [
        {"story": "openai", "type": "dismissal", "actor": "Sam Altman",
         "organization": "OpenAI", "date": "2023-11-17", "articles": ["a1"]},
        {"story": "openai", "type": "appointment", "actor": "Mira Murati",
         "organization": "OpenAI", "date": "2023-11-17", "articles": ["a1"]},
    ])  # fmt: skip
    report = evaluate_timelines(stream)
    everything = report["scores"]["all"]
    assert everything["gold"] == 2 and everything["matched"] == 1
    assert everything["recall"] == 0.5
    assert [m["actor"] for m in report["missing"]] == ["Mira Murati"]
    assert everything["true"] == 1 and everything["emitted"] == 1 + len(report["false"])


def test_the_gold_timelines_of_every_labelled_stream_name_real_articles() -> None:
    data = Path(__file__).resolve().parents[1] / "data"
    for stream in [*data.glob("stories/*.jsonl"), *data.glob("streams/*.jsonl")]:
        if stream.name.endswith(".timelines.jsonl"):
            continue
        rows = [orjson.loads(line) for line in stream.read_bytes().splitlines() if line]
        story_of = {r["id"]: r["story"] for r in rows}
        for line in timelines_path(stream).read_bytes().splitlines():
            event = orjson.loads(line)
            assert all(story_of[a] == event["story"] for a in event["articles"]), event
