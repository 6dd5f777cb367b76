"""Benchmark tooling: the data generator, the query-count middleware and the reference view.

None of this is routed or enabled in production: ``settings.bench`` turns it on for
``make bench`` (see ``scripts/bench/``).
"""
