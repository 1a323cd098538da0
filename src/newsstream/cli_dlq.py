"""``newsstream dlq``: inspect and replay the dead-letter topic.

Registered in ``newsstream.cli`` with ``app.add_typer(dlq_app, name="dlq")``.
Commands parse arguments, then call ``newsstream.dlq_tools``.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsstream.cli_errors import ErrorReportingGroup
from newsstream.cli_options import QuietOption, TimeoutOption, load_settings, on_wait
from newsstream.dlq_tools import DlqReport, inspect_dlq, replay_dlq
from newsstream.errors import NewsstreamError
from newsstream.progress import tracking
from newsstream.stream.reach import ready_for

dlq_app = typer.Typer(
    help="Inspect the dead-letter topic and replay its records after a fix.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=ErrorReportingGroup,
)
console = Console()
err_console = Console(stderr=True)

IdleOption = Annotated[
    float, typer.Option(help="Stop reading after this many seconds without a record.")
]


def report_table(report: DlqReport) -> Table:
    """Reasons with counts, then a few samples of each."""
    table = Table(title=f"{report.topic}: {report.total} dead letters", show_lines=True)
    table.add_column("reason", style="bold red")
    table.add_column("count", justify="right")
    table.add_column("partition/offset")
    table.add_column("key")
    table.add_column("stage / error")
    table.add_column("value (first bytes)", overflow="fold")
    for summary in report.by_count():
        first = True
        for s in summary.samples or [None]:
            if s is None:
                table.add_row(Text(summary.reason), str(summary.count), "", "", "", "")
                continue
            # Keys, messages and payloads are untrusted text: never parse them as markup.
            table.add_row(
                Text(summary.reason) if first else "",
                str(summary.count) if first else "",
                f"{s.partition}/{s.offset}",
                Text(s.key if s.key is not None else "(null)"),
                Text(f"{s.stage or '?'}: {s.exception_class or '?'}\n{s.message[:300]}"),
                Text(s.value_head[:120]),
            )
            first = False
    return table


@dlq_app.command("inspect")
def inspect_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report.")] = False,
    samples: Annotated[int, typer.Option(min=0, help="Samples per reason.")] = 3,
    idle_timeout: IdleOption = 2.0,
    timeout: TimeoutOption = None,
) -> None:
    """Count dead letters by reason and show a few samples of each."""
    settings = load_settings(timeout)
    asyncio.run(ready_for(settings, read=[settings.dlq_topic], on_wait=on_wait(as_json)))
    try:
        report = asyncio.run(
            inspect_dlq(settings, limit_samples=samples, idle_timeout=idle_timeout)
        )
    except NewsstreamError as exc:
        err_console.print(f"[red]dlq inspect failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    if as_json:
        sys.stdout.write(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode())
        sys.stdout.write("\n")
    elif report.total == 0:
        console.print(f"{report.topic}: no dead letters")
    else:
        console.print(report_table(report))


@dlq_app.command("replay")
def replay_cmd(
    reason: Annotated[
        list[str] | None,
        typer.Option("--reason", help="Only this reason (repeatable). Default: every reason."),
    ] = None,
    topic: Annotated[
        str | None, typer.Option(help="Target topic (default: NEWSSTREAM_INPUT_TOPIC).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    idle_timeout: IdleOption = 2.0,
    timeout: TimeoutOption = None,
    quiet: QuietOption = False,
) -> None:
    """Re-send dead letters (original key and bytes) to the input topic after a fix."""
    settings = load_settings(timeout)
    reasons = set(reason) if reason else None
    target = topic or settings.input_topic
    asyncio.run(
        ready_for(settings, read=[settings.dlq_topic], write=[target], on_wait=on_wait(quiet))
    )
    try:
        if not yes:
            report = asyncio.run(inspect_dlq(settings, limit_samples=0, idle_timeout=idle_timeout))
            counts = report.counts()
            chosen = {r: n for r, n in counts.items() if reasons is None or r in reasons}
            if not chosen:
                err_console.print("nothing to replay")
                return
            listing = ", ".join(f"{r}={n}" for r, n in chosen.items())
            typer.confirm(
                f"replay {sum(chosen.values())} records ({listing}) from "
                f"{settings.dlq_topic} to {target}?",
                abort=True,
            )
        with tracking("dlq replay", "records", quiet=quiet, console=err_console) as tracker:
            sent = asyncio.run(
                replay_dlq(
                    settings,
                    reasons=reasons,
                    target_topic=target,
                    idle_timeout=idle_timeout,
                    tracker=tracker,
                )
            )
    except NewsstreamError as exc:
        err_console.print(f"[red]dlq replay failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    err_console.print(f"replayed {sent} records from {settings.dlq_topic} to {target}")
