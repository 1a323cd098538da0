"""Options and helpers shared by the ``newsstream`` commands and ``newsstream dlq``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console

from newsstream.cli_errors import settings_problem
from newsstream.settings import Settings

if TYPE_CHECKING:
    from newsstream.core.stories.engine import EngineConfig

TimeoutOption = Annotated[
    float | None,
    typer.Option(
        min=0.0,
        help="Seconds to wait for the broker before giving up with exit code 69 "
        "(default: NEWSSTREAM_CONNECT_TIMEOUT_S, 30).",
    ),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress output (errors still print).")
]

_err = Console(stderr=True)


def load_settings(timeout: float | None = None) -> Settings:
    """``Settings()`` from the environment; ``ConfigError`` (exit 78) if they do not validate."""
    try:
        settings = Settings()
    except ValidationError as exc:
        raise settings_problem(exc) from exc
    if timeout is not None:
        settings = settings.model_copy(update={"connect_timeout_s": timeout})
    return settings


def on_wait(quiet: bool) -> Callable[[str], None] | None:
    """Where a one-shot command says that it is waiting for the broker (stderr)."""
    if quiet:
        return None
    return lambda line: _err.print(f"newsstream: {line}", highlight=False, markup=False)


DecisionOption = Annotated[
    str,
    typer.Option(
        "--decision",
        help="How an article joins a story: 'rules' (hand-set) or 'model' (learned weights).",
    ),
]


def engine_config(decision: str, **fields: Any) -> EngineConfig:
    """The story engine's config for ``--decision`` (a usage error when unknown)."""
    from newsstream.core.stories.engine import EngineConfig

    try:
        return EngineConfig.for_decision(decision, **fields)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--decision") from exc
