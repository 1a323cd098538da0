"""``newsstream``: one entry point. Commands parse arguments, then call a function."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import orjson
import typer
from pydantic import ValidationError
from rich.console import Console

from newsstream.cli_dlq import dlq_app
from newsstream.errors import NewsstreamError
from newsstream.settings import Settings

app = typer.Typer(
    name="newsstream",
    help="Newsroom event-stream processor: articles in, consolidated story records out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(dlq_app, name="dlq")
console = Console()
err_console = Console(stderr=True)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        err_console.print(f"[red]invalid NEWSSTREAM_* settings:[/red]\n{exc}")
        raise typer.Exit(2) from exc


def _setup_logging(settings: Settings) -> None:
    from newsstream.logs import configure_logging

    configure_logging(settings.log_level, json_logs=settings.log_json)


@app.command()
def demo(
    timeout: Annotated[float, typer.Option(help="Seconds to wait for all stories.")] = 90.0,
) -> None:
    """Start an embedded broker and a worker, feed the sample articles, print the stories."""
    from newsstream.demo import run_demo

    try:
        code = run_demo(console, timeout=timeout)
    except NewsstreamError as exc:
        err_console.print(f"[red]demo failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    raise typer.Exit(code)


@app.command()
def worker() -> None:
    """Run a stream worker (configured by NEWSSTREAM_* variables) in the foreground."""
    settings = _settings()
    _setup_logging(settings)
    from newsstream.stream.worker import run_worker

    try:
        run_worker(settings)
    except NewsstreamError as exc:
        err_console.print(f"[red]worker failed:[/red] {exc}")
        raise typer.Exit(1) from exc


@app.command()
def broker(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 = a free one).")] = 9092,
) -> None:
    """Run the embedded Kafka-compatible broker (Tansu, in memory) in the foreground."""
    from newsstream.broker import EmbeddedBroker

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        with EmbeddedBroker(port=port or None) as running:
            console.print(f"embedded broker listening: NEWSSTREAM_BROKER={running.url}")
            console.print("in-memory storage: everything is lost when it stops. Ctrl-C to stop.")
            while not stop.wait(0.5):
                if not running.running:
                    err_console.print("[red]broker process exited[/red]")
                    raise typer.Exit(1)
    except NewsstreamError as exc:
        err_console.print(f"[red]broker failed:[/red] {exc}")
        raise typer.Exit(1) from exc


@app.command()
def produce(
    file: Annotated[str, typer.Argument(help="JSONL file of articles, or - for stdin.")],
    topic: Annotated[str | None, typer.Option(help="Topic (default: input topic).")] = None,
) -> None:
    """Send articles (one JSON object per line) to the input topic, keyed by article id."""
    settings = _settings()
    data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    try:
        sent = asyncio.run(produce_lines_cli(settings, data.splitlines(), topic))
    except NewsstreamError as exc:
        err_console.print(f"[red]produce failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    err_console.print(f"sent {sent} records to {topic or settings.input_topic}")


async def produce_lines_cli(settings: Settings, lines: list[bytes], topic: str | None) -> int:
    from newsstream.stream.client import produce_lines

    return await produce_lines(settings, lines, topic)


@app.command()
def stories(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON record per line.")] = False,
    from_beginning: Annotated[bool, typer.Option(help="Start at the oldest record.")] = True,
    idle_timeout: Annotated[
        float | None, typer.Option(help="Stop after this many idle seconds (default: follow).")
    ] = None,
) -> None:
    """Follow the story topic: one line per record, or --json for machines."""
    from newsstream.models import StoryRecord
    from newsstream.render import story_line
    from newsstream.stream.client import follow

    settings = _settings()

    async def run() -> None:
        async for rec in follow(
            settings,
            settings.output_topic,
            from_beginning=from_beginning,
            idle_timeout=idle_timeout,
        ):
            if rec.value is None:
                continue
            if as_json:
                sys.stdout.write(rec.value.decode() + "\n")
                sys.stdout.flush()
            else:
                console.print(
                    story_line(StoryRecord.model_validate_json(rec.value)), highlight=False
                )

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    except NewsstreamError as exc:
        err_console.print(f"[red]stories failed:[/red] {exc}")
        raise typer.Exit(1) from exc


@app.command()
def replay(
    input_file: Annotated[Path, typer.Argument(help="Article JSONL (extra fields ignored).")],
    out: Annotated[Path | None, typer.Option(help="Write final records as JSONL here.")] = None,
    pretty: Annotated[bool, typer.Option(help="Print the stories readably.")] = False,
) -> None:
    """Offline: run articles through the same core as the worker; final story records out."""
    from newsstream.core.pipeline import final_story_order
    from newsstream.offline import load_articles, replay_file
    from newsstream.render import print_stories

    articles, rejected = load_articles(input_file)
    final = replay_file(articles)
    ordered = final_story_order(final.values(), include_merged=True)
    lines = b"".join(orjson.dumps(r.model_dump(mode="json")) + b"\n" for r in ordered)
    if out is not None:
        out.write_bytes(lines)
    elif not pretty:
        sys.stdout.buffer.write(lines)
    if pretty:
        print_stories([r for r in ordered if r.status != "merged"], console)
    live = sum(1 for r in ordered if r.status != "merged")
    err_console.print(
        f"{len(articles)} articles → {live} stories ({len(ordered) - live} merged); "
        f"{len(rejected)} rejected lines"
    )
    for line_no, reason in rejected[:10]:
        err_console.print(f"  line {line_no}: {reason}")


@app.command()
def evaluate(
    input_file: Annotated[
        Path,
        typer.Argument(
            help="Labelled JSONL: gold 'story' per row, or extraction gold with --extraction."
        ),
    ],
    extraction: Annotated[bool, typer.Option("--extraction", help="Evaluate extraction.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Measure quality on labelled data: B-cubed and pairwise P/R/F1, or extraction P/R/F1."""
    if extraction:
        from newsstream.evaluation.extraction import evaluate_extraction, render_extraction_report

        report = evaluate_extraction(input_file)
        text = render_extraction_report(report)
    else:
        from newsstream.evaluation.stories import evaluate_stories, render_story_report

        report = evaluate_stories(input_file)
        text = render_story_report(report)
    if as_json:
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        console.print(text, highlight=False)


@app.command()
def schemas(
    out_dir: Annotated[Path, typer.Option(help="Directory to write to.")] = Path("schemas"),
) -> None:
    """Write the JSON Schemas of Article, StoryRecord and the DLQ headers."""
    from newsstream.schemas import write_schemas

    for path in write_schemas(out_dir):
        console.print(f"wrote {path}")


@app.command()
def bench(
    articles: Annotated[int, typer.Option(help="Synthetic articles per round.")] = 5000,
    rounds: Annotated[int, typer.Option(help="Rounds; medians are reported.")] = 3,
    rate: Annotated[float, typer.Option(help="Steady rate (articles/s) for latency.")] = 500.0,
    latency_seconds: Annotated[float, typer.Option(help="Length of the latency run.")] = 10.0,
    scaling: Annotated[bool, typer.Option(help="Also run 1 vs 2 workers on 4 partitions.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    broker: Annotated[
        str, typer.Option(help="embedded (Tansu) or kafka (Apache Kafka, after `make kafka`).")
    ] = "embedded",
) -> None:
    """Benchmark: pipeline vs raw Faust passthrough on one broker, and the core."""
    from newsstream.benchmarks.pipeline import BROKER_FACTS, BenchConfig, run_bench

    if broker not in BROKER_FACTS:
        raise typer.BadParameter(f"--broker must be one of {', '.join(BROKER_FACTS)}")

    config = BenchConfig(
        articles=articles,
        rounds=rounds,
        latency_rate=rate,
        latency_seconds=latency_seconds,
        scaling=scaling,
        broker=broker,
    )
    result = run_bench(config, log=lambda line: err_console.print(line, highlight=False))
    summary = result.summary()
    if as_json:
        sys.stdout.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    for key, value in summary.items():
        if key not in ("runs", "machine"):
            console.print(f"{key:32} {value}", highlight=False)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    app()


if __name__ == "__main__":
    main()
