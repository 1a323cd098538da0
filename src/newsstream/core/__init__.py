"""The functional core: pure, synchronous, deterministic.

Nothing under ``newsstream.core`` may import faust, aiokafka, asyncio or
prometheus_client; ``tests/unit/test_core_boundary.py`` enforces it.
"""
