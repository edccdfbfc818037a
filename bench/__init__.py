"""Benchmarks and the synthetic data they run on (`python -m bench.generate`). Results: RESULTS.md."""
