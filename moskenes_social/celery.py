"""The Celery app. Configuration comes from Django settings prefixed CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moskenes_social.settings.local")

app = Celery("moskenes_social")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
