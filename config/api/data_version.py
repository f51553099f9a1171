"""The data version: one number that every committed write moves forward. Cached responses,
counts and lookups are keyed by it, so no worker serves data older than the last committed
write.

On PostgreSQL the version is a database sequence (``agreements_data_version``): it lives with
the data, so it never goes back in time, whatever happens to the cache (Redis restarted
empty or from an old snapshot, keys evicted, Redis unreachable while writes went on). Reading
it costs one small query, made once per request. Elsewhere (SQLite, local development) it is
a counter in the cache, which on a single machine has the same lifetime as the process.
"""

import threading
import uuid

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction

VERSION_KEY = "data-version"
LSN_KEY = "data-version-lsn"
SEQUENCE = "agreements_data_version"

# The version read once per request (per thread), forgotten at the request's end and after
# any bump made by this thread; outside requests (commands, shells) it is read every time.
_request = threading.local()


def _in_database() -> bool:
    return connection.vendor == "postgresql"


def _read() -> str:
    if _in_database():
        with connection.cursor() as cursor:
            # The WAL position with it: a replica that has replayed this far holds every
            # write this version stands for (config/routers.py).
            cursor.execute(
                f"SELECT last_value, pg_current_wal_insert_lsn()::text FROM {SEQUENCE}"  # noqa: S608
            )
            version, _request.lsn = cursor.fetchone()
            return str(version)
    version = cache.get(VERSION_KEY)
    if version is None:
        # A random start keeps versions unique across cache flushes and restarts.
        cache.add(VERSION_KEY, uuid.uuid4().int % 10**12)
        version = cache.get(VERSION_KEY)
    return str(version)


def data_version() -> str:
    """The current data version."""
    memo = getattr(_request, "memo", None)
    if memo is None:
        return _read()
    if "version" not in memo:
        memo["version"] = _read()
        memo["lsn"] = getattr(_request, "lsn", None)
    return memo["version"]


def primary_lsn() -> str:
    """A WAL position of the primary that covers every write the current request's data
    version stands for: a replica that has replayed this far holds them all.

    The position recorded just after the write that produced the version, when the shared
    cache has it (see ``_bump``); otherwise the primary's position when the version was
    read (as safe, but any later WAL, e.g. autovacuum's, makes it stricter than needed)."""
    memo = getattr(_request, "memo", None)
    if memo is None:
        version = _read()
        current = _request.lsn
    else:
        version = data_version()
        current = memo["lsn"]
    return cache.get(f"{LSN_KEY}:{version}") or current


def _bump(committed: bool = False) -> None:
    memo = getattr(_request, "memo", None)
    if memo is not None:
        memo.pop("version", None)
    if _in_database():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT nextval('{SEQUENCE}')")
            version = cursor.fetchone()[0]
            if committed:
                # Read after the nextval: writers commit one at a time (changes.lock_writes),
                # so every write behind a smaller version committed before this position.
                cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
                cache.set(f"{LSN_KEY}:{version}", cursor.fetchone()[0], 3600)
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key expired or was never set
        cache.add(VERSION_KEY, uuid.uuid4().int % 10**12)


def bump_data_version() -> None:
    """Mark all cached responses stale now and again when the transaction commits.

    The commit-time bump is the one that matters: a response built from the old data
    between the two bumps is cached under the intermediate version and dropped by the
    second. The immediate bump makes the write visible to reads inside the same
    transaction (the writer's own follow-up reads, and tests).
    """
    if transaction.get_connection().in_atomic_block:
        _bump()
        transaction.on_commit(lambda: _bump(committed=True))
    else:
        _bump(committed=True)


def _request_started(**kwargs):
    _request.memo = {}


def _request_finished(**kwargs):
    _request.memo = None


request_started.connect(_request_started, dispatch_uid="cmat-data-version-start")
request_finished.connect(_request_finished, dispatch_uid="cmat-data-version-end")
