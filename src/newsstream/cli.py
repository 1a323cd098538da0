"""``newsstream``: one entry point. Commands parse arguments, then call a function."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from newsstream.cli_dlq import dlq_app
from newsstream.cli_errors import ErrorReportingGroup, check_input, read_input
from newsstream.cli_options import (
    DecisionOption,
    QuietOption,
    TimeoutOption,
    engine_config,
    load_settings,
    on_wait,
)
from newsstream.core.stories.join_model import DEFAULT_DECISION
from newsstream.errors import NewsstreamError
from newsstream.log_summary import summarise_noise
from newsstream.progress import tracking
from newsstream.settings import Settings

app = typer.Typer(
    name="newsstream",
    help="Newsroom event-stream processor: articles in, consolidated story records out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=ErrorReportingGroup,
)
app.add_typer(dlq_app, name="dlq")
console = Console()
err_console = Console(stderr=True)


@app.callback()
def root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback when a command fails.")
    ] = False,
) -> None:
    """Newsroom event-stream processor: articles in, consolidated story records out.

    A failing command prints one line and exits with a documented code (README,
    "Exit codes"); --debug shows the traceback instead.
    """


def _settings(timeout: float | None = None) -> Settings:
    return load_settings(timeout)


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
def worker(
    timeout: Annotated[
        float | None,
        typer.Option(
            help="Give up when no broker answered for this many seconds "
            "(default: wait until one does)."
        ),
    ] = None,
) -> None:
    """Run a stream worker (configured by NEWSSTREAM_* variables) in the foreground."""
    settings = _settings()
    _setup_logging(settings)
    from newsstream.stream.reach import wait_for_broker
    from newsstream.stream.worker import run_worker

    waiting = logging.getLogger("newsstream.worker").warning
    asyncio.run(wait_for_broker(settings, timeout, on_wait=waiting))

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
    timeout: TimeoutOption = None,
    quiet: QuietOption = False,
) -> None:
    """Send articles (one JSON object per line) to the input topic, keyed by article id."""
    settings = _settings(timeout)
    data = sys.stdin.buffer.read() if file == "-" else read_input(Path(file))
    lines = [line for line in data.splitlines() if line.strip()]
    target = topic or settings.input_topic
    sent = asyncio.run(produce_lines_cli(settings, lines, target, quiet=quiet))
    err_console.print(f"sent {sent} records to {target}", highlight=False)


async def produce_lines_cli(
    settings: Settings, lines: list[bytes], topic: str, *, quiet: bool = False
) -> int:
    from newsstream.stream.client import produce_lines
    from newsstream.stream.reach import ready_for

    await ready_for(settings, write=[topic], on_wait=on_wait(quiet))
    with tracking("produce", "records", quiet=quiet, console=err_console) as tracker:
        tracker.start(len(lines))
        return await produce_lines(settings, lines, topic, tracker=tracker)


@app.command()
def stories(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON record per line.")] = False,
    from_beginning: Annotated[bool, typer.Option(help="Start at the oldest record.")] = True,
    idle_timeout: Annotated[
        float | None, typer.Option(help="Stop after this many idle seconds (default: follow).")
    ] = None,
    timeout: TimeoutOption = None,
    web: Annotated[
        bool, typer.Option("--web", help="Serve the live story page instead of printing.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port of the story page with --web.")] = 6067,
    host: Annotated[str, typer.Option(help="Bind address of the story page with --web.")] = (
        "127.0.0.1"
    ),
) -> None:
    """Follow the story topic: one line per record, --json for machines, --web for a page."""
    from newsstream.models import StoryRecord
    from newsstream.render import story_line
    from newsstream.stream.client import follow
    from newsstream.stream.reach import ready_for

    settings = _settings(timeout)
    if web:
        from newsstream.stream.story_server import serve_story_topic

        asyncio.run(ready_for(settings, read=[settings.output_topic], on_wait=on_wait(False)))
        serve_story_topic(settings, host=host, port=port, log=err_console.print)
        return

    async def run() -> None:
        await ready_for(settings, read=[settings.output_topic], on_wait=on_wait(as_json))
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

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


@app.command()
def replay(
    input_file: Annotated[Path, typer.Argument(help="Article JSONL (extra fields ignored).")],
    out: Annotated[Path | None, typer.Option(help="Write final records as JSONL here.")] = None,
    pretty: Annotated[bool, typer.Option(help="Print the stories readably.")] = False,
    explain: Annotated[
        Path | None,
        typer.Option(
            help="Write why each article went where it went (decision, best candidate "
            "stories with their scores, shared keys and features) as JSONL here."
        ),
    ] = None,
    decision: DecisionOption = DEFAULT_DECISION,
    quiet: QuietOption = False,
) -> None:
    """Offline: run articles through the same core as the worker; final story records out."""
    from newsstream.core.pipeline import final_story_order
    from newsstream.offline import load_articles, replay_file
    from newsstream.render import print_stories

    articles, rejected = load_articles(check_input(input_file))
    config = engine_config(decision, explain=explain is not None)
    reasons: list[dict[str, object]] = []
    with tracking("replay", "articles", quiet=quiet, console=err_console) as tracker:
        final = replay_file(articles, tracker, config, reasons)
    if explain is not None:
        explain.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in reasons))
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
    timeline: Annotated[
        bool,
        typer.Option(
            "--timeline", help="Score story timelines against NAME.timelines.jsonl beside FILE."
        ),
    ] = False,
    summary: Annotated[
        bool,
        typer.Option("--summary", help="Scores only, no list of errors (for a blind split)."),
    ] = False,
    gold: Annotated[
        Path | None,
        typer.Option(help="Gold timelines (default: NAME.timelines.jsonl beside FILE)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    decision: DecisionOption = DEFAULT_DECISION,
    quiet: QuietOption = False,
) -> None:
    """Measure quality on labelled data: B-cubed and pairwise P/R/F1, timeline P/R/F1
    (--timeline), or extraction P/R/F1 (--extraction)."""
    from newsstream.evaluation.labelled import labelled_rows_problem

    check_input(input_file)
    with (
        labelled_rows_problem(input_file),
        tracking("evaluate", "articles", quiet=quiet, console=err_console) as tracker,
    ):
        if extraction:
            from newsstream.evaluation.extraction import (
                evaluate_extraction,
                render_extraction_report,
            )

            report = evaluate_extraction(input_file, tracker)
            text = render_extraction_report(report)
        elif timeline:
            from newsstream.evaluation.timelines import (
                evaluate_timelines,
                render_timeline_report,
            )

            report = evaluate_timelines(
                input_file, gold, config=engine_config(decision), tracker=tracker
            )
            text = render_timeline_report(report, errors=not summary)
            if summary:
                report = {k: v for k, v in report.items() if k not in ("false", "missing")}
        else:
            from newsstream.evaluation.stories import evaluate_stories, render_story_report

            report = evaluate_stories(input_file, engine_config(decision), tracker=tracker)
            text = render_story_report(report)
            if summary:
                text = "\n".join(text.splitlines()[:5])
                report = {k: v for k, v in report.items() if k not in ("cases", "errors")}
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
    quiet: QuietOption = False,
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
    steps = config.rounds * (3 + (2 if scaling else 0)) + 2  # one log line per step
    with tracking("bench", "steps", quiet=quiet, console=err_console) as tracker:
        tracker.start(steps)

        def log(line: str) -> None:
            if not quiet:
                err_console.print(line, highlight=False)
            tracker.advance()

        result = run_bench(config, log=log)
    summary = result.summary()
    if as_json:
        sys.stdout.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    for key, value in summary.items():
        if key not in ("runs", "machine"):
            console.print(f"{key:32} {value}", highlight=False)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    for handler in logging.getLogger().handlers:
        summarise_noise(handler)
    app()


if __name__ == "__main__":
    main()
