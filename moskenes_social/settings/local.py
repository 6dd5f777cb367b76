"""Development: embedded defaults (SQLite, filesystem broker, console e-mail), demo data."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine for a developer's machine only; production refuses to start without one.
SECRET_KEY = env_str("SECRET_KEY", "local-development-only-not-secret")  # noqa: S105
DEMO_DATA_ALLOWED = True
