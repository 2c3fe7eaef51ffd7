"""Benchmarks: `python -m bench.pages`, `python -m bench.pdf` (figures, not pass/fail)."""
