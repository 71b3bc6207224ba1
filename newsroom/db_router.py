"""
Readers' queries on PostgreSQL read replicas (DATABASE_REPLICA_URLS), everything else on the
primary. A query goes to a replica only inside replica_reads(), which the page cache opens for
an anonymous reader's page; writes, staff, the admin, imports, tasks and the shell use the
primary, and so does a reader's page while the site has just changed (a replica may not have
the change yet: REPLICA_LAG_SECONDS).
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_replica_reads: ContextVar[bool] = ContextVar("newsroom_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside, reads may go to a replica (when there is one, and no transaction is open)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replicas() -> list[str]:
    """The aliases of the configured read replicas."""
    return settings.NEWSROOM_DATABASE_REPLICAS


class ReplicaRouter:
    """Reads inside replica_reads() to a replica, chosen at random; all else to the primary."""

    def db_for_read(self, model, **hints):
        aliases = replicas()
        if not aliases or not _replica_reads.get():
            return DEFAULT_DB_ALIAS
        # What a transaction on the primary wrote is only there.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(aliases)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the primary's rows: an object read from one relates to any other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
