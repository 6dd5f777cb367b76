from decimal import Decimal

import django.core.validators
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def repair(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Bring requests stored before the bounds into them: an interval above 60 working
    days or hours above 40 take the highest value; below the range, the field is cleared
    (the submit check then asks for it again)."""
    request = apps.get_model("approvals", "AccountRequest")
    request.objects.filter(follow_up_interval_days__gt=60).update(follow_up_interval_days=60)
    request.objects.filter(follow_up_interval_days__lt=1).update(follow_up_interval_days=None)
    request.objects.filter(hours_per_week__gt=40).update(hours_per_week=Decimal("40"))
    request.objects.filter(hours_per_week__lt=Decimal("1")).update(hours_per_week=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_bounds"),
        ("approvals", "0001_initial"),
        ("people", "0002_roles"),
        ("policy", "0003_immutability_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accountrequest",
            name="follow_up_interval_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="How often the account is followed up, in working days.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(60),
                ],
                verbose_name="follow-up interval (working days)",
            ),
        ),
        migrations.AlterField(
            model_name="accountrequest",
            name="hours_per_week",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                max_digits=4,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("1")),
                    django.core.validators.MaxValueValidator(Decimal("40")),
                ],
                verbose_name="hours per week set aside",
            ),
        ),
        migrations.AddConstraint(
            model_name="accountrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("follow_up_interval_days__isnull", True),
                    ("follow_up_interval_days__range", (1, 60)),
                    _connector="OR",
                ),
                name="approvals_follow_up_interval_range",
                violation_error_message="The value must be between 1 and 60.",
            ),
        ),
        migrations.AddConstraint(
            model_name="accountrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("hours_per_week__isnull", True),
                    ("hours_per_week__range", (Decimal("1"), Decimal("40"))),
                    _connector="OR",
                ),
                name="approvals_hours_per_week_range",
                violation_error_message="The value must be between 1 and 40.",
            ),
        ),
    ]
