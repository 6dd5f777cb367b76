"""Hypothesis drives the doors from outside: the webhook, the ingest API and the main
forms. CI (``CI=true``) runs 1,000 examples of each; a run on a laptop 100.

Each test keeps one database transaction for all its examples (pytest-django's ``db``
fixture is per test, not per example), so rows accumulate: the invariants below hold
whatever came before. A 5xx found once becomes an ``@example`` of the test.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=1000,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")
