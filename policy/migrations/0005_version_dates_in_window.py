import datetime

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0004_refuse_truncate"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="guidelineversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("adopted_on__isnull", True),
                        ("adopted_on__gte", datetime.date(2004, 1, 1)),
                        _connector="OR",
                    ),
                    models.Q(
                        ("effective_from__isnull", True),
                        ("effective_from__gte", datetime.date(2004, 1, 1)),
                        _connector="OR",
                    ),
                ),
                name="policy_version_dates_in_window",
                violation_error_message="The date cannot be before 1 January 2004.",
            ),
        ),
    ]
