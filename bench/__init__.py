"""Benchmarks for the LocalChat server, compared with ngircd:
`python -m bench.run` (or `make bench`).
"""
