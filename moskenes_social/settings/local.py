"""Development: embedded defaults (SQLite, filesystem broker, console e-mail), demo data."""

from .base import *  # noqa: F403
from .env import derived_fernet_key, env_bool, env_list, env_str

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine for a developer's machine only; production refuses to start without one.
SECRET_KEY = env_str("SECRET_KEY", "local-development-only-not-secret")  # noqa: S105
# Page tokens of the demo (the stand-in's) under a key derived from that development key.
PLATFORM_TOKEN_KEYS = env_list("PLATFORM_TOKEN_KEYS", [derived_fernet_key(SECRET_KEY)])
DEMO_DATA_ALLOWED = True
# `make run` starts the project's Graph API stand-in (standins/meta_graph.py) here and
# connects the demo's Facebook Page to it; its webhooks are signed with this secret.
META_GRAPH_URL = env_str("META_GRAPH_URL", "http://127.0.0.1:8765/v25.0").rstrip("/")
FACEBOOK_APP_SECRET = env_str("FACEBOOK_APP_SECRET", "local-demo-app-secret")  # noqa: S105
# The same stand-in serves Instagram Login's paths; its Instagram webhooks use this secret.
INSTAGRAM_GRAPH_URL = env_str("INSTAGRAM_GRAPH_URL", META_GRAPH_URL).rstrip("/")
INSTAGRAM_APP_SECRET = env_str("INSTAGRAM_APP_SECRET", "local-demo-instagram-secret")  # noqa: S105
