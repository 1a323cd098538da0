"""JSON Schemas of the wire models, written to ``schemas/`` by ``newsstream schemas``."""

from __future__ import annotations

import json
from pathlib import Path

from newsstream.dlq import DlqHeaders
from newsstream.models import Article, StoryRecord

SCHEMAS = {
    "article.schema.json": Article,
    "story.schema.json": StoryRecord,
    "dlq-headers.schema.json": DlqHeaders,
}


def schema_documents() -> dict[str, str]:
    """File name → schema text (stable formatting, trailing newline)."""
    docs = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://newsstream.dev/schemas/{name}"
        docs[name] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return docs


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_documents().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
