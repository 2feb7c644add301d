"""Buffered bulk writers with explicit primary keys: COPY on PostgreSQL (psycopg 3), multi-row
executemany on SQLite (small sizes, tests). Values are Python values; JSON columns are given as
already serialised text; encrypted columns as ciphertext."""

from __future__ import annotations

import datetime as dt

from django.db import connection, models


class Sink:
    def __init__(self, model: type[models.Model], fields: list[str], *, batch: int = 20_000):
        meta = model._meta
        self.model = model
        self.table = meta.db_table
        self.columns = [meta.pk.column] + [meta.get_field(f).column for f in fields]
        self.batch = batch
        self.rows: list[tuple] = []
        self.written = 0
        self.pg = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX({meta.pk.column}), 0) FROM {self.table}")  # noqa: S608 - names from meta
            self.next_id = cursor.fetchone()[0] + 1
        kinds = [meta.pk] + [meta.get_field(f) for f in fields]
        ops = connection.ops
        self._adapt = []
        if not self.pg:
            for i, field in enumerate(kinds):
                if isinstance(field, models.DateTimeField):
                    self._adapt.append((i, ops.adapt_datetimefield_value))
                elif isinstance(field, models.DateField):
                    self._adapt.append((i, ops.adapt_datefield_value))
                elif isinstance(field, models.DecimalField):
                    self._adapt.append((i, str))

    def new_id(self) -> int:
        pk = self.next_id
        self.next_id += 1
        return pk

    def add(self, row: tuple) -> None:
        """`row` starts with the primary key (from `new_id`)."""
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:  # noqa: S608
                    for row in rows:
                        copy.write_row(row)
            else:
                if self._adapt:
                    fixed = []
                    for row in rows:
                        row = list(row)
                        for i, adapt in self._adapt:
                            if row[i] is not None:
                                row[i] = adapt(row[i])
                        fixed.append(row)
                    rows = fixed
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
        self.written += len(rows)

    def finish(self) -> None:
        self.flush()
        if self.pg and self.written:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT MAX(" + self.columns[0] + ") FROM "  # noqa: S608
                    + self.table + "))",
                    [self.table, self.columns[0]],
                )


def utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)
