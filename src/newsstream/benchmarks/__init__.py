"""Benchmarks: synthetic traffic, the core alone, the pipeline through a broker."""
