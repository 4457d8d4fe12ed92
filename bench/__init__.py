"""Benchmarks for Briefing (they print numbers; tests never assert timings)."""
