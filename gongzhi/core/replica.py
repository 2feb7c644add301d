"""Reading from a replica (`DATABASE_REPLICA_URL`): dashboards, monthly reports and the dashboard's
exports run their queries on the read replica when the deployment has one (PostgreSQL streaming
replication is the deployment's business: docs/DEPLOY.md), and on the primary otherwise.

Only code that asks for it reads from the replica — `with reading_replica(): ...` around a read-only
selection — so a page never reads its own writes from a copy that may lag a second behind. Writes
always go to the primary; migrations run only there. Settings add the `replica` alias and this
router when `DATABASE_REPLICA_URL` is set.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("gongzhi_reading_replica", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_replica() -> Iterator[None]:
    """Inside the block, reads go to the replica when one is configured. Evaluate the querysets
    inside it: one evaluated after the block reads from the primary."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def database_for_reading() -> str:
    return REPLICA if _reading.get() and configured() else DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reading.get() and configured() else None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
