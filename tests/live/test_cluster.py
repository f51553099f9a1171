"""The production topology, running: nginx's HTTP cache, two gunicorn instances, PgBouncer,
a PostgreSQL primary with a streaming replica, Redis (deploy/local-cluster.sh).

These tests run against a cluster brought up by ``deploy/local-cluster.sh up``; they are
skipped unless ``CMAT_CLUSTER_ENV`` names its variables file (``$CLUSTER_DIR/env``), as
``.ci/checks.d/50-cluster.sh`` does.
"""

import json
import os
import time
import urllib.error
import urllib.request
import uuid

import pytest

pytestmark = pytest.mark.live


def _cluster_env() -> dict[str, str] | None:
    path = os.environ.get("CMAT_CLUSTER_ENV")
    if not path or not os.path.exists(path):
        return None
    values = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("export ") and "=" in line:
            key, _, value = line[len("export ") :].partition("=")
            values[key] = value.strip('"')
    return values


@pytest.fixture(scope="module")
def cluster():
    env = _cluster_env()
    if env is None:
        pytest.skip("needs a running deploy/local-cluster.sh (CMAT_CLUSTER_ENV=$CLUSTER_DIR/env)")
    env["APP_URL"] = env["APP_URLS"].split()[0]
    return env


def call(url, method="GET", body=None, headers=None, timeout=20):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sql(dsn: str, query: str, *params):
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(query, params or None)
        return cursor.fetchall() if cursor.description else []


def token(cluster, who="EDITOR"):
    return {"Authorization": f"Token {cluster[f'{who}_TOKEN']}"}


def published_slug(cluster, offset=0) -> str:
    return sql(
        cluster["PRIMARY_DSN"],
        "SELECT slug FROM agreements_agreement WHERE is_published ORDER BY id OFFSET %s LIMIT 1",
        offset,
    )[0][0]


def patch_summary(cluster, slug, summary, who="EDITOR"):
    url = f"{cluster['NGINX_URL']}/api/v1/agreements/{slug}/"
    status, headers, body = call(url, headers=token(cluster, who))
    assert status == 200, body[:300]
    status, _, body = call(
        url,
        "PATCH",
        {"summary": summary},
        {**token(cluster, who), "If-Match": headers["ETag"]},
    )
    assert status == 200, body[:300]


def wait_replica_caught_up(cluster):
    for _ in range(100):
        state = json.loads(call(cluster["APP_URL"] + "/readyz")[2])
        if state.get("replica") == "ok" and state["replica_lag_bytes"] == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"the replica did not catch up: {state}")


def test_reads_are_served_by_the_replica(cluster):
    """An anonymous read that misses every cache runs its queries on the replica (seen in
    the replica's pg_stat_statements), not on the primary."""
    wait_replica_caught_up(cluster)
    for dsn in (cluster["PRIMARY_DSN"], cluster["REPLICA_DSN"]):
        sql(dsn, "SELECT pg_stat_statements_reset()")
    offset = uuid.uuid4().int % 1000  # a query no cache has seen
    status, _, body = call(f"{cluster['APP_URL']}/api/v1/agreements/?limit=3&offset={offset}")
    assert status == 200, body[:300]
    pattern = '%FROM "agreements_agreement"%'
    count = "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE %s"
    on_replica = sql(cluster["REPLICA_DSN"], count, pattern)[0][0]
    on_primary = sql(cluster["PRIMARY_DSN"], count, pattern)[0][0]
    print(f"\nagreement queries: replica {on_replica}, primary {on_primary}")
    assert on_replica >= 1
    assert on_primary == 0


def test_read_your_writes_with_a_lagging_replica(cluster):
    """With the replica holding back every commit for 3 s, an editor's read right after its
    write shows the write (the primary answers); so does an anonymous read straight from the
    app (the replica is behind the data version, so it is not used); /readyz reports the
    lag. Meanwhile the replica itself still holds the old value."""
    slug = published_slug(cluster, 1)
    replica = cluster["REPLICA_DSN"]
    sql(replica, "ALTER SYSTEM SET recovery_min_apply_delay = '3s'")
    sql(replica, "SELECT pg_reload_conf()")
    try:
        time.sleep(0.5)
        summary = f"Read-your-writes {uuid.uuid4().hex}"
        patch_summary(cluster, slug, summary)
        old = sql(replica, "SELECT summary FROM agreements_agreement WHERE slug = %s", slug)
        assert old[0][0] != summary, "the replica was meant to be behind"

        url = f"{cluster['NGINX_URL']}/api/v1/agreements/{slug}/"
        status, _, body = call(url, headers=token(cluster))
        assert status == 200 and json.loads(body)["summary"] == summary
        status, _, body = call(f"{cluster['APP_URL']}/api/v1/agreements/{slug}/")
        assert status == 200 and json.loads(body)["summary"] == summary

        ready = json.loads(call(cluster["APP_URL"] + "/readyz")[2])
        print(f"\n/readyz with the replica held back: {ready}")
        assert ready["status"] == "ok" and ready["replica"] == "ok"
        assert ready["replica_lag_bytes"] > 0
    finally:
        sql(replica, "ALTER SYSTEM RESET recovery_min_apply_delay")
        sql(replica, "SELECT pg_reload_conf()")
    wait_replica_caught_up(cluster)
    new = sql(replica, "SELECT summary FROM agreements_agreement WHERE slug = %s", slug)
    assert new[0][0] == summary


def test_writer_reads_from_the_primary_after_its_write(cluster):
    """For READ_YOUR_WRITES_SECONDS after a write, the writer's reads go to the primary even
    when the replica has caught up; another client's reads go to the replica."""
    slug = published_slug(cluster, 2)
    patch_summary(cluster, slug, f"Marker {uuid.uuid4().hex}")
    wait_replica_caught_up(cluster)
    pattern = '%FROM "agreements_agreement"%'
    count = "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE %s"

    def queries_on(path, headers=None):
        for dsn in (cluster["PRIMARY_DSN"], cluster["REPLICA_DSN"]):
            sql(dsn, "SELECT pg_stat_statements_reset()")
        status, _, body = call(cluster["APP_URL"] + path, headers=headers)
        assert status == 200, body[:300]
        return (
            sql(cluster["PRIMARY_DSN"], count, pattern)[0][0],
            sql(cluster["REPLICA_DSN"], count, pattern)[0][0],
        )

    offset = uuid.uuid4().int % 1000
    primary, replica = queries_on(f"/api/v1/agreements/?limit=2&offset={offset}", token(cluster))
    assert primary >= 1 and replica == 0, "the writer reads from the primary"
    # Another client's read goes to the replica once it has replayed everything the primary
    # had when the read began; background WAL on the primary (autovacuum after the writes)
    # can put it a few milliseconds behind, so the read is tried again after the replica
    # catches up, a few times at most.
    seen = []
    for attempt in range(5):
        wait_replica_caught_up(cluster)
        primary, replica = queries_on(
            f"/api/v1/agreements/?limit=2&offset={offset + 1 + attempt}",
            token(cluster, "PUBLISHER"),
        )
        seen.append((primary, replica))
        if replica >= 1 and primary == 0:
            break
    assert replica >= 1 and primary == 0, f"another client reads from the replica: {seen}"


DRAFT = {
    "kind": "memorandum_of_understanding",
    "status": "signed",
    "signed_on": "2025-03-10",
    "summary": "Not public yet.",
    "parties": [{"party": "CL"}, {"party": "GB"}],
}


def test_drafts_never_reach_anonymous_clients_through_nginx(cluster):
    """An editor's list with drafts (including a new one) goes through nginx; the same URLs
    asked anonymously through nginx, before and after, cached or not, never contain a draft;
    and every anonymous page of the whole list holds no draft either."""
    nginx = cluster["NGINX_URL"]
    marker = uuid.uuid4().hex[:12]
    title = f"Draft memorandum {marker}"
    status, _, body = call(
        f"{nginx}/api/v1/agreements/", "POST", {**DRAFT, "title": title}, token(cluster)
    )
    assert status == 201, body[:500]
    draft = json.loads(body)
    assert draft["is_published"] is False
    drafts = {
        slug
        for (slug,) in sql(
            cluster["PRIMARY_DSN"], "SELECT slug FROM agreements_agreement WHERE NOT is_published"
        )
    }
    assert draft["slug"] in drafts and len(drafts) > 10, "drafts present"

    slug = draft["slug"].encode()
    urls = [
        f"{nginx}/api/v1/agreements/?q={marker}",
        f"{nginx}/api/v1/agreements/?limit=100&ordering=-updated_at",
        f"{nginx}/api/v1/agreements/{draft['slug']}/",
    ]
    for url in urls:
        status, headers, body = call(url, headers=token(cluster))
        assert status == 200 and slug in body and title.encode() in body, url
        assert headers["Cache-Control"] == "private, no-store"
        assert headers["X-Cache-Status"] == "BYPASS"
        for _ in range(3):  # miss, then hits
            status, headers, body = call(url)
            assert slug not in body and title.encode() not in body, url
            assert status in (200, 404), url
        if status == 200:
            assert headers["X-Cache-Status"] == "HIT", url

    seen = 0
    offset = 0
    while True:
        status, _, body = call(f"{nginx}/api/v1/agreements/?limit=500&offset={offset}")
        assert status == 200
        page = json.loads(body)
        for row in page["results"]:
            assert row["slug"] not in drafts and row["is_published"] is True
        seen += len(page["results"])
        if not page.get("next"):
            break
        offset += 500
    published = sql(
        cluster["PRIMARY_DSN"], "SELECT count(*) FROM agreements_agreement WHERE is_published"
    )[0][0]
    assert seen == published


def test_a_write_reaches_anonymous_readers_within_max_age(cluster):
    """A cached anonymous detail shows a publisher's write within PUBLIC_CACHE_MAX_AGE
    seconds (plus the one background refresh nginx makes once the entry expires)."""
    max_age = int(cluster["PUBLIC_CACHE_MAX_AGE"])
    slug = published_slug(cluster, 3)
    url = f"{cluster['NGINX_URL']}/api/v1/agreements/{slug}/"
    for _ in range(3):
        status, headers, _ = call(url)
    assert status == 200 and headers["X-Cache-Status"] == "HIT"
    summary = f"Visible soon {uuid.uuid4().hex}"
    patch_summary(cluster, slug, summary, "PUBLISHER")
    written = time.monotonic()
    while True:
        status, headers, body = call(url)
        assert status == 200
        if json.loads(body)["summary"] == summary:
            break
        assert time.monotonic() - written < max_age + 2, "the write did not reach the cache"
        time.sleep(0.2)
    print(f"\nwrite visible to anonymous readers after {time.monotonic() - written:.1f} s")


def test_export_streams_through_pgbouncer(cluster):
    """The CSV export (keyset-paginated, no server-side cursor) through nginx, gunicorn and
    PgBouncer in transaction mode: one line per published agreement plus the header."""
    status, _, body = call(f"{cluster['NGINX_URL']}/api/v1/agreements/export/?format=jsonl")
    assert status == 200
    published = sql(
        cluster["PRIMARY_DSN"], "SELECT count(*) FROM agreements_agreement WHERE is_published"
    )[0][0]
    assert len(body.decode().splitlines()) == published
