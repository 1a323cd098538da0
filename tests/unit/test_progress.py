"""Long commands show a bar on a terminal, plain lines elsewhere, nothing with --quiet."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from newsstream.cli import app
from newsstream.progress import Lines, tracked, tracking

SAMPLE = (
    Path(__file__).resolve().parents[2] / "src" / "newsstream" / "data" / "sample_articles.jsonl"
)
STORIES = Path(__file__).resolve().parents[1] / "data" / "stories" / "dev.jsonl"
runner = CliRunner()


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_are_written_every_few_seconds_and_at_the_end() -> None:
    clock, out = FakeClock(), []
    lines = Lines("replay", "articles", out.append, every_s=5.0, clock=clock)
    lines.start(100)
    for _ in range(100):
        clock.now += 0.125  # 8 articles a second for 12.5 s
        lines.advance()
    lines.finish()
    assert out == [
        "replay: 40/100 articles, 8/s",
        "replay: 80/100 articles, 8/s",
        "replay: 100/100 articles, 8/s (done)",
    ]


def test_a_terminal_gets_a_bar_with_count_rate_and_eta() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120, color_system=None)
    with tracking("replay", "articles", console=console, terminal=True) as tracker:
        tracker.start(3)
        for _ in tracked(range(3), tracker):
            pass
    shown = buffer.getvalue()
    assert "replay" in shown and "3/3" in shown and "articles/s" in shown and "ETA" in shown


def test_quiet_shows_nothing() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True)
    with tracking("replay", "articles", console=console, quiet=True, terminal=True) as tracker:
        tracker.start(3)
        tracker.advance(3)
    assert buffer.getvalue() == ""


def test_replay_in_a_pipe_prints_a_final_progress_line() -> None:
    result = runner.invoke(app, ["replay", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "replay: 16/16 articles" in result.stderr
    assert "(done)" in result.stderr


def test_replay_quiet_prints_no_progress() -> None:
    result = runner.invoke(app, ["replay", str(SAMPLE), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "replay:" not in result.stderr
    assert "16 articles" in result.stderr  # the summary still prints


def test_evaluate_counts_the_labelled_rows() -> None:
    rows = sum(1 for line in STORIES.read_bytes().splitlines() if line.strip())
    result = runner.invoke(app, ["evaluate", str(STORIES)])
    assert result.exit_code == 0, result.output
    assert f"evaluate: {rows}/{rows} articles" in result.stderr
