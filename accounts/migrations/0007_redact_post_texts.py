"""Staff's words about a post leave the audit log, and a removed post's with it.

Until now the audit log kept the answer's text (``posts.post_answered``), the closing note
(``posts.post_closed``) and the reason for reopening with the earlier answer
(``posts.post_reopened``); removing a sensitive post blanked the citizen's words but left
these, which may quote them. From now on an event holds only their lengths. This
migration, once:

1. blanks the answer, the closing note and the reopening reason of every removed post;
2. replaces those texts in the events already written by their lengths (``answer_chars``,
   ``note_chars``, ``reason_chars``). The log is append-only: on PostgreSQL its trigger
   is switched off for this transaction only (``ALTER TABLE ... DISABLE TRIGGER``, which
   needs the table's owner, as migrations do) and on again before it commits.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TRIGGER = "audit_event_append_only"
ACTIONS = ("posts.post_answered", "posts.post_closed", "posts.post_reopened")


def _redacted(action: str, reason: str, data: dict) -> tuple[str, dict]:
    data = dict(data)
    if "answer" in data:
        data["answer_chars"] = len(data.pop("answer") or "")
    if "note" in data:
        data["note_chars"] = len(data.pop("note") or "")
    if action == "posts.post_reopened" and reason:
        data["reason_chars"] = len(reason)
        reason = ""
    return reason, data


def redact(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    post = apps.get_model("accounts", "Post")
    post.objects.filter(status="removed").update(answer_text="", close_note="", reopen_reason="")
    event = apps.get_model("audit", "Event")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE audit_event DISABLE TRIGGER {TRIGGER}")
    changed = []
    for row in event.objects.filter(action__in=ACTIONS).only("action", "reason", "data").iterator():
        reason, data = _redacted(row.action, row.reason, row.data or {})
        if (reason, data) != (row.reason, row.data):
            row.reason, row.data = reason, data
            changed.append(row)
    event.objects.bulk_update(changed, ["reason", "data"], batch_size=1000)
    if postgres:
        schema_editor.execute(f"ALTER TABLE audit_event ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_bounds"),
        ("audit", "0003_event_target_time_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(redact, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="post",
            name="posts_removed_is_blanked",
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "removed"), _negated=True),
                    models.Q(
                        ("removed_at__isnull", False),
                        ("answer_text", ""),
                        ("author", ""),
                        ("close_note", ""),
                        ("reopen_reason", ""),
                        ("text", ""),
                        ("url", ""),
                    ),
                    _connector="OR",
                ),
                name="posts_removed_is_blanked",
            ),
        ),
    ]
