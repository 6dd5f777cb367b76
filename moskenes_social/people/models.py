from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """An organisational unit of the municipality (a school, a service area, the town hall)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    leaders = models.ManyToManyField(
        "people.User", verbose_name=_("leaders"), related_name="led_units", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Roles are Django groups named in ``people.roles``."""

    title = models.CharField(_("job title"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
