"""Benchmarks run by `make bench`; a package so mypy names bench/compat.py `bench.compat`, not `compat`."""
