"""``make bench``: the benchmark runner (run.py) and its load generator (load.py)."""
