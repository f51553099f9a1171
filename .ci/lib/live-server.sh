# Shared by the live-server checks in .ci/checks.d: a fresh PostgreSQL database with reference
# and demo data, an editor with an API key, and gunicorn under production-like settings on a
# free port. Source it, then call live_server_up NAME REDIS_DB; the server is stopped on exit.
#
# Sets: BASE_URL, EDITOR_TOKEN, SERVER_PID, SERVER_LOG, LIVE_ENV (the server's environment, for
# running manage.py against the same database).

PY=${PY:-.venv/bin/python}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
# A separate Redis (REDIS_PORT) and database prefix (LIVE_DB_PREFIX) let several runs share a machine.
REDIS_PORT=${REDIS_PORT:-6379}
LIVE_DB_PREFIX=${LIVE_DB_PREFIX:-cmat_live_}

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

live_server_down() {
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
  fi
}

# live_server_up NAME REDIS_DB [WORKERS]
live_server_up() {
  local name=$1 redis_db=$2 workers=${3:-2}
  local db="$LIVE_DB_PREFIX$name"
  psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -n "$redis_db" flushdb >/dev/null

  local port
  port=$(free_port)
  BASE_URL="http://127.0.0.1:$port"
  SERVER_LOG=$(mktemp "/tmp/cmat-$name-gunicorn.XXXXXX.log")
  # Production-like: DEBUG off, a real secret, Redis cache and throttles, static files from
  # collectstatic. Throttle rates are raised so the checks measure the API, not the throttle.
  LIVE_ENV=(
    "DATABASE_URL=$PGURL/$db"
    "REDIS_URL=redis://127.0.0.1:$REDIS_PORT/$redis_db"
    "SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
    "DEBUG=0"
    "ALLOWED_HOSTS=127.0.0.1,localhost"
    "SECURE_COOKIES=1"
    "THROTTLE_ANON=${THROTTLE_ANON:-1000000/min}"
    "THROTTLE_USER=${THROTTLE_USER:-1000000/min}"
    "CONN_MAX_AGE=60"
    "LOG_LEVEL=WARNING"
    "REQUEST_LOG_LEVEL=WARNING"
  )

  env "${LIVE_ENV[@]}" "$PY" manage.py migrate --no-input -v0
  env "${LIVE_ENV[@]}" "$PY" manage.py load_reference_data >/dev/null
  if env "${LIVE_ENV[@]}" "$PY" manage.py help generate_demo_data >/dev/null 2>&1; then
    env "${LIVE_ENV[@]}" "$PY" manage.py generate_demo_data --agreements "${DEMO_AGREEMENTS:-300}" \
      --seed 1 >/dev/null 2>&1
  else
    echo "generate_demo_data not available: only the reference agreements are loaded" >&2
  fi
  env "${LIVE_ENV[@]}" "$PY" manage.py collectstatic --no-input -v0

  env "${LIVE_ENV[@]}" "$PY" manage.py shell -c "
from django.contrib.auth.models import Group, User
user, _ = User.objects.get_or_create(username='ci-editor')
user.groups.add(Group.objects.get(name='editors'))
"
  EDITOR_TOKEN=$(env "${LIVE_ENV[@]}" "$PY" manage.py create_api_token ci-editor 2>/dev/null | tail -n 1)

  env "${LIVE_ENV[@]}" GUNICORN_WORKERS="$workers" BIND="127.0.0.1:$port" \
    .venv/bin/gunicorn -c gunicorn.conf.py >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  trap live_server_down EXIT
  for _ in $(seq 60); do
    if curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null; then
      echo "gunicorn ($workers workers) on $BASE_URL, log $SERVER_LOG"
      return 0
    fi
    sleep 0.5
  done
  echo "gunicorn did not become ready:" >&2
  cat "$SERVER_LOG" >&2
  return 1
}
