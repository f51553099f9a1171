"""gunicorn settings for production (picked up automatically from the working directory).

Sized for the 2-core machines the service runs on; every value can be overridden from the
environment (or with gunicorn's own command-line flags). See docs/deployment.md.
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


wsgi_app = "config.wsgi:application"

# BIND wins; otherwise PORT on all interfaces (platforms that assign a port); otherwise local.
bind = os.environ.get("BIND") or (
    f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
)

# gthread: a request spends much of its time waiting on PostgreSQL and Redis, so threads keep a
# core busy while another request waits, and a slow client does not block a whole process.
# Workers: one per core plus one (3 on 2 cores) so a worker recycled by max_requests or busy
# in a long request leaves the others serving; more processes would only multiply memory and
# database connections. Threads: 4 per worker (12 requests in flight), enough to cover I/O
# waits while the GIL keeps a worker to one core; each thread may hold one database connection,
# so PostgreSQL sees at most workers × threads connections per machine.
# config.gunicorn_worker.ThreadWorker is gthread plus two bounds the stock one lacks: a request
# running longer than `timeout` gets its worker restarted, and a client that has not sent its
# whole request head within GUNICORN_HEADER_TIMEOUT seconds is disconnected.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "config.gunicorn_worker.ThreadWorker")
workers = _int("GUNICORN_WORKERS", (os.cpu_count() or 2) + 1)
threads = _int("GUNICORN_THREADS", 4)

# A request that takes longer than this is a bug or an attack: its worker is killed and
# replaced (with the stock gthread worker this would never happen: its heartbeat comes from
# the main thread, whatever a request thread does). A streaming export counts from its last
# chunk, so one that keeps sending is not cut.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep-alive for the reverse proxy's upstream connections (a little longer than nginx's).
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so slow memory growth never accumulates; the jitter keeps the
# workers from restarting at the same moment. A recycle costs a worker's start-up and its warm
# connections, and its requests wait meanwhile, so it must be rare: 2000 (gunicorn's usual
# example) recycled every worker every few seconds under load and put restarts into the p99.
# 200 000 ± 10 %: at the fastest rate one worker serves here (about 500 requests/s on
# /healthz, flat out) that is one recycle per worker every 6-7 minutes at most; behind the
# HTTP cache, which answers most anonymous reads itself, it is hours apart. The application
# holds no per-request state that grows (caches are in Redis, bounded memos are per request).
max_requests = _int("GUNICORN_MAX_REQUESTS", 200_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 20_000)

# Load the application in the master before forking: workers share the imported code's memory
# and a broken deploy fails at start rather than in every worker.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in ("0", "false", "no")

# Request-line and header limits (the body is limited by the application: 413).
limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 8190)
limit_request_fields = 100
limit_request_field_size = 8190

# The application logs one JSON line per request itself (config/api/middleware.py); gunicorn's
# access log is off unless GUNICORN_ACCESS_LOG names a file or "-" (stdout), in which case it
# is also one JSON object per line.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = (
    '{"remote":"%(h)s","method":"%(m)s","path":"%(U)s","query":"%(q)s","status":%(s)s,'
    '"bytes":"%(B)s","duration_ms":%(M)s,"request_id":"%({x-request-id}o)s",'
    '"user_agent":"%(a)s"}'
)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Behind a reverse proxy on the same machine, trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
