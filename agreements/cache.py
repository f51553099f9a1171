"""The data version: one counter, shared by every worker through the cache, that every
write bumps once its transaction commits. Cached responses and ETags are keyed by it, so
no worker serves data older than the last committed write."""

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "data-version"


def data_version() -> str:
    """The current data version (created on first use; survives as long as the cache)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # A random start keeps versions unique across cache flushes and restarts.
        cache.add(VERSION_KEY, uuid.uuid4().int % 10**12)
        version = cache.get(VERSION_KEY)
    return str(version)


def _bump() -> None:
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
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump)
