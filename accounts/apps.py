from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Official accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from moskenes_social.people.models import Unit

        from .register import register_invalidate

        def unit_saved(**kwargs: object) -> None:
            # The register shows unit names; units are edited in Django's admin.
            register_invalidate()

        post_save.connect(
            unit_saved, sender=Unit, weak=False, dispatch_uid="accounts_register_unit_saved"
        )
