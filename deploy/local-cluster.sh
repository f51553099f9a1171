#!/usr/bin/env bash
# The documented production topology (docs/deployment.md), on loopback, from Debian packages:
#
#   nginx (HTTP cache) ─▶ gunicorn A, gunicorn B ─▶ PgBouncer (transaction pooling)
#                                 │                    ├─▶ PostgreSQL primary
#                                 └─▶ Redis            └─▶ PostgreSQL streaming replica
#
#   deploy/local-cluster.sh up     build and start everything (a fresh copy each time)
#   deploy/local-cluster.sh down   stop everything and delete its data directory
#   deploy/local-cluster.sh env    print the variables of a running cluster (sourceable)
#
# Everything lives in CLUSTER_DIR (default /tmp/cmat-cluster-$CLUSTER_PORT) and listens on
# 127.0.0.1 ports CLUSTER_PORT+0 (nginx), +1/+2 (gunicorn A/B), +3 (PgBouncer), +4 (primary),
# +5 (replica), +6 (Redis). The PostgreSQL servers are clusters of their own (initdb and
# pg_basebackup as the postgres user); no server already on the machine is touched.
# DEMO_AGREEMENTS (default 2000) sets the size of the generated catalogue.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CLUSTER_PORT=${CLUSTER_PORT:-16600}
CLUSTER_DIR=${CLUSTER_DIR:-/tmp/cmat-cluster-$CLUSTER_PORT}
PY=${PY:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}

NGINX_PORT=$CLUSTER_PORT
APP_PORTS=($((CLUSTER_PORT + 1)) $((CLUSTER_PORT + 2)))
BOUNCER_PORT=$((CLUSTER_PORT + 3))
PRIMARY_PORT=$((CLUSTER_PORT + 4))
REPLICA_PORT=$((CLUSTER_PORT + 5))
REDIS_PORT=$((CLUSTER_PORT + 6))
# How long nginx and shared caches may keep an anonymous response (and so the longest a
# write takes to reach anonymous readers through the cache).
MAX_AGE=${PUBLIC_CACHE_MAX_AGE:-5}

as_postgres() { runuser -u postgres -- "$@"; }
log() { printf '[cluster] %s\n' "$*"; }

app_env() {
  cat <<EOF
export CLUSTER_DIR=$CLUSTER_DIR
export NGINX_URL=http://127.0.0.1:$NGINX_PORT
export APP_URLS="http://127.0.0.1:${APP_PORTS[0]} http://127.0.0.1:${APP_PORTS[1]}"
export PRIMARY_DSN="postgresql://postgres@127.0.0.1:$PRIMARY_PORT/cmat"
export REPLICA_DSN="postgresql://postgres@127.0.0.1:$REPLICA_PORT/cmat"
export DATABASE_URL="postgres://postgres@127.0.0.1:$BOUNCER_PORT/cmat"
export DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$BOUNCER_PORT/cmat_replica"
export DB_POOLER=transaction
export CONN_MAX_AGE=60
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export SECRET_KEY=$(cat "$CLUSTER_DIR/secret" 2>/dev/null || echo unset)
export DEBUG=0
export ALLOWED_HOSTS=127.0.0.1,localhost
export NUM_PROXIES=1
export PUBLIC_CACHE_MAX_AGE=$MAX_AGE
export PUBLIC_CACHE_STALE_WHILE_REVALIDATE=$((MAX_AGE * 2))
export THROTTLE_ANON=off
export THROTTLE_USER=off
export LOG_LEVEL=WARNING
export REQUEST_LOG_LEVEL=WARNING
export CACHE_RETRY_SECONDS=1
export REPLICA_RETRY_SECONDS=2
export REPLICA_LOG=$CLUSTER_DIR/replica.log
export EDITOR_TOKEN=$(cat "$CLUSTER_DIR/editor-token" 2>/dev/null || echo unset)
export PUBLISHER_TOKEN=$(cat "$CLUSTER_DIR/publisher-token" 2>/dev/null || echo unset)
export REDIS_PORT=$REDIS_PORT
export CLUSTER_PORT=$CLUSTER_PORT
EOF
}

wait_for() { # wait_for DESCRIPTION COMMAND...
  local what=$1
  shift
  for _ in $(seq 100); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "[cluster] $what did not come up" >&2
  return 1
}

pg_conf() { # pg_conf DATADIR PORT
  cat >>"$1/postgresql.conf" <<EOF
port = $2
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CLUSTER_DIR/sock'
max_connections = 100
wal_level = replica
max_wal_senders = 5
hot_standby = on
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
# A throw-away cluster: durability is not what it is for.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start_app() { # start_app INDEX
  local port=${APP_PORTS[$1]}
  (
    eval "$(app_env)"
    export BIND="127.0.0.1:$port" GUNICORN_WORKERS=${GUNICORN_WORKERS:-2}
    "$GUNICORN" -c gunicorn.conf.py --daemon --capture-output --pid "$CLUSTER_DIR/app$1.pid" \
      --error-logfile "$CLUSTER_DIR/app$1.log"
  )
  wait_for "gunicorn on $port" curl -fsS "http://127.0.0.1:$port/readyz"
}

stop_pidfile() { # stop_pidfile FILE [SIGNAL]
  local file=$1 pid
  pid=$(cat "$file" 2>/dev/null) || return 0
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "-${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

up() {
  [ -e "$CLUSTER_DIR" ] && down
  for tool in nginx pgbouncer redis-server "$PGBIN/initdb" "$PGBIN/pg_basebackup"; do
    command -v "$tool" >/dev/null || { echo "[cluster] $tool is not installed" >&2; exit 1; }
  done
  mkdir -p "$CLUSTER_DIR"/{sock,nginx-cache,nginx-temp}
  chown -R postgres "$CLUSTER_DIR"
  "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$CLUSTER_DIR/secret"

  log "PostgreSQL primary on $PRIMARY_PORT"
  as_postgres "$PGBIN/initdb" -D "$CLUSTER_DIR/primary" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  pg_conf "$CLUSTER_DIR/primary" "$PRIMARY_PORT"
  as_postgres "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/primary" -l "$CLUSTER_DIR/primary.log" -w start \
    >/dev/null
  as_postgres psql -qX -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres \
    -c "CREATE DATABASE cmat" >/dev/null
  as_postgres psql -qX -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d cmat \
    -c "CREATE EXTENSION pg_stat_statements" >/dev/null

  log "PostgreSQL streaming replica on $REPLICA_PORT (pg_basebackup -R)"
  as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres \
    -D "$CLUSTER_DIR/replica" -R -X stream -c fast
  echo "port = $REPLICA_PORT" >>"$CLUSTER_DIR/replica/postgresql.auto.conf"
  as_postgres "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/replica" -l "$CLUSTER_DIR/replica.log" -w start \
    >/dev/null

  log "Redis on $REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
    --pidfile "$CLUSTER_DIR/redis.pid" --logfile "$CLUSTER_DIR/redis.log" --dir "$CLUSTER_DIR"
  wait_for "Redis" redis-cli -p "$REDIS_PORT" ping

  log "PgBouncer (transaction pooling) on $BOUNCER_PORT"
  sed -e "s|@BOUNCER_PORT@|$BOUNCER_PORT|g" -e "s|@PRIMARY_PORT@|$PRIMARY_PORT|g" \
    -e "s|@REPLICA_PORT@|$REPLICA_PORT|g" -e "s|@DIR@|$CLUSTER_DIR|g" \
    deploy/pgbouncer/pgbouncer.ini >"$CLUSTER_DIR/pgbouncer.ini"
  echo '"postgres" ""' >"$CLUSTER_DIR/userlist.txt"
  chown postgres "$CLUSTER_DIR/pgbouncer.ini" "$CLUSTER_DIR/userlist.txt"
  as_postgres pgbouncer -d -q "$CLUSTER_DIR/pgbouncer.ini"
  wait_for "PgBouncer" psql -qX -h 127.0.0.1 -p "$BOUNCER_PORT" -U postgres -d cmat -c "SELECT 1"

  log "schema, reference data and ${DEMO_AGREEMENTS:-2000} demo agreements (through PgBouncer)"
  (
    eval "$(app_env)"
    export DB_STATEMENT_TIMEOUT=0
    "$PY" manage.py migrate --no-input -v0
    "$PY" manage.py load_reference_data >/dev/null
    "$PY" manage.py generate_demo_data --agreements "${DEMO_AGREEMENTS:-2000}" --seed 1 >/dev/null
    "$PY" manage.py collectstatic --no-input -v0
    "$PY" manage.py shell -c "
from django.contrib.auth.models import Group, User
for name, group in (('cluster-editor', 'editors'), ('cluster-publisher', 'publishers')):
    user, _ = User.objects.get_or_create(username=name)
    user.groups.add(Group.objects.get(name=group))
"
    "$PY" manage.py create_api_token cluster-editor 2>/dev/null | tail -n 1 >"$CLUSTER_DIR/editor-token"
    "$PY" manage.py create_api_token cluster-publisher 2>/dev/null | tail -n 1 \
      >"$CLUSTER_DIR/publisher-token"
  )

  for i in 0 1; do
    log "gunicorn $((i + 1)) of 2 on ${APP_PORTS[$i]}"
    start_app "$i"
  done

  log "nginx on $NGINX_PORT"
  local upstreams=""
  for port in "${APP_PORTS[@]}"; do
    upstreams+="    server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"$'\n'
  done
  {
    cat <<EOF
worker_processes 1;
pid $CLUSTER_DIR/nginx.pid;
error_log $CLUSTER_DIR/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $CLUSTER_DIR/nginx-temp/body;
    proxy_temp_path $CLUSTER_DIR/nginx-temp/proxy;
    fastcgi_temp_path $CLUSTER_DIR/nginx-temp/fastcgi;
    uwsgi_temp_path $CLUSTER_DIR/nginx-temp/uwsgi;
    scgi_temp_path $CLUSTER_DIR/nginx-temp/scgi;
EOF
    sed -e "s|@CACHE_DIR@|$CLUSTER_DIR/nginx-cache|g" -e "s|@LISTEN@|127.0.0.1:$NGINX_PORT|g" \
      -e "s|@SERVER_NAME@|localhost|g" deploy/nginx/cmat.conf |
      awk -v ups="$upstreams" '/@UPSTREAM_SERVERS@/ { printf "%s", ups; next } { print }'
    echo "}"
  } >"$CLUSTER_DIR/nginx.conf"
  nginx -t -q -c "$CLUSTER_DIR/nginx.conf" -e "$CLUSTER_DIR/nginx-error.log"
  nginx -c "$CLUSTER_DIR/nginx.conf" -e "$CLUSTER_DIR/nginx-error.log"
  wait_for "nginx" curl -fsS "http://127.0.0.1:$NGINX_PORT/readyz"
  app_env >"$CLUSTER_DIR/env"
  log "up: $(curl -fsS "http://127.0.0.1:$NGINX_PORT/readyz")"
  log "variables: source $CLUSTER_DIR/env"
}

down() {
  # Every step runs whatever the previous ones did: nothing started may be left behind.
  [ -d "$CLUSTER_DIR" ] || return 0
  stop_pidfile "$CLUSTER_DIR/nginx.pid" QUIT || true
  for i in 0 1; do stop_pidfile "$CLUSTER_DIR/app$i.pid" || true; done
  stop_pidfile "$CLUSTER_DIR/pgbouncer.pid" || true
  stop_pidfile "$CLUSTER_DIR/redis.pid" || true
  for node in replica primary; do
    if [ -s "$CLUSTER_DIR/$node/postmaster.pid" ]; then
      as_postgres "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/$node" -m immediate -w stop >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$CLUSTER_DIR"
  log "down: $CLUSTER_DIR removed"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) app_env ;;
  # Used by the failure drills (deploy/cluster-bench.py).
  stop-replica) as_postgres "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/replica" -m fast -w stop >/dev/null ;;
  start-replica)
    as_postgres "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/replica" -l "$CLUSTER_DIR/replica.log" -w start \
      >/dev/null
    ;;
  stop-app) stop_pidfile "$CLUSTER_DIR/app${2:-0}.pid" ;;
  start-app) start_app "${2:-0}" ;;
  stop-redis) stop_pidfile "$CLUSTER_DIR/redis.pid" ;;
  start-redis)
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
      --pidfile "$CLUSTER_DIR/redis.pid" --logfile "$CLUSTER_DIR/redis.log" --dir "$CLUSTER_DIR"
    wait_for "Redis" redis-cli -p "$REDIS_PORT" ping
    ;;
  *)
    echo "usage: $0 up|down|env|stop-replica|start-replica|stop-app N|start-app N|stop-redis|start-redis" >&2
    exit 2
    ;;
esac
