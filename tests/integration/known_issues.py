"""Known open problems the integration tests mark, in one place (issue 20).

Apply with ``request.applymarker`` when ``on_kafka(request)``.
"""

from __future__ import annotations

import pytest

# Measured 2026-12-07 on Apache Kafka 4.4.0 (docs/reliability.md, "Apache Kafka"): the
# rebalance test lost articles on Kafka in 1 of 5 runs, with no offset gap and no error
# logged; on the embedded broker it keeps passing. Not strict: it mostly passes. (The
# kill -9 losses on Kafka had another cause, fixed on 2026-12-08: ``faust_compat``,
# "partitions without a commit".)
KAFKA_REBALANCE_STALL = pytest.mark.xfail(
    strict=False,
    reason="on Apache Kafka, input partitions back from a departing worker were not "
    "fetched again in 1 of 5 runs (607 of 2,751 articles lost; docs/reliability.md)",
)


def on_kafka(request: pytest.FixtureRequest) -> bool:
    return bool(request.node.callspec.params.get("broker") == "kafka")
