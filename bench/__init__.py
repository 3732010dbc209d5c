"""Benchmarks of tochuc against the database floor (docs/performance.md)."""
