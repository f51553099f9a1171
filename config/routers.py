"""Read replicas: which database a query goes to.

Active when ``DATABASE_REPLICA_URL`` is set (``DATABASES["replica"]``, a streaming replica of
``default``). A request's reads go to the replica only when all of these hold, and to the
primary otherwise:

* the request is a ``GET``, ``HEAD`` or ``OPTIONS`` (a write request reads from the primary
  throughout, so its checks and its answer see its own transaction), and the read is not
  inside a transaction on the primary;
* the client has not written in the last ``READ_YOUR_WRITES_SECONDS``: a successful write
  leaves a marker in the shared cache keyed by a hash of the client's credentials
  (``Authorization`` header or session cookie), so a writer's next reads see its write;
* the replica has replayed the primary's WAL at least up to where the primary was when the
  request read the data version (``config/api/data_version.py``). Cached responses are keyed by that
  version, so a response built on a lagging replica is never stored under a version whose
  data it does not contain, and no client ever sees data go back in time from one request
  to the next. This is one small query on the replica per request that reads the database;
* the replica answered its last check: a replica that is down (or whose check fails) is left
  alone for ``REPLICA_RETRY_SECONDS`` and every read goes to the primary meanwhile.

Outside requests (management commands, the shell, migrations) everything uses the primary.
Writes and migrations always do.

The changes feed is correct on the replica: writers take one advisory lock until they commit
(``agreements/sync/changelog.py``), so event ids are handed out in commit order and at most one
writing transaction is in flight; a streaming replica replays commits in the primary's WAL
order, so every snapshot on the replica holds a prefix of the feed, as on the primary.
"""

import contextvars
import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Longest wait for the replica's answer to the routing check before it is taken for down.
REPLICA_CHECK_SECONDS = 1.0

# Per request: the routing decision, made once at the first read.
_state: contextvars.ContextVar[dict | None] = contextvars.ContextVar("cmat_routing", default=None)

_down_lock = threading.Lock()
_replica_down_until = 0.0


def _writer_key(request) -> str | None:
    credential = request.META.get("HTTP_AUTHORIZATION") or request.COOKIES.get(
        settings.SESSION_COOKIE_NAME
    )
    if not credential:
        return None
    return "wrote:" + hashlib.sha256(credential.encode()).hexdigest()[:32]


def _replica_caught_up() -> bool:
    """The replica answers and has replayed at least up to the primary's position at the
    request's data-version read."""
    if time.monotonic() < _replica_down_until:
        return False
    from config.api.data_version import primary_lsn

    floor = primary_lsn()
    replica = connections[REPLICA]
    try:
        replica.ensure_connection()
        raw = replica.connection
        # The check is trivial: a replica that takes longer is down (behind PgBouncer, a
        # stopped server shows as a wait for a server connection, not as a refusal).
        previous = getattr(raw, "reply_timeout", None)
        raw.reply_timeout = REPLICA_CHECK_SECONDS
        try:
            with replica.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn OR NOT pg_is_in_recovery()",
                    [floor],
                )
                return bool(cursor.fetchone()[0])
        finally:
            if replica.connection is not None:
                replica.connection.reply_timeout = previous
    except DatabaseError as error:
        replica_failed(error)
        return False


def replica_failed(error) -> None:
    """Leave the replica alone for REPLICA_RETRY_SECONDS (this process)."""
    global _replica_down_until
    with _down_lock:
        first = time.monotonic() >= _replica_down_until
        _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    if first:
        logger.warning("replica unavailable (%s): reading from the primary", error)
    connections[REPLICA].close()


class ReplicaRoutingMiddleware:
    """Marks the request's routing state for the router, and leaves the read-your-writes
    marker after a successful write."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        state = {"request": request, "db": None}
        token = _state.set(state)
        try:
            response = self.get_response(request)
            if (
                state["db"] == REPLICA
                and response.status_code == 503
                and request.method in SAFE_METHODS
                and not response.streaming
            ):
                # The replica failed under the request (stopped, restarted, cut off): a read
                # can safely be answered again, from the primary.
                replica_failed("a query failed")
                logger.warning(
                    "%s %s: answered again from the primary", request.method, request.path
                )
                state["db"] = PRIMARY
                response = self.get_response(request)
        finally:
            _state.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            key = _writer_key(request)
            if key:
                cache.set(key, 1, settings.READ_YOUR_WRITES_SECONDS)
        return response


def _decide(state: dict) -> str:
    request = state["request"]
    if request.method not in SAFE_METHODS:
        return PRIMARY
    key = _writer_key(request)
    if key and cache.get(key):
        return PRIMARY
    return REPLICA if _replica_caught_up() else PRIMARY


def reads_from() -> str | None:
    """The database the current request reads from (None outside a request or before its
    first read)."""
    state = _state.get()
    return state["db"] if state else None


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if state["db"] is None:
            state["db"] = PRIMARY  # while deciding (the checks themselves read)
            state["db"] = _decide(state)
        return state["db"]

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one logical database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def replica_status() -> dict:
    """For /readyz: whether the replica answers, and how far it is behind the primary (bytes
    of WAL not yet replayed, and seconds since the last replayed commit when it is behind)."""
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary = cursor.fetchone()[0]
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()),"
                " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())",
                [primary],
            )
            lag_bytes, since_commit = cursor.fetchone()
    except DatabaseError:
        connections[REPLICA].close()
        return {"replica": "unavailable"}
    lag_bytes = max(0, int(lag_bytes or 0))
    return {
        "replica": "ok",
        "replica_lag_bytes": lag_bytes,
        # Caught up: no lag, however long ago the last write was.
        "replica_lag_seconds": round(float(since_commit or 0), 3) if lag_bytes else 0.0,
    }
