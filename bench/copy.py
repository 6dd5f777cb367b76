"""Fast bulk loading into PostgreSQL with COPY, for the benchmark data generator.

Rows are dicts keyed by field ``attname`` (``unit_id`` for a foreign key). Every concrete
field the row leaves out gets the model field's default, so a column another app adds
later with a default does not break the generator; a required column without a default
fails loudly in PostgreSQL.
"""

import io
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Rows per COPY statement: keeps the buffer at a few tens of MB.
BATCH = 50_000


def copy_text(value: object, *, json_field: bool = False) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if json_field:
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return str(value).translate(_ESCAPES)


def _defaults(model: type[models.Model], given: Iterable[str]) -> dict[str, object]:
    defaults: dict[str, object] = {}
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        if field.default is NOT_PROVIDED and field.null:
            defaults[field.attname] = None
        elif field.default is not NOT_PROVIDED:
            defaults[field.attname] = field.get_default()
    return defaults


def copy_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """COPY ``rows`` into the model's table; returns how many were written."""
    table = model._meta.db_table
    fields = {f.attname: f for f in model._meta.concrete_fields}
    written = 0
    columns: list[str] | None = None
    defaults: dict[str, object] = {}
    json_columns: set[str] = set()
    buffer = io.StringIO()
    pending = 0

    def flush() -> None:
        nonlocal buffer, pending
        if not pending or columns is None:
            return
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(str(fields[c].column)) for c in columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
        buffer = io.StringIO()
        pending = 0

    for row in rows:
        if columns is None:
            defaults = _defaults(model, row.keys())
            columns = [*row.keys(), *defaults.keys()]
            unknown = [c for c in columns if c not in fields]
            if unknown:
                raise ValueError(f"{table} has no columns {unknown}")
            json_columns = {c for c in columns if isinstance(fields[c], models.JSONField)}
        values = [*(row[c] for c in row), *defaults.values()]
        buffer.write(
            "\t".join(
                copy_text(v, json_field=c in json_columns)
                for c, v in zip(columns, values, strict=True)
            )
        )
        buffer.write("\n")
        pending += 1
        written += 1
        if pending >= BATCH:
            flush()
    flush()
    return written


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of the model's table."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        row = cursor.fetchone()
    assert row is not None  # noqa: S101
    return int(row[0])


def sequences_reset(*models_: type[models.Model]) -> None:
    """Move each table's id sequence past the ids COPY wrote explicitly."""
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            # The table name comes from the model, not from input.
            query = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"  # noqa: E501, S608
            cursor.execute(query, [table])
