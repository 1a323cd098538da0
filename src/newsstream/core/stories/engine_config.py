"""The story engine's settings: window, matching, the learned or hand-set decision."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from newsstream.core.stories.join_model import DECISIONS, DEFAULT_DECISION
from newsstream.core.stories.matching import MatchConfig


@dataclass(frozen=True, slots=True)
class EngineConfig:
    window: timedelta = timedelta(days=30)
    match: MatchConfig = field(default_factory=MatchConfig)
    pinned_signatures: int = 3  # originals per story whose LSH bands are indexed
    redelivery_horizon: int = 20_000  # articles an expired story's markers are kept for
    explain: bool = False  # attach an explanation to each outcome (``replay --explain``)

    @classmethod
    def for_decision(cls, decision: str = DEFAULT_DECISION, **fields: Any) -> EngineConfig:
        """A config whose join decision is ``rules`` or the learned ``model``."""
        if decision not in DECISIONS:
            raise ValueError(f"unknown story decision {decision!r}: one of {sorted(DECISIONS)}")
        match = fields.pop("match", None) or MatchConfig()
        return cls(match=replace(match, model=DECISIONS[decision]), **fields)
