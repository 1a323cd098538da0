"""The CLI parses, then calls: replay, schemas and help work without a broker."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from newsstream.cli import app
from newsstream.models import StoryRecord

runner = CliRunner()

ROWS = [
    {
        "id": "1",
        "title": "OpenAI-Vorstand entlässt Sam Altman",
        "language": "de",
        "body": "Der Vorstand von OpenAI hat Sam Altman am Freitag entlassen.",
        "published_at": "2023-11-17T21:00:00+01:00",
        "source": "Tagespost",
        "story": "gold-a",
    },
    {
        "id": "2",
        "title": "Microsoft hires Sam Altman",
        "language": "en",
        "body": "Microsoft hired Sam Altman, days after the OpenAI board fired Sam Altman.",
        "published_at": "2023-11-20T09:00:00+00:00",
        "source": "Ledger",
        "story": "gold-a",
    },
    {
        "id": "3",
        "title": "Nordwind Logistik holt neue Chefin Helena Brandt",
        "language": "de",
        "body": "Die Nordwind Logistik AG hat Helena Brandt zur Vorstandschefin ernannt.",
        "published_at": "2023-11-20T10:00:00+00:00",
        "source": "Kurier",
        "story": "gold-b",
    },
]


def write_rows(path: Path, rows: list[dict[str, object]], extra: list[bytes] = ()) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows) + b"".join(extra))
    return path


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in (
        "demo",
        "worker",
        "broker",
        "produce",
        "stories",
        "replay",
        "schemas",
        "evaluate",
    ):
        assert command in result.output


def test_replay_writes_final_records(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "in.jsonl", ROWS, [b"{broken\n"])
    out = tmp_path / "stories.jsonl"
    result = runner.invoke(app, ["replay", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    records = [StoryRecord.model_validate_json(line) for line in out.read_bytes().splitlines()]
    groups = sorted(sorted(a.id for a in r.articles) for r in records if r.status != "merged")
    assert groups == [["1", "2"], ["3"]]
    assert "1 rejected" in result.output


def test_schemas_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schemas", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / "story.schema.json").exists()


def test_invalid_settings_are_reported(monkeypatch) -> None:
    monkeypatch.setenv("NEWSSTREAM_STORE", "redis://nope")
    result = runner.invoke(app, ["produce", "-"], input="")
    assert result.exit_code == 78  # EX_CONFIG (README, "Exit codes")
    assert "NEWSSTREAM_" in result.output


def test_replay_explains_every_decision(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "in.jsonl", ROWS, [])
    reasons = tmp_path / "why.jsonl"
    out = tmp_path / "stories.jsonl"
    result = runner.invoke(
        app, ["replay", str(source), "--out", str(out), "--explain", str(reasons)]
    )
    assert result.exit_code == 0, result.output
    lines = [orjson.loads(line) for line in reasons.read_bytes().splitlines()]
    assert [line["article"] for line in lines] == [row["id"] for row in ROWS]
    assert lines[0]["decision"] == "created" and lines[0]["candidates"] == []
    joined = [line for line in lines if line["decision"] == "joined"]
    assert joined and all(c["why"] for line in joined for c in line["candidates"])


def test_replay_refuses_an_unknown_decision(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "in.jsonl", ROWS, [])
    result = runner.invoke(app, ["replay", str(source), "--decision", "coin-flip"])
    assert result.exit_code == 2
    assert "unknown story decision" in result.output
