#!/usr/bin/env bash
# Optimistic concurrency against a live gunicorn with two workers on PostgreSQL, then a
# lossless move of the same data to a fresh database (export_data → import_data).
set -euo pipefail
source .ci/lib/live-server.sh
DEMO_AGREEMENTS=${DEMO_AGREEMENTS:-200} live_server_up race 11 2

echo "--- race: 50 rounds of two PATCHes with the same If-Match"
"$PY" tests/live/race.py "$BASE_URL" "$EDITOR_TOKEN" 50

echo "--- export → import into a fresh database"
work=$(mktemp -d)
env "${LIVE_ENV[@]}" "$PY" manage.py export_data "$work/export.json" -v0
target="cmat_live_import"
psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $target" -c "CREATE DATABASE $target"
TARGET_ENV=("${LIVE_ENV[@]/DATABASE_URL=*/DATABASE_URL=$PGURL/$target}")
env "${TARGET_ENV[@]}" "$PY" manage.py migrate --no-input -v0

# A truncated file is refused and leaves the target empty.
head -c "$(( $(stat -c %s "$work/export.json") * 9 / 10 ))" "$work/export.json" >"$work/cut.json"
if env "${TARGET_ENV[@]}" "$PY" manage.py import_data "$work/cut.json" -v0 2>"$work/cut.err"; then
  echo "FAIL: a truncated export was accepted" >&2; exit 1
fi
grep -q "Refused" "$work/cut.err" && cat "$work/cut.err"
rows=$(psql "$PGURL/$target" -tAc "SELECT (SELECT count(*) FROM agreements_agreement)
  + (SELECT count(*) FROM agreements_party) + (SELECT count(*) FROM agreements_changeevent)")
[ "$rows" = "0" ] || { echo "FAIL: the refused import left $rows rows" >&2; exit 1; }
echo "truncated file refused; target still empty"

env "${TARGET_ENV[@]}" "$PY" manage.py import_data "$work/export.json" -v0
env "${LIVE_ENV[@]}" SNAPSHOT_USER=ci-editor "$PY" tests/live/api_snapshot.py >"$work/source.json"
env "${TARGET_ENV[@]}" SNAPSHOT_USER=ci-editor "$PY" tests/live/api_snapshot.py >"$work/target.json"
if cmp -s "$work/source.json" "$work/target.json"; then
  echo "identical API output after import: $("$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(v) for v in d.values()), 'responses (lists, details, histories, changes; anonymous and editor), ETags included')" "$work/source.json")"
else
  echo "FAIL: API output differs after import" >&2
  "$PY" - "$work/source.json" "$work/target.json" <<'PY' >&2
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for who in a:
    for url in a[who]:
        if a[who][url] != b.get(who, {}).get(url):
            print(who, url)
PY
  exit 1
fi
rm -rf "$work"
