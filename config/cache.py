"""Django's Redis cache backend, made optional: a Redis that is down or hung never fails a
request.

Every call that fails with a Redis error (refused, reset, timed out) is answered as a miss:
``get`` returns the default, ``get_many`` nothing, ``add`` and ``set`` store nothing. After a
failure the process leaves Redis alone for ``retry_seconds`` (so a hung Redis costs one socket
timeout per process and period, not one per call), then tries again. The outage is logged
once when it starts and once when it ends, not for every call.

What that means for the application: cached responses are rebuilt from the database (the
data version comes from PostgreSQL, config/api/data_version.py, so nothing stale comes back when
Redis does), and throttling, whose counters live in the cache, lets requests through.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger("cmat.cache")

_MISSING = object()


class _Health:
    """Whether a Redis server is being waited out, shared by every thread of the process
    (Django gives each thread its own cache object)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0  # monotonic time before which Redis is skipped
        self.down = False


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        # One attempt per call: a retry would only double the wait on a hung server.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        params["OPTIONS"] = options
        super().__init__(server, params)
        with _health_lock:
            self._health = _health.setdefault(str(server), _Health())

    # -- availability --------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """False while an outage is being waited out (no call is made to Redis then)."""
        return time.monotonic() >= self._health.down_until

    def _failed(self, error: Exception) -> None:
        health = self._health
        with health.lock:
            health.down_until = time.monotonic() + self.retry_seconds
            first = not health.down
            health.down = True
        if first:
            logger.error(
                "cache unavailable (%s: %s): serving from the database and not enforcing "
                "rate limits; retrying every %g s",
                type(error).__name__,
                error,
                self.retry_seconds,
            )

    def _succeeded(self) -> None:
        health = self._health
        if health.down:
            with health.lock:
                recovered, health.down = health.down, False
            if recovered:
                logger.warning("cache available again: caching and rate limits resumed")

    def _call(self, method, fallback, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            result = method(*args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return fallback
        self._succeeded()
        return result

    def ping(self) -> bool:
        """Whether Redis answers now (health checks); counts as a call like any other."""
        return bool(self._call(lambda: self._cache.get_client(write=True).ping(), False))

    # -- the cache API -------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        result = self._call(super().get, _MISSING, key, _MISSING, version)
        return default if result is _MISSING else result

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._call(super().incr, _MISSING, key, delta, version)
        if result is _MISSING:
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
