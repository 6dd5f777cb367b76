import datetime
from decimal import Decimal

import django.core.validators
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import F, Q

EARLIEST = datetime.datetime(2004, 1, 1, tzinfo=datetime.UTC)
SKEW = datetime.timedelta(minutes=5)


def repair(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Bring rows stored before the bounds into them, so the constraints can be added.

    A post written before 2004 or after it arrived (a hand-registered 0001-01-01 took the
    inbox down) is taken as written when it arrived: its deadline and next reminder move
    by the same amount. An account official since before 2004 is taken as official since
    it was registered. A follow-up interval above 60 working days becomes 60; an
    answering deadline outside 1-120 hours is cleared (the guideline's default applies).
    """
    post = apps.get_model("accounts", "Post")
    shift = F("received_at") - F("posted_at")
    post.objects.filter(
        Q(posted_at__lt=EARLIEST) | Q(posted_at__gt=F("received_at") + SKEW)
    ).update(
        due_at=F("due_at") + shift,
        next_reminder_at=F("next_reminder_at") + shift,
        posted_at=F("received_at"),
    )
    account = apps.get_model("accounts", "Account")
    account.objects.filter(official_since__lt=EARLIEST).update(official_since=F("created_at"))
    account.objects.filter(follow_up_interval_days__gt=60).update(follow_up_interval_days=60)
    account.objects.filter(follow_up_interval_days__lt=1).update(follow_up_interval_days=1)
    account.objects.exclude(answer_deadline_working_hours__isnull=True).exclude(
        answer_deadline_working_hours__range=(Decimal("1"), Decimal("120"))
    ).update(answer_deadline_working_hours=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_inbox_indexes"),
        ("people", "0002_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="account",
            name="accounts_follow_up_interval_positive",
        ),
        migrations.RemoveConstraint(
            model_name="account",
            name="accounts_answer_deadline_positive",
        ),
        migrations.AlterField(
            model_name="account",
            name="answer_deadline_working_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Leave empty to use the guideline's default.",
                max_digits=5,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("1")),
                    django.core.validators.MaxValueValidator(Decimal("120")),
                ],
                verbose_name="answering deadline (working hours)",
            ),
        ),
        migrations.AlterField(
            model_name="account",
            name="follow_up_interval_days",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="How many working days may pass between two check-ins.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(60),
                ],
                verbose_name="follow up every (working days)",
            ),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("follow_up_interval_days__isnull", True),
                    ("follow_up_interval_days__range", (1, 60)),
                    _connector="OR",
                ),
                name="accounts_follow_up_interval_range",
                violation_error_message="The value must be between 1 and 60.",
            ),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("answer_deadline_working_hours__isnull", True),
                    ("answer_deadline_working_hours__range", (Decimal("1"), Decimal("120"))),
                    _connector="OR",
                ),
                name="accounts_answer_deadline_range",
                violation_error_message="The value must be between 1 and 120.",
            ),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.CheckConstraint(
                condition=models.Q(("official_since__gte", EARLIEST)),
                name="accounts_official_since_in_window",
                violation_error_message="The date cannot be before 1 January 2004.",
            ),
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "posted_at__gte",
                        datetime.datetime(2004, 1, 1, 0, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "posted_at__lte",
                        django.db.models.expressions.CombinedExpression(
                            models.F("received_at"),
                            "+",
                            models.Value(datetime.timedelta(seconds=300)),
                        ),
                    ),
                ),
                name="posts_posted_at_in_window",
                violation_error_message="The time lies outside 2004 until now.",
            ),
        ),
    ]
