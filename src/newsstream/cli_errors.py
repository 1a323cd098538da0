"""What a failed command tells its user: one line on stderr and a documented exit code.

Every ``newsstream`` command runs inside ``ErrorReportingGroup.invoke``: a
``NewsstreamError`` (or a file the command could not open) becomes one line,
``newsstream <command>: <what failed>; <what to do>``, and the exit code of
its class below (BSD ``sysexits.h`` numbers, listed in the README). With
``newsstream --debug <command>`` the exception propagates with its traceback.
"""

from __future__ import annotations

import errno
import sys
from enum import IntEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from newsstream.errors import (
    BrokerError,
    BrokerUnavailable,
    ConfigError,
    InputDataError,
    InputFileError,
    NewsstreamError,
    UnknownTopic,
)


class ExitCode(IntEnum):
    """Exit codes of ``newsstream`` commands (README, "Exit codes")."""

    OK = 0
    FAILED = 1  # the command ran and reports a failure (e.g. demo stories missing)
    USAGE = 2  # unknown option, missing argument (click's own code)
    DATA = 65  # EX_DATAERR: the input was read but is not valid for the command
    NO_INPUT = 66  # EX_NOINPUT: input file or topic to read does not exist / is unreadable
    UNAVAILABLE = 69  # EX_UNAVAILABLE: no broker answered within --timeout
    SOFTWARE = 70  # EX_SOFTWARE: a bug; the message says so (traceback with --debug)
    CANT_CREATE = 73  # EX_CANTCREAT: topic to write to does not exist
    TEMPFAIL = 75  # EX_TEMPFAIL: the worker lost a send; restart it (nothing was acknowledged)
    CONFIG = 78  # EX_CONFIG: NEWSSTREAM_* settings do not validate


def exit_code_of(exc: BaseException) -> ExitCode:
    """The exit code a command ends with when ``exc`` escapes it."""
    if isinstance(exc, UnknownTopic):
        return ExitCode.NO_INPUT if exc.reading else ExitCode.CANT_CREATE
    if isinstance(exc, InputFileError):
        return ExitCode.NO_INPUT
    if isinstance(exc, InputDataError):
        return ExitCode.DATA
    if isinstance(exc, ConfigError):
        return ExitCode.CONFIG
    if isinstance(exc, BrokerUnavailable):
        return ExitCode.UNAVAILABLE
    if isinstance(exc, OSError) and exc.filename is not None:
        return ExitCode.NO_INPUT
    if isinstance(exc, BrokerError | NewsstreamError):
        return ExitCode.FAILED
    return ExitCode.SOFTWARE


def message_of(exc: BaseException) -> str:
    """One line for the user."""
    if isinstance(exc, OSError) and exc.filename is not None:
        return file_problem(Path(str(exc.filename)), exc)
    if isinstance(exc, NewsstreamError):
        return " ".join(str(exc).split())
    return (
        f"unexpected error {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
        "(a bug: run again with --debug for the traceback and report it)"
    )


def file_problem(path: Path, exc: OSError) -> str:
    """``cannot read FILE: <reason>`` for the OSErrors of opening an input file."""
    reasons = {
        errno.ENOENT: "no such file; check the path",
        errno.EACCES: "permission denied; check the file's permissions",
        errno.EISDIR: "it is a directory; give a JSONL file",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return f"cannot read {path}: {reason}"


def read_input(path: Path) -> bytes:
    """The bytes of an input file, or ``InputFileError`` with a readable reason."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(file_problem(path, exc)) from exc


def check_input(path: Path) -> Path:
    """``path`` when it is a readable file (commands that open it later, lazily)."""
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InputFileError(file_problem(path, exc)) from exc
    return path


def settings_problem(exc: ValidationError) -> ConfigError:
    """One line naming every invalid ``NEWSSTREAM_*`` variable and what it must be."""
    parts = []
    for error in exc.errors():
        field = "_".join(str(p) for p in error["loc"]).upper() or "?"
        value = error.get("input")
        shown = f" (got {str(value)[:60]!r})" if isinstance(value, str | int | float) else ""
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"NEWSSTREAM_{field}: {message}{shown}")
    return ConfigError(
        "invalid settings: " + "; ".join(parts) + "; fix or unset the environment variable"
    )


def fail(command: str, exc: BaseException) -> NoReturn:
    """Print the one line and exit with the code of ``exc``."""
    typer.echo(f"newsstream {command}: {message_of(exc)}", err=True)
    sys.exit(int(exit_code_of(exc)))


class ErrorReportingGroup(TyperGroup):
    """The root command group: turns escaping errors into one line and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # exit codes, usage errors (2) and aborts are typer's own
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            if ctx.find_root().params.get("debug"):
                raise
            fail(_command_path(ctx), exc)


def _command_path(ctx: Any) -> str:
    """``produce`` or ``dlq replay``: the command the user typed, without the program."""
    words = []
    parent = ctx
    while parent.parent is not None:
        words.insert(0, parent.info_name or "")
        parent = parent.parent
    return " ".join([*words, ctx.invoked_subcommand or ""]).strip()
