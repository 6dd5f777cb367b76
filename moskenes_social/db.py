"""One database mechanism the apps share: insert unless a unique constraint already holds
the row, and learn which rows went in."""

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.models.constants import OnConflict


def insert_unless_stored(
    objs: Sequence[models.Model], *, returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Insert ``objs`` (all of one model) in one ``INSERT ... ON CONFLICT DO NOTHING
    RETURNING``: a row that a unique constraint already holds is skipped; returns the
    ``returning`` fields (names; a foreign key gives its id) of the rows inserted only.

    The constraint decides, so two writers at the same moment store one row, with neither
    a look-up before nor a savepoint around the insert. ``bulk_create(ignore_conflicts=
    True)`` cannot say which rows went in, so this calls the manager's ``_insert``, which
    ``save()`` and ``bulk_create`` use; the tests of its two callers (the webhook's posts,
    the sweep's reminder rows) pin what it returns. On SQLite (tests, ``make run``) it is
    ``INSERT OR IGNORE``, which also skips a row that breaks a CHECK or NOT NULL rule.
    """
    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    rows: list[tuple[Any, ...]] = model._default_manager._insert(  # type: ignore[attr-defined]
        list(objs),
        fields=fields,
        returning_fields=[meta.get_field(name) for name in returning],
        on_conflict=OnConflict.IGNORE,
    )
    return [tuple(row) for row in rows or []]
