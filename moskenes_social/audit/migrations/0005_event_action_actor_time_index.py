# The log's filters by action and by person (issue 17). Indexes only: the triggers of 0002
# and 0004 refuse UPDATE, DELETE and TRUNCATE of rows, not CREATE INDEX.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_refuse_truncate"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["action", "created_at", "id"], name="audit_event_action_time"
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["actor", "created_at", "id"], name="audit_event_actor_time"),
        ),
    ]
