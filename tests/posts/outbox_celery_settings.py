"""Test settings for a worker that acts on Facebook: the Graph API stand-in the test runs
(``META_GRAPH_URL``), rather than the tests' "connection refused". A long timeout, so that
the worker waits on a held call until the test kills it, as it would on Meta."""

from moskenes_social.settings.env import env_str
from moskenes_social.settings.test import *  # noqa: F403

META_GRAPH_URL = env_str("META_GRAPH_URL", "http://127.0.0.1:9/v25.0").rstrip("/")
META_GRAPH_TIMEOUT = 30
