"""Database mechanisms the apps share: insert unless a unique constraint already holds the
row, and learn which rows went in; a query on a hot path compiled to SQL once per process."""

import copy
import hashlib
import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.models import QuerySet
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery, Query


@dataclass(frozen=True)
class _InsertSQL:
    sql: str
    returning_params: tuple[Any, ...]
    compiler: Any
    converters: dict[int, tuple[list[Any], Any]]


# (model, returning, conflict rule, database) -> the ORM's INSERT of one row, or None where
# the ORM's parameters were not the values as prepared here (the ORM's path, every time).
_INSERTS: dict[tuple[Any, ...], _InsertSQL | None] = {}


def _same_params(connection: Any, sql: str, orm: list[Any], ours: list[Any]) -> bool:
    if orm == ours:
        return True
    # A JSON value is wrapped for the driver anew each time (psycopg2's Json compares by
    # identity): on PostgreSQL compare the statements as the driver would send them.
    compose = getattr(connection.ops, "compose_sql", None)
    return compose is not None and len(orm) == len(ours) and compose(sql, orm) == compose(sql, ours)


def _compiled_insert(
    key: tuple[Any, ...],
    objs: Sequence[models.Model],
    fields: list[Any],
    returning_fields: list[Any],
    params: list[Any],
) -> _InsertSQL | None:
    """Compile the ORM's INSERT of the one row in ``objs`` and keep it under ``key`` if
    its parameters are ``params`` (the values as ``insert_rows`` prepares them); else keep
    None, so that the key takes the ORM's path from then on."""
    model, _returning, on_conflict, using = key
    connection = connections[using]
    query = InsertQuery(model, on_conflict=on_conflict)
    query.insert_values(fields, list(objs), raw=True)
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = returning_fields
    [(sql, orm_params)] = compiler.as_sql()
    returning_params = tuple(compiler.returning_params) if returning_fields else ()
    insert = None
    if _same_params(connection, sql, list(orm_params), [*params, *returning_params]):
        cols = [field.get_col(model._meta.db_table) for field in returning_fields]
        insert = _InsertSQL(
            sql=sql,
            returning_params=returning_params,
            compiler=compiler,
            converters=compiler.get_converters(cols),
        )
    _INSERTS[key] = insert
    return insert


def insert_rows(
    objs: Sequence[models.Model],
    *,
    returning: Sequence[str],
    on_conflict: OnConflict | None = None,
) -> list[tuple[Any, ...]]:
    """Insert ``objs`` (all of one model, every concrete field but the primary key) in one
    statement; returns the ``returning`` fields (names; a foreign key gives its id) of the
    rows inserted. With ``OnConflict.IGNORE`` a row that a unique constraint already holds
    is skipped and returns nothing.

    The statement is the ORM's (``Manager._insert``, which ``save()`` and ``bulk_create``
    use). For one row it is compiled once per process for each model, ``returning``,
    conflict rule and database, then run with each call's values: compiling cost about as
    much as the webhook's whole check of a delivery (``make bench``). The values are
    prepared as the ORM prepares them (``pre_save``, then ``get_db_prep_save``), and the
    first call for each key checks that the ORM's statement for the same row has exactly
    these parameters; if not, that key takes the ORM's path from then on. So do several
    rows, a value that is an expression, and a field with a database default or a
    placeholder of its own.
    """
    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    returning_fields = [meta.get_field(name) for name in returning]
    using = router.db_for_write(model)
    connection = connections[using]
    # pre_save once: it sets what it computes (auto_now_add) on the object, and the ORM
    # below takes the values from there (raw=True).
    values = [[field.pre_save(obj, True) for field in fields] for obj in objs]
    key = (model, tuple(returning), on_conflict, using)
    insert = None
    if (
        len(objs) == 1
        and (connection.features.can_return_columns_from_insert or not returning_fields)
        and _INSERTS.get(key, True) is not None
        and not any(hasattr(value, "resolve_expression") for value in values[0])
        and not any(
            field.has_db_default() or hasattr(field, "get_placeholder_sql") for field in fields
        )
    ):
        params = [
            field.get_db_prep_save(value, connection=connection)
            for field, value in zip(fields, values[0], strict=True)
        ]
        insert = _INSERTS.get(key) or _compiled_insert(key, objs, fields, returning_fields, params)
    if insert is None:
        rows = model._default_manager._insert(  # type: ignore[attr-defined]
            list(objs),
            fields=fields,
            returning_fields=returning_fields,
            raw=True,
            using=using,
            on_conflict=on_conflict,
        )
        return [tuple(row) for row in rows or []]
    with connection.cursor() as cursor:
        cursor.execute(insert.sql, [*params, *insert.returning_params])
        if not returning_fields:
            return []
        rows = connection.ops.fetch_returned_rows(cursor, insert.returning_params)
    if insert.converters:
        rows = insert.compiler.apply_converters(rows, insert.converters)
    return [tuple(row) for row in rows]


def insert_unless_stored(
    objs: Sequence[models.Model], *, returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Insert ``objs`` (all of one model) in one ``INSERT ... ON CONFLICT DO NOTHING
    RETURNING``: a row that a unique constraint already holds is skipped; returns the
    ``returning`` fields (names; a foreign key gives its id) of the rows inserted only.

    The constraint decides, so two writers at the same moment store one row, with neither
    a look-up before nor a savepoint around the insert. ``bulk_create(ignore_conflicts=
    True)`` cannot say which rows went in, so this writes the ORM's own INSERT
    (``insert_rows``); the tests of its two callers (the webhook's posts, the sweep's
    reminder rows) pin what it returns. On SQLite (tests, ``make run``) it is ``INSERT OR
    IGNORE``, which also skips a row that breaks a CHECK or NOT NULL rule.
    """
    return insert_rows(objs, returning=returning, on_conflict=OnConflict.IGNORE)


@dataclass(frozen=True)
class _Compiled:
    model: type[models.Model]
    sql: str
    params: tuple[Any, ...]
    # Position in ``params`` -> (the value's name, whether the driver gets its text form).
    slots: dict[int, tuple[str, bool]]
    # The ORM's compiler after compiling: what it selected and how rows become objects
    # (with the objects ``select_related`` reaches, annotations and deferred fields).
    compiler: Any
    # On PostgreSQL, the same SQL as a statement prepared on the server (None: not
    # prepared, for a parameter of a kind it cannot declare or after a refusal).
    server: "_ServerStatement | None" = None

    def params_for(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for position, (name, as_text) in self.slots.items():
            params[position] = str(values[name]) if as_text else values[name]
        return params


class _ReplayQuery(Query):
    """The query of a prepared call: its compiler is a copy of the compiled one, which
    gives the compiled SQL with the call's parameters instead of compiling."""

    replay: Any = None

    def get_compiler(
        self, using: Any = None, connection: Any = None, elide_empty: bool = True
    ) -> Any:
        return self.replay


def _as_text(param: Any, example: Any) -> bool | None:
    """Whether a compiled parameter is ``example`` as text (True) or itself (False); None
    if it is not ``example``."""
    if type(param) is type(example) and param == example:
        return False
    if isinstance(param, str) and not isinstance(example, str) and param == str(example):
        return True
    return None


# PostgreSQL's type for each kind of parameter a prepared statement declares, the first
# that fits (a bool is an int, a datetime a date, a TextChoices member a str). A statement
# with any other kind of parameter is not prepared on the server.
_SERVER_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "bigint"),
    (float, "double precision"),
    (Decimal, "numeric"),
    (datetime, "timestamptz"),
    (date, "date"),
    (str, "text"),
    (UUID, "uuid"),
)


def _server_type(param: Any) -> str | None:
    return next((name for kind, name in _SERVER_TYPES if isinstance(param, kind)), None)


# The statements prepared on each open PostgreSQL connection (by name).
_ON_SERVER: "weakref.WeakKeyDictionary[Any, set[str]]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class _ServerStatement:
    """The compiled SQL as a statement prepared on the PostgreSQL server: planned once per
    connection instead of on every run. Planning the webhook's decision query took 0.6 ms
    of PostgreSQL's time against 0.1 ms to run it (``make bench``), on the same two cores
    as the app."""

    name: str
    prepare: str
    execute: str

    @classmethod
    def of(cls, sql: str, params: Sequence[Any]) -> "_ServerStatement | None":
        types = [_server_type(param) for param in params]
        if None in types or "$" in sql:
            return None
        # The driver's placeholders become the statement's: %s -> $1, $2, ...; %% -> %.
        if re.findall(r"%[%s]", sql).count("%s") != len(params):
            return None
        numbers = iter(range(1, len(params) + 1))
        body = re.sub(r"%([%s])", lambda m: "%" if m[1] == "%" else f"${next(numbers)}", sql)
        name = "mq_" + hashlib.sha256(f"{types}{sql}".encode()).hexdigest()[:20]
        declared = f" ({', '.join(types)})" if types else ""  # type: ignore[arg-type]
        arguments = f" ({', '.join(['%s'] * len(params))})" if params else ""
        return cls(
            name=name,
            prepare=f"PREPARE {name}{declared} AS {body}",
            execute=f"EXECUTE {name}{arguments}",
        )

    def ready(self, connection: Any) -> bool:
        """Prepare the statement on this connection unless it is; False if PostgreSQL
        refuses it (the caller runs the SQL as it is). Written on the driver's own cursor,
        so that it is no query of the request's (nor of a test's count)."""
        connection.ensure_connection()
        raw = connection.connection
        prepared = _ON_SERVER.setdefault(raw, set())
        if self.name in prepared:
            return True
        with raw.cursor() as cursor:
            # Inside a transaction, a refusal must not break it: a savepoint around.
            guard = connection.in_atomic_block
            if guard:
                cursor.execute("SAVEPOINT mq_prepare")
            try:
                cursor.execute(self.prepare)
            except connection.Database.Error:
                if guard:
                    cursor.execute("ROLLBACK TO SAVEPOINT mq_prepare")
                return False
            if guard:
                cursor.execute("RELEASE SAVEPOINT mq_prepare")
        prepared.add(self.name)
        return True


# An id no row has: the example of an id for a PreparedQuery, so that it equals no constant
# of the query (the first call would refuse it) and is never sent to the database.
EXAMPLE_ID = 918_273_645


class PreparedQuery[M: models.Model]:
    """A query on a hot path whose SQL is compiled once per process and database, then run
    with each call's values.

    Django builds and compiles a queryset to SQL every time it runs it: about 1 to 2 ms of
    Python on the bench machine for a query with joins or subqueries, more than
    PostgreSQL's work (the webhook's query per comment: 3 ms against 0.4 ms; the account
    page's four queries: most of the page; ``make bench``). ``build`` makes the queryset
    from keyword values; the first call compiles ``build(**examples)`` and finds where each
    example went among the compiled parameters (once or more), and from then on every call
    runs that SQL with its own values in those places. Rows become model instances as the
    ORM makes them (its own iterable and the compiler of the first call), so
    ``select_related``, ``only``/``defer`` and annotations work as in the queryset.

    Only for a ``build`` whose SQL depends on nothing but where its values go, and whose
    lookups take a value as it is (exact and comparison lookups; not ``contains``,
    ``iexact`` and the other pattern lookups, which escape or wrap it): no filter added for
    some values and not others, no ``__in`` with a list of varying length, no
    ``prefetch_related`` (a second query the ORM would compile). The first call checks
    this: it also compiles ``build`` with its own values, and with texts holding ``%``,
    ``_``, a backslash and both cases, and raises ``ValueError`` unless that gives the
    same SQL and the same parameters as the examples' SQL with the values put in (so an
    example that equals a constant of the query is found too). Every call refuses a value
    that is not of its example's type (``TypeError``): None, or a number for text. The SQL
    is kept for the life of the process, so whatever ``build`` looks up in the database (a
    content type's id) must be one of the values, not a constant of the query.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], **examples: Any) -> None:
        self._build = build
        self._examples = examples
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str, values: dict[str, Any]) -> _Compiled:
        queryset = self._build(**self._examples)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        slots: dict[int, tuple[str, bool]] = {}
        for name, example in self._examples.items():
            found = {
                i: (name, as_text)
                for i, param in enumerate(params)
                if (as_text := _as_text(param, example)) is not None
            }
            if not found:
                raise ValueError(f"{name}={example!r} is not among the parameters of {sql!r}")
            slots.update(found)
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ValueError(f"{self._build.__name__} prefetches: it cannot be prepared")
        compiled = _Compiled(
            model=queryset.model,
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            server=(
                _ServerStatement.of(sql, params)
                if connections[using].vendor == "postgresql"
                and settings.DATABASE_PREPARED_STATEMENTS
                else None
            ),
        )
        # The call's own values, and texts with a pattern's special characters and both
        # cases (a LIKE lookup escapes them, an i-lookup may fold them), must go in as they
        # are: else the ORM changes the value on the way, and a raw value would differ.
        probe = {k: v + "%_\\Æø" if isinstance(v, str) else v for k, v in values.items()}
        for trial in (values, probe):
            direct_sql, direct_params = self._build(**trial).query.get_compiler(using).as_sql()
            if direct_sql != sql or list(direct_params) != compiled.params_for(trial):
                raise ValueError(
                    f"the SQL of {self._build.__name__} depends on more than where its values "
                    "go, or the ORM changes a value on the way (a pattern lookup), or an "
                    "example equals a constant of the query; it cannot be prepared"
                )
        return compiled

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[M]:
        if values.keys() != self._examples.keys():
            raise TypeError(f"expected the values {sorted(self._examples)}, got {sorted(values)}")
        # Each value of the type of its example: None would be "= NULL", not "IS NULL", and
        # a number for a text column would skip the ORM's conversion.
        wrong = [k for k, v in values.items() if type(v) is not type(self._examples[k])]
        if wrong:
            raise TypeError(f"{wrong} must be of the type of their examples")
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using, values)
        connection = connections[using]  # this thread's
        replay = copy.copy(compiled.compiler)
        replay.connection = connection
        params = tuple(compiled.params_for(values))
        statement = (compiled.sql, params)
        if compiled.server is not None:
            if compiled.server.ready(connection):
                statement = (compiled.server.execute, params)
            else:
                self._compiled[using] = replace(compiled, server=None)
        replay.as_sql = lambda *args, **kwargs: statement
        query = _ReplayQuery(compiled.model)
        query.replay = replay
        return list(QuerySet(model=compiled.model, query=query, using=using))
