"""``stream/faust_compat.py`` against the real Faust and aiokafka classes.

No fakes of the classes we patch or read: each test builds a real ``faust.App``
(its consumer, recovery, streams and messages are Faust's own objects; the broker
address is never contacted) and stubs at most the calls that would do network
I/O. A Faust or aiokafka upgrade that renames, re-signs or reorders what
``faust_compat`` relies on fails here.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.metadata
import inspect
import itertools
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiokafka
import faust
import pytest
from faust.events import Event
from faust.streams import Stream
from faust.tables.recovery import Recovery
from faust.transport.consumer import Consumer, ConsumerMessage
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.types import TP
from prometheus_client import CollectorRegistry

from newsstream.errors import IncompatibleLibrary
from newsstream.settings import Settings
from newsstream.stream import faust_compat
from newsstream.stream.faust_compat import (
    FAUST_FETCH_MAX_WAIT_MS,
    SUPPORTED,
    check_versions,
    committed_offset,
    held,
    parse_version,
    resume_after_recovery,
    rewind_uncommitted,
    set_fetch_max_wait,
)

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = TP("articles", 0)
_ids = itertools.count()


def new_app() -> faust.App:
    """A real Faust app that never connects (nothing here starts it)."""
    return faust.App(f"compat-{next(_ids)}", broker="kafka://127.0.0.1:1")


# ------------------------------------------------------------------ versions
def test_the_installed_faust_and_aiokafka_are_the_supported_ones() -> None:
    check_versions()
    assert parse_version(importlib.metadata.version("faust-streaming")) == (0, 15, 3)


@pytest.mark.parametrize(
    ("faust_version", "aiokafka_version", "package", "shown"),
    [
        ("0.16.0", "0.14.0", "faust-streaming", "0.16.0"),
        ("0.15.2", "0.14.0", "faust-streaming", "0.15.2"),
        ("0.15.3", "0.15.0", "aiokafka", "0.15.0"),
        ("0.15.3", "0.13.1", "aiokafka", "0.13.1"),
    ],
)
def test_another_version_is_refused_naming_installed_expected_and_where_to_look(
    faust_version: str, aiokafka_version: str, package: str, shown: str
) -> None:
    versions = {"faust-streaming": faust_version, "aiokafka": aiokafka_version}
    with pytest.raises(IncompatibleLibrary) as raised:
        check_versions(versions.__getitem__)
    err = raised.value
    assert (err.package, err.installed) == (package, shown)
    lowest, beyond = SUPPORTED[package]
    assert err.expected == f">={'.'.join(map(str, lowest))},<{'.'.join(map(str, beyond))}"
    message = str(err)
    assert shown in message and err.expected in message
    assert "newsstream.stream.faust_compat" in message and "test_faust_compat.py" in message


def test_a_missing_package_is_refused() -> None:
    def installed(package: str) -> str:
        raise importlib.metadata.PackageNotFoundError(package)

    with pytest.raises(IncompatibleLibrary, match="faust-streaming none is installed"):
        check_versions(installed)


def test_pre_releases_and_local_versions_parse_to_their_release() -> None:
    assert parse_version("0.15.3") == (0, 15, 3)
    assert parse_version("0.14") == (0, 14, 0)
    assert parse_version("0.15.4rc1") == (0, 15, 4)
    assert parse_version("0.14.0+local.7") == (0, 14, 0)


def test_the_worker_refuses_to_start_with_an_unsupported_faust(monkeypatch: Any) -> None:
    from newsstream.stream.app import create_app

    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda name: "0.16.1" if name == "faust-streaming" else real(name),
    )
    with pytest.raises(IncompatibleLibrary, match=r"faust-streaming 0\.16\.1 is installed"):
        create_app(Settings(), registry=CollectorRegistry())


def test_the_pyproject_pins_are_the_supported_range() -> None:
    """The pins and ``SUPPORTED`` move together: pip may not install what the worker refuses."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for spec in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", spec)
        assert name is not None
        pins[name.group(0)] = spec[name.end() :].replace(" ", "")
    assert pins["faust-streaming"] == "==0.15.3"
    assert SUPPORTED["faust-streaming"] == ((0, 15, 3), (0, 15, 4))
    assert pins["aiokafka"] == ">=0.14,<0.15"
    assert SUPPORTED["aiokafka"] == ((0, 14, 0), (0, 15, 0))


def test_no_other_module_uses_private_attributes_of_library_objects() -> None:
    """The fence: ``obj._name`` on anything but ``self``/``cls`` appears only in
    ``faust_compat`` (plus ``os._exit`` in the worker entry)."""
    found = []
    for path in sorted((ROOT / "src" / "newsstream").rglob("*.py")):
        if path.name == "faust_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute) or not node.attr.startswith("_"):
                continue
            if node.attr.startswith("__") or ast.unparse(node) == "os._exit":
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert found == []


# ------------------------------------------------------------ 1. recovery order
class RecoveryRun:
    """A real ``Recovery`` of a real app, whose network calls are stubbed on the
    instance: the assignment, the seek (recording whether the stream partition was
    already fetching) and the fetcher start. The app is built inside the event loop
    that runs the method (Faust's services bind to it)."""

    def __init__(self, seek_error: Exception | None = None) -> None:
        self.seek_error = seek_error
        self.fetching_at_seek: list[bool] = []
        self.on_seek: list[Any] = []

    def build(self) -> None:
        self.app = new_app()
        self.app.topic(ARTICLES.topic)
        self.recovery: Recovery = self.app.tables.recovery
        self.consumer: Consumer = self.app.consumer
        self.consumer.assignment = lambda: {ARTICLES}  # type: ignore[method-assign]
        self.consumer.perform_seek = self._seek  # type: ignore[method-assign]
        self.app._fetcher.maybe_start = self._fetcher_start  # type: ignore[method-assign]
        self.consumer.pause_partitions({ARTICLES})  # as during a rebalance

    def fetching(self) -> bool:
        consumer = self.consumer
        return ARTICLES in consumer._get_active_partitions() and (
            ARTICLES not in consumer._paused_partitions
        )

    async def _seek(self) -> None:
        self.fetching_at_seek.append(self.fetching())
        for hook in self.on_seek:
            hook()
        if self.seek_error is not None:
            raise self.seek_error

    async def _fetcher_start(self) -> None:
        return None

    def complete(self, method: Any) -> None:
        async def run() -> None:
            self.build()
            await asyncio.wait_for(method(self.recovery, self.app.consumer_generation_id), 20)

        asyncio.run(run())


@pytest.fixture
def wrapped() -> Iterator[Any]:
    resume_after_recovery()
    yield Recovery.on_recovery_completed


def test_faust_resumes_stream_partitions_before_its_seek(wrapped: Any) -> None:
    """The premise of the patch, on Faust's own method: if this fails, Faust changed the
    order and ``resume_after_recovery`` may no longer be needed (or no longer fit)."""
    original = wrapped.resumes_after
    assert original.__qualname__ == "Recovery.on_recovery_completed"
    assert list(inspect.signature(original).parameters) == ["self", "generation_id"]
    assert inspect.signature(original).parameters["generation_id"].default == 0
    run = RecoveryRun()
    run.complete(original)
    assert run.fetching_at_seek == [True]


def test_the_wrapper_resumes_stream_partitions_after_the_seek(wrapped: Any) -> None:
    run = RecoveryRun()
    run.complete(wrapped)
    assert run.fetching_at_seek == [False]  # paused while Faust seeks
    assert run.fetching()  # resumed once the method finished
    assert run.recovery.completed.is_set()
    assert "resume_partitions" not in vars(run.consumer)  # the real method is back


def test_a_newer_rebalance_resumes_nothing(wrapped: Any) -> None:
    run = RecoveryRun()
    run.on_seek.append(lambda: setattr(run.app, "consumer_generation_id", 99))
    run.complete(wrapped)
    assert run.fetching_at_seek == [False]
    assert not run.fetching()
    assert "resume_partitions" not in vars(run.consumer)


def test_a_failed_seek_resumes_nothing_and_restores_the_method(wrapped: Any) -> None:
    run = RecoveryRun(seek_error=RuntimeError("seek timed out"))
    with pytest.raises(RuntimeError, match="seek timed out"):
        run.complete(wrapped)
    assert not run.fetching()
    assert "resume_partitions" not in vars(run.consumer)


def test_the_recovery_wrapper_is_installed_once_on_faust_class(wrapped: Any) -> None:
    resume_after_recovery()
    assert Recovery.on_recovery_completed is wrapped
    assert inspect.iscoroutinefunction(wrapped)
    # the method the wrapper shadows is a plain method of Faust's consumer class
    assert list(inspect.signature(Consumer.resume_partitions).parameters) == ["self", "tps"]
    assert "resume_partitions" not in Consumer.__dict__.get("__slots__", ())


# ---------------------------------------------------------------- 2. fetch wait
def worker_consumer_wait(app: faust.App) -> int:
    """The fetch wait of the aiokafka consumer Faust's worker consumer thread creates."""

    async def build() -> int:
        thread = app.consumer._thread
        assert isinstance(thread, AIOKafkaConsumerThread)
        consumer = thread._create_worker_consumer(app.transport)
        assert isinstance(consumer, aiokafka.AIOKafkaConsumer)
        try:
            return consumer._fetch_max_wait_ms
        finally:
            await consumer.stop()

    return asyncio.run(build())


def test_faust_hard_codes_its_fetch_wait() -> None:
    """An app that was not given a wait gets Faust's own value (with or without the
    wrapper installed): if Faust changes it, ``FAUST_FETCH_MAX_WAIT_MS`` must follow."""
    assert worker_consumer_wait(new_app()) == FAUST_FETCH_MAX_WAIT_MS
    create = AIOKafkaConsumerThread._create_worker_consumer
    original = getattr(create, "sets_fetch_wait", create)
    assert original.__qualname__ == "AIOKafkaConsumerThread._create_worker_consumer"
    assert list(inspect.signature(original).parameters) == ["self", "transport"]
    assert f"fetch_max_wait_ms={FAUST_FETCH_MAX_WAIT_MS}" in inspect.getsource(original)


def test_an_app_given_a_wait_gets_it_and_other_apps_keep_fausts() -> None:
    app, other = new_app(), new_app()
    assert set_fetch_max_wait(app, 42) is True
    assert worker_consumer_wait(app) == 42
    assert worker_consumer_wait(other) == FAUST_FETCH_MAX_WAIT_MS
    assert hasattr(AIOKafkaConsumerThread._create_worker_consumer, "sets_fetch_wait")


def test_fausts_own_value_changes_nothing() -> None:
    app = new_app()
    assert set_fetch_max_wait(app, 42) is True
    assert set_fetch_max_wait(app, FAUST_FETCH_MAX_WAIT_MS) is False
    assert worker_consumer_wait(app) == FAUST_FETCH_MAX_WAIT_MS


def test_the_pipeline_app_gets_the_configured_wait() -> None:
    from newsstream.stream.app import create_app

    pipeline = create_app(Settings(fetch_max_wait_ms=37), registry=CollectorRegistry())
    assert worker_consumer_wait(pipeline.app) == 37


def test_aiokafka_starts_its_fetcher_with_the_attribute_we_set() -> None:
    params = inspect.signature(aiokafka.AIOKafkaConsumer.__init__).parameters
    assert "fetch_max_wait_ms" in params
    start = inspect.getsource(aiokafka.AIOKafkaConsumer.start)
    assert "fetch_max_wait_ms=self._fetch_max_wait_ms" in start


# ------------------------------------------------------------- 3. held batches
def real_batch(app: faust.App, offsets: range) -> list[Event]:
    """Events as a topic stream delivers them: Faust's consumer messages, each with the
    stream's own reference."""
    events = []
    for offset in offsets:
        message = ConsumerMessage(
            ARTICLES.topic, 0, offset, 0.0, 0, [], b"k", b"v", None, tp=ARTICLES
        )
        message.incref()
        events.append(Event(app, b"k", b"v", [], message))
    return events


def acked(app: faust.App) -> list[int]:
    """Offsets Faust's consumer counts as acknowledged (what it would commit)."""
    return sorted(app.consumer._acked.get(ARTICLES, []))


async def acking_stream(app: faust.App) -> Stream:
    """A stream of a topic the consumer tracks acks of (as once an agent subscribed)."""
    topic = app.topic(ARTICLES.topic)
    app.topics.add(topic)
    await app.topics._update_indices()
    assert app.topics.acks_enabled_for(ARTICLES.topic)
    return topic.stream()


async def take_events_ack(stream: Stream, events: list[Event]) -> None:
    """What ``take_events``' ``finally`` does with a batch (checked below)."""
    for event in events:
        await stream.ack(event)


def test_take_events_acks_every_event_of_a_batch_in_a_finally() -> None:
    """The premise of ``held``: the ack runs however the agent's loop body ends."""
    tree = ast.parse(inspect.getsource(Stream.take_events).strip().replace("\n    ", "\n"))
    handlers = [n for n in ast.walk(tree) if isinstance(n, ast.Try) and n.finalbody]
    acks = [
        ast.unparse(node)
        for handler in handlers
        for stmt in handler.finalbody
        for node in ast.walk(stmt)
        if isinstance(node, ast.Await)
    ]
    assert "await self.ack(event)" in acks
    assert list(inspect.signature(Stream.ack).parameters) == ["self", "event"]


def test_a_finished_batch_is_acknowledged_by_fausts_consumer() -> None:
    app = new_app()
    events = real_batch(app, range(3))

    async def agent() -> None:
        stream = await acking_stream(app)
        with held(events):
            assert acked(app) == []
        await take_events_ack(stream, events)

    asyncio.run(agent())
    assert acked(app) == [0, 1, 2]


def test_a_batch_that_raised_is_not_acknowledged_by_fausts_consumer() -> None:
    app = new_app()
    events = real_batch(app, range(3))

    async def agent() -> None:
        stream = await acking_stream(app)
        try:
            with held(events):
                raise RuntimeError("the extraction pool broke")
        finally:
            await take_events_ack(stream, events)

    with pytest.raises(RuntimeError):
        asyncio.run(agent())
    assert acked(app) == []
    assert [e.message.refcount for e in events] == [1, 1, 1]


def test_a_cancelled_batch_is_not_acknowledged_by_fausts_consumer() -> None:
    """SIGTERM cancels the agent while it waits for the broker: the rebalance loss."""
    app = new_app()
    events = real_batch(app, range(2))

    async def agent() -> None:
        stream = await acking_stream(app)
        try:
            with held(events):
                await asyncio.sleep(10)  # waiting for sends
        finally:
            await take_events_ack(stream, events)

    async def main() -> None:
        task = asyncio.create_task(agent())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert acked(app) == []


# --------------------------------------------------------- 4. committed offsets
def test_the_committed_offset_is_the_one_fausts_seek_recorded() -> None:
    app = new_app()
    consumer = app.consumer

    async def seek_to_committed() -> dict[TP, int]:  # the broker's answer
        return {ARTICLES: 1817, TP("articles", 1): 0}

    consumer.seek_to_committed = seek_to_committed  # type: ignore[method-assign]
    assert committed_offset(app, "articles", 0) is None
    asyncio.run(consumer.perform_seek())
    assert committed_offset(app, "articles", 0) == 1817
    assert committed_offset(app, "articles", 1) is None  # 0: nothing committed yet
    assert committed_offset(app, "other", 0) is None
    assert list(inspect.signature(Consumer.perform_seek).parameters) == ["self"]


# ------------------------------------------------ 5. partitions without a commit
def test_aiokafka_seeks_only_partitions_with_a_commit_above_zero() -> None:
    """The hole ``rewind_uncommitted`` closes: if aiokafka starts seeking the others,
    the wrapper is no longer needed."""
    source = inspect.getsource(aiokafka.AIOKafkaConsumer.seek_to_committed)
    assert "if offset and offset > 0:" in source
    assert "return committed_offsets" in source
    seek = AIOKafkaConsumerThread.seek_to_committed
    original = getattr(seek, "rewinds", seek)
    assert "self._ensure_consumer().seek_to_committed" in inspect.getsource(original)
    assert inspect.iscoroutinefunction(aiokafka.AIOKafkaConsumer.seek_to_beginning)


class FakeAiokafka:
    """The aiokafka consumer calls the wrapper makes (network I/O)."""

    def __init__(self, committed: dict[Any, int | None], first: int = 0) -> None:
        self.committed, self.first, self.rewound = committed, first, []  # type: list[Any]

    async def seek_to_committed(self) -> dict[Any, int | None]:
        return dict(self.committed)

    async def seek_to_beginning(self, *tps: Any) -> bool:
        self.rewound.extend(tps)
        return True

    async def position(self, tp: Any) -> int:
        return self.first


def rewind_with(committed: dict[Any, int | None], first: int = 0) -> tuple[faust.App, FakeAiokafka]:
    """``perform_seek`` of a real Faust consumer with the wrapper installed, against a
    broker that answers ``committed``; returns the app and what was rewound."""
    rewind_uncommitted()
    app = new_app()
    app.Table("story-state", default=None)
    fake = FakeAiokafka(committed, first)

    async def run() -> None:
        await acking_stream(app)
        thread = app.consumer._thread
        assert isinstance(thread, AIOKafkaConsumerThread)
        thread._ensure_consumer = lambda: fake  # type: ignore[method-assign]

        async def call_thread(fun: Any, *args: Any, **kwargs: Any) -> Any:
            return await fun(*args, **kwargs)

        thread.call_thread = call_thread  # type: ignore[method-assign]
        await app.consumer.perform_seek()

    asyncio.run(run())
    return app, fake


def test_a_stream_partition_without_a_commit_is_read_again_from_its_first_offset() -> None:
    app, fake = rewind_with({ARTICLES: None, TP("articles", 1): 1817}, first=5)
    assert fake.rewound == [ARTICLES]
    assert committed_offset(app, "articles", 0) == 5  # offset_gaps checks the first batch
    assert committed_offset(app, "articles", 1) == 1817
    assert app.consumer._read_offset[ARTICLES] is None  # Faust delivers from there on


def test_a_commit_at_zero_is_rewound_too_and_a_table_changelog_never() -> None:
    app, fake = rewind_with({ARTICLES: 0})
    assert fake.rewound == [ARTICLES]
    changelog = next(iter(app.tables.changelog_topics))
    app, fake = rewind_with({ARTICLES: 3, TP(changelog, 0): None})
    assert fake.rewound == []
    assert committed_offset(app, "articles", 0) == 3


def test_the_rewind_is_installed_once_on_fausts_class() -> None:
    rewind_uncommitted()
    seek = AIOKafkaConsumerThread.seek_to_committed
    rewind_uncommitted()
    assert AIOKafkaConsumerThread.seek_to_committed is seek
    assert seek.rewinds.__qualname__ == "AIOKafkaConsumerThread.seek_to_committed"


def test_prepare_installs_every_patch_for_the_app() -> None:
    app = new_app()
    faust_compat.prepare(app, fetch_max_wait_ms=55)
    assert hasattr(Recovery.on_recovery_completed, "resumes_after")
    assert hasattr(AIOKafkaConsumerThread.seek_to_committed, "rewinds")
    assert worker_consumer_wait(app) == 55


# ------------------------------------------- public API the shell leans on hardest
def test_the_table_api_the_batch_journal_writes_through() -> None:
    """Not internals, but ``stream/tables.py`` writes each changelog record itself and
    awaits it: the method must keep taking a partition and a serializer and return a
    ``FutureMessage``; the memory store keeps decoded values in its ``data`` dict
    (``BatchedTableStore._read`` falls back to ``store.get`` otherwise)."""
    from faust.tables.base import Collection
    from faust.types.tuples import FutureMessage

    signature = inspect.signature(Collection.send_changelog)
    assert list(signature.parameters) == [
        "self", "partition", "key", "value", "key_serializer", "value_serializer"
    ]  # fmt: skip
    assert signature.return_annotation in (FutureMessage, "FutureMessage")
    table = new_app().Table("t", default=None)
    table.data["k"] = {"v": 1}
    assert type(table.data.data) is dict and table.data.data["k"] == {"v": 1}
