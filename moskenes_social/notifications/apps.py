from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Bounds of NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT: below a minute a slow but live SMTP exchange
# would be taken over and sent twice; above a day a crisis notice would wait too long.
EMAIL_CLAIM_TIMEOUT_MIN = 60
EMAIL_CLAIM_TIMEOUT_MAX = 24 * 60 * 60


class NotificationsConfig(AppConfig):
    name = "moskenes_social.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Here rather than in settings/env.py's parsing: web, worker and beat all stop at
        # start-up on a value out of bounds, as they do on one that cannot be parsed.
        email_claim_timeout_check(settings.NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT)


def email_claim_timeout_check(seconds: int) -> None:
    if not EMAIL_CLAIM_TIMEOUT_MIN <= seconds <= EMAIL_CLAIM_TIMEOUT_MAX:
        raise ImproperlyConfigured(
            f"NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT must be {EMAIL_CLAIM_TIMEOUT_MIN} to "
            f"{EMAIL_CLAIM_TIMEOUT_MAX} seconds, got {seconds!r}"
        )
