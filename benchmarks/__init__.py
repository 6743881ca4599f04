"""Benchmarks: our code against what a user would otherwise use, measured side by side."""
