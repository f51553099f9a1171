"""Helpers shared by the live-server tests (gunicorn started by the test itself)."""

import contextlib
import os
import socket
import uuid
from urllib.parse import urlsplit


def postgres_server() -> str | None:
    """The PostgreSQL server the suite runs against (scheme and host of DATABASE_URL), or None."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_database(redis_url: str, label: str, **settings: str):
    """A fresh PostgreSQL database and the production-like environment of a server using it
    (DEBUG off, a real secret, Redis at ``redis_url`` under a key prefix of its own, plus
    ``settings``); the database and the Redis keys are removed afterwards. Skips the test,
    saying why, without PostgreSQL or Redis."""
    import pytest

    server = postgres_server()
    if server is None:
        pytest.skip("live test: needs DATABASE_URL pointing at PostgreSQL (skipped on SQLite)")
    if not redis_reachable(redis_url):
        pytest.skip(f"live test: Redis not reachable at {redis_url}")
    import psycopg
    import redis

    database = f"cmat_live_{label}_{uuid.uuid4().hex[:8]}"
    prefix = f"live-{database}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(
        SECRET_KEY="live-test-" + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{server}/{database}",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=prefix,
        **settings,
    )
    try:
        yield env
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        # A test that stopped its own Redis leaves nothing to clean there.
        with contextlib.suppress(redis.RedisError):
            client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=2)
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)
