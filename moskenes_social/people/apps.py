from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "moskenes_social.people"
    label = "people"
    verbose_name = _("People and units")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_active_at_stamp

        user_logged_in.connect(session_active_at_stamp, dispatch_uid="people_session_active_at")
