"""``make bench``: production settings plus the benchmark's instruments.

Installs the ``bench`` app (the data generator and its commands), adds the query-count
middleware (``X-Query-Count`` on every response) and routes the reference pages
(``bench.urls``). Everything else is production: DEBUG off,
SECRET_KEY required, PostgreSQL and Redis named by the environment. The benchmark runner
(``scripts/bench/run.py``) sets SECURE_SSL_REDIRECT=false and ALLOWED_HOSTS=127.0.0.1, as
it serves plain HTTP on loopback.
"""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
