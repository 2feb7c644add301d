"""Fast bulk writes for the import (100,000 rows): the ORM's per-value machinery costs more than
the database work at that size.

- SQLite: multi-row INSERT … RETURNING, and UPDATE by primary key with executemany.
- PostgreSQL: COPY (primary keys drawn from the table's sequence first), and COPY into a
  temporary table followed by one UPDATE … FROM.

Values are adapted with the backend's own operations (dates, aware datetimes); encrypted columns
must be passed as ciphertext. Used only inside a transaction by the import and bulk services."""

from __future__ import annotations

from django.db import connection, models


def _adapter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def _batch_rows(column_count: int) -> int:
    limit = 30_000 if connection.vendor == "sqlite" else 60_000
    return max(1, min(2000, limit // max(1, column_count)))


def insert(model: type[models.Model], fields: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """Insert `rows` (tuples in the order of `fields`, attnames); return the new primary keys in
    row order when `returning` (both SQLite ≥ 3.35 and PostgreSQL return them in insert order, as
    Django's bulk_create also relies on)."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _pg_insert(model, fields, rows, returning=returning)
    meta = model._meta
    qn = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in fields]
    adapters = [(i, _adapter(meta.get_field(name))) for i, name in enumerate(fields)]
    adapters = [(i, a) for i, a in adapters if a is not None]
    per_batch = _batch_rows(len(fields))
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Names come from the model's meta (quoted), values are parameters.
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608
    tail = f" RETURNING {qn(meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            params: list = []
            for row in batch:
                if adapters:
                    row = list(row)
                    for i, adapt in adapters:
                        if row[i] is not None:
                            row[i] = adapt(row[i])
                params.extend(row)
            cursor.execute(head + ", ".join([placeholder] * len(batch)) + tail, params)
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


def update(model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
    """UPDATE each row by primary key: `rows` are (pk, value of each field…)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _pg_update(model, fields, rows)
        return
    meta = model._meta
    qn = connection.ops.quote_name
    adapters = [(i + 1, _adapter(meta.get_field(name))) for i, name in enumerate(fields)]
    adapters = [(i, a) for i, a in adapters if a is not None]
    sets = ", ".join(f"{qn(meta.get_field(name).column)} = %s" for name in fields)
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608
    params = []
    for row in rows:
        row = list(row)
        for i, adapt in adapters:
            if row[i] is not None:
                row[i] = adapt(row[i])
        params.append((*row[1:], row[0]))
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])




def _pg_copy(cursor, table: str, columns: list[str], rows) -> None:
    qn = connection.ops.quote_name
    with cursor.cursor.copy(f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _pg_insert(model, fields: list[str], rows: list[tuple], *, returning: bool) -> list[int]:
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    with connection.cursor() as cursor:
        ids: list[int] = []
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            _pg_copy(cursor, meta.db_table, [meta.pk.column, *columns], ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
        else:
            _pg_copy(cursor, meta.db_table, columns, rows)
    return ids


def _pg_update(model, fields: list[str], rows: list[tuple]) -> None:
    meta = model._meta
    qn = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in fields]
    pk = meta.pk.column
    temp = f"_gz_update_{meta.db_table}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {qn(temp)} ON COMMIT DROP AS "  # noqa: S608 - names from the model's meta
            f"SELECT {', '.join(qn(c) for c in [pk, *columns])} FROM {qn(meta.db_table)} WITH NO DATA"
        )
        _pg_copy(cursor, temp, [pk, *columns], rows)
        sets = ", ".join(f"{qn(c)} = u.{qn(c)}" for c in columns)
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} AS t SET {sets} FROM {qn(temp)} AS u WHERE t.{qn(pk)} = u.{qn(pk)}"  # noqa: S608
        )
        cursor.execute(f"DROP TABLE {qn(temp)}")
