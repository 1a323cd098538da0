"""A failing command prints one line and exits with its documented code (README)."""

from __future__ import annotations

import logging
from pathlib import Path

import orjson
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from newsstream.cli import app
from newsstream.cli_errors import ExitCode, exit_code_of, settings_problem
from newsstream.errors import (
    BrokerUnavailable,
    ConfigError,
    InputDataError,
    InputFileError,
    NewsstreamError,
    UnknownTopic,
)
from newsstream.log_summary import RepeatSummary
from newsstream.settings import Settings

runner = CliRunner()


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (InputFileError("x"), 66),
        (InputDataError("x"), 65),
        (ConfigError("x"), 78),
        (BrokerUnavailable("x"), 69),
        (UnknownTopic("t", reading=True), 66),
        (UnknownTopic("t", reading=False), 73),
        (FileNotFoundError(2, "No such file", "/x"), 66),
        (NewsstreamError("x"), 1),
        (ZeroDivisionError("x"), 70),
    ],
)
def test_each_error_class_has_its_exit_code(exc: BaseException, code: int) -> None:
    assert exit_code_of(exc) == code


def test_replay_of_a_missing_file_says_so_in_one_line() -> None:
    result = runner.invoke(app, ["replay", "/nonexistent/articles.jsonl"])
    assert result.exit_code == ExitCode.NO_INPUT == 66
    line = one_line(result.output)
    assert (
        line == "newsstream replay: cannot read /nonexistent/articles.jsonl: no such file; "
        "check the path"
    )


def test_replay_of_a_directory_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["replay", str(tmp_path)])
    assert result.exit_code == 66
    assert "is a directory" in one_line(result.output)


@pytest.mark.parametrize("command", [["produce"], ["evaluate"], ["evaluate", "--extraction"]])
def test_other_commands_report_missing_files_the_same_way(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "/nonexistent/x.jsonl"])
    assert result.exit_code == 66
    assert "cannot read /nonexistent/x.jsonl: no such file" in one_line(result.output)


def test_debug_shows_the_exception_instead() -> None:
    result = runner.invoke(app, ["--debug", "replay", "/nonexistent/articles.jsonl"])
    assert isinstance(result.exception, InputFileError)
    assert "newsstream replay:" not in result.output


def test_evaluate_names_a_row_without_its_label(tmp_path: Path) -> None:
    path = tmp_path / "unlabelled.jsonl"
    row = {"id": "1", "title": "t", "published_at": "2023-11-17T21:00:00+01:00"}
    path.write_bytes(orjson.dumps(row) + b"\n")
    result = runner.invoke(app, ["evaluate", str(path)])
    assert result.exit_code == ExitCode.DATA == 65
    assert "without the field 'story'" in one_line(result.output)


def test_evaluate_names_a_line_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_bytes(b"{broken\n")
    result = runner.invoke(app, ["evaluate", str(path)])
    assert result.exit_code == 65
    assert "not JSON" in one_line(result.output)


def test_bad_settings_name_every_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSSTREAM_STORE", "redis://nope")
    monkeypatch.setenv("NEWSSTREAM_WEB_PORT", "99999")
    result = runner.invoke(app, ["stories"])
    assert result.exit_code == ExitCode.CONFIG == 78
    line = one_line(result.output)
    assert "NEWSSTREAM_STORE: store must be memory:// or rocksdb:// (got 'redis://nope')" in line
    assert "NEWSSTREAM_WEB_PORT: Input should be less than or equal to 65535" in line


def test_settings_problem_is_one_line_for_several_errors() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(partitions=0, cluster_key="desk")  # type: ignore[arg-type]
    message = str(settings_problem(info.value))
    assert "\n" not in message
    assert "NEWSSTREAM_PARTITIONS" in message and "NEWSSTREAM_CLUSTER_KEY" in message


def test_usage_errors_keep_click_exit_code_2() -> None:
    result = runner.invoke(app, ["replay"])
    assert result.exit_code == ExitCode.USAGE == 2


def test_an_unexpected_error_is_one_line_naming_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsstream.offline

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(newsstream.offline, "load_articles", broken)
    result = runner.invoke(app, ["replay", __file__])
    assert result.exit_code == ExitCode.SOFTWARE == 70
    assert "unexpected error ZeroDivisionError" in one_line(result.output)
    assert "--debug" in result.output


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def record(name: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)


def test_aiokafka_repeats_are_summarised_once_a_window() -> None:
    clock = FakeClock()
    summary = RepeatSummary(window_s=60, clock=clock)
    template = "Unable connect to %r: %s"
    passed = []
    for second in range(0, 130, 2):  # one attempt every 2 s for 130 s
        clock.now = second
        rec = record("aiokafka.conn", template, "127.0.0.1:1", "refused")
        if summary.filter(rec):
            passed.append(rec.getMessage())
    assert len(passed) == 3  # at 0 s, 60 s and 120 s
    assert passed[0] == "Unable connect to '127.0.0.1:1': refused"
    assert passed[1].endswith("(and 29 more like it in the last 60 s)")


def test_our_own_log_lines_are_never_summarised() -> None:
    summary = RepeatSummary(window_s=60, clock=FakeClock())
    rec = record("newsstream.stream.app", "offsets %d..%d never reached", 1, 2)
    assert all(summary.filter(rec) for _ in range(5))
