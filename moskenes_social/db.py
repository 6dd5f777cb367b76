"""Insert unless a unique constraint already holds the row, and learn which rows went in.

``bulk_create(ignore_conflicts=True)`` cannot say which rows it stored (Django leaves their
primary keys unset), and a savepoint around ``create()`` costs two more round trips on
the webhook's path. So this is one hand-written ``INSERT ... ON CONFLICT DO NOTHING
RETURNING`` (PostgreSQL 9.5+, SQLite 3.35+), its columns and values taken from the
model's documented ``_meta`` and field API as ``save()`` prepares them. It runs on
Django's cursor, so every statement is counted (``django_assert_num_queries``).
"""

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router


def insert_unless_stored(
    objs: Sequence[models.Model], *, returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Insert ``objs`` (all of one model, every concrete field but the primary key) in one
    statement; a row that a unique constraint already holds is skipped. Returns the
    ``returning`` fields (names; a foreign key gives its id) of the rows inserted only.

    The constraint decides, so two writers at the same moment store one row, with neither
    a look-up before nor a savepoint around the insert. On SQLite ``ON CONFLICT DO
    NOTHING`` also skips a row that breaks a CHECK or NOT NULL rule; on PostgreSQL such a
    row raises, as ``save()`` would.
    """
    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    returned = ", ".join(quote(str(meta.get_field(name).column)) for name in returning)  # type: ignore[union-attr]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Only the model's own table and column names are written into the SQL, quoted; every
    # value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES {', '.join([row] * len(objs))} ON CONFLICT DO NOTHING RETURNING {returned}"
    )
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection=connection)
        for obj in objs
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(r) for r in cursor.fetchall()]
