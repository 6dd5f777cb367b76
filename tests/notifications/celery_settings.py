"""Test settings for a worker that e-mails by SMTP, as in production, to the loopback server
the test runs (EMAIL_HOST/EMAIL_PORT), rather than to the tests' in-memory outbox."""

from moskenes_social.settings.env import mailers
from moskenes_social.settings.test import *  # noqa: F403
from moskenes_social.settings.test import VAR_DIR

MAILERS = mailers(default_backend="django.core.mail.backends.smtp.EmailBackend", var_dir=VAR_DIR)
