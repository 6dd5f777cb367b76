"""What a refused request must leave as it was: every row of every table."""

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models

Snapshot = dict[str, list[tuple[object, ...]]]


def _tables() -> list[type[models.Model]]:
    # Sessions are the clients' own (each persona's login); proxies repeat a table.
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model is not Session and model._meta.managed and not model._meta.proxy
    ]


def database_snapshot() -> Snapshot:
    """Every row of every table (but the sessions), in key order: one query a table."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in _tables()
    }


def snapshot_changes(before: Snapshot, after: Snapshot) -> list[str]:
    """The tables whose rows differ, each with its row counts before and after."""
    return [
        f"{label} ({len(before[label])} -> {len(after[label])} rows)"
        for label in before
        if before[label] != after[label]
    ]
