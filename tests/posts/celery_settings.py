"""Test settings for the worker-and-beat test: the configured beat entry "posts-reminders"
(its task and its expiry), run every 2 seconds instead of every 2 minutes, and nothing
else on the schedule."""

from datetime import timedelta

from moskenes_social.settings.test import *  # noqa: F403
from moskenes_social.settings.test import CELERY_BEAT_SCHEDULE as _CONFIGURED

CELERY_BEAT_SCHEDULE = {
    "posts-reminders": {**_CONFIGURED["posts-reminders"], "schedule": timedelta(seconds=2)},
}
