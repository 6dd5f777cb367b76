# notification_emails_release_stale (the beat sweep) finds claims lost with their worker.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("email_status", "sending")),
                fields=["email_claimed_at"],
                name="notif_email_sending",
            ),
        ),
    ]
