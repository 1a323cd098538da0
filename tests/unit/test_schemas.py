"""schemas/ must match the models: regenerate with `newsstream schemas`."""

from __future__ import annotations

import json
from pathlib import Path

from newsstream.models import StoryRecord
from newsstream.schemas import schema_documents, write_schemas

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def test_schemas_directory_is_up_to_date() -> None:
    for name, text in schema_documents().items():
        path = SCHEMAS / name
        assert path.exists(), f"{path} missing: run `newsstream schemas`"
        assert path.read_text(encoding="utf-8") == text, (
            f"{name} is stale: run `newsstream schemas`"
        )


def test_write_schemas(tmp_path: Path) -> None:
    written = write_schemas(tmp_path)
    assert {p.name for p in written} == set(schema_documents())
    story = json.loads((tmp_path / "story.schema.json").read_text())
    contract = {
        "story_id",
        "version",
        "status",
        "merged_into",
        "merged_from",
        "headline",
        "summary",
        "languages",
        "first_published_at",
        "last_published_at",
        "updated_at",
        "entities",
        "events",
        "articles",
        "sources",
        "article_count",
        "duplicate_count",
    }
    assert contract <= set(story["properties"])
    assert contract <= set(StoryRecord.model_fields)
