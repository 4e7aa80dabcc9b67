"""Benchmarks: a deterministic corpus generator and a runner comparing Legwork with Hugo."""
