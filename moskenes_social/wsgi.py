"""WSGI entry point for the web server (granian in docker-compose; gunicorn works too)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moskenes_social.settings.production")

application = get_wsgi_application()
