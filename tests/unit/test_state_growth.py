"""The state-growth probe counts what the core keeps (docs/reliability.md, Soak)."""

from __future__ import annotations

from newsstream.benchmarks.state_growth import growth


def test_snapshots_count_markers_stories_and_their_owners() -> None:
    first, second = list(growth(articles=80, every=40, window_hours=72))
    assert (first["articles"], second["articles"]) == (40, 80)
    for snap in (first, second):
        kinds = snap["keys_by_kind"]
        assert sum(kinds.values()) == snap["keys"]
        assert kinds["s"] == snap["active_stories"] > 0
        owned = sum(n for _, n in snap["largest_stories_by_markers"])
        assert 0 < owned <= kinds["a"] <= snap["articles"]
    assert second["keys_by_kind"]["a"] > first["keys_by_kind"]["a"]  # nothing aged out yet
