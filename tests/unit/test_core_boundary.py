"""The functional core imports no Kafka, Faust, asyncio or Prometheus code, and its
layers only import downwards: text ◄ entities ◄ events ◄ stories."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import newsstream.core as core

CORE = Path(__file__).resolve().parents[2] / "src" / "newsstream" / "core"
FORBIDDEN = {"faust", "aiokafka", "asyncio", "prometheus_client", "mode"}
LAYERS = ("text", "entities", "events", "stories")  # lowest first
MAX_LINES = 500


def _modules(path: Path) -> set[str]:
    """Absolute module names this file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[:2] != ["newsstream", "core"] or len(parts) < 3:
        return None
    return LAYERS.index(parts[2]) if parts[2] in LAYERS else None


CORE_FILES = sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_is_pure(path: Path) -> None:
    roots = {name.split(".")[0] for name in _modules(path)}
    assert not (roots & FORBIDDEN), f"{path.name} imports {roots & FORBIDDEN}"


@pytest.mark.parametrize(
    "path",
    [p for p in CORE_FILES if p.parent.name in LAYERS],
    ids=lambda p: str(p.relative_to(CORE)),
)
def test_a_layer_never_imports_a_higher_one(path: Path) -> None:
    mine = LAYERS.index(path.parent.name)
    upward = sorted(name for name in _modules(path) if (_layer(name) or 0) > mine)
    assert not upward, f"{path.relative_to(CORE)} ({LAYERS[mine]}) imports {upward}"


SRC = CORE.parent


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_above_the_size_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(SRC)} has {lines} lines"


def test_the_layer_check_sees_an_upward_import() -> None:
    assert _layer("newsstream.core.stories.engine") == 3
    assert _layer("newsstream.core.text") == 0
    assert _layer("newsstream.core.extracted") is None


def test_the_public_entry_is_small() -> None:
    assert set(core.__all__) == {"extract", "StoryEngine", "replay"}
    assert callable(core.extract) and callable(core.replay)
    assert core.StoryEngine.__name__ == "StoryEngine"
