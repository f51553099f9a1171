"""The development server (``manage.py runserver``, what ``make run`` starts) answers the
API's writes as gunicorn does: wsgiref is strict about header values (plain ``str`` only),
which the test client does not check."""

import json
import subprocess
import time

import pytest

from .faults import PYTHON, ROOT, prepared_database, redis_server, request
from .support import free_port

pytestmark = pytest.mark.live

FOUNDING = (
    ROOT / "tests/extraction/releases/2026-02-05-uk-us-critical-minerals-mou.txt"
).read_text()


@pytest.fixture(scope="module")
def runserver(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("runserver")
    with redis_server(tmp_path) as redis:
        with prepared_database(redis.url, "runserver") as (env, tokens):
            port = free_port()
            log_path = tmp_path / "runserver.log"
            with open(log_path, "wb") as log:
                proc = subprocess.Popen(
                    [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env={**env, "DEBUG": "1"},
                    stdout=log,
                    stderr=log,
                )
            try:
                deadline = time.monotonic() + 60
                while True:
                    assert proc.poll() is None, log_path.read_text()[-3000:]
                    try:
                        if request(port, "GET", "/healthz", timeout=5)[0] == 200:
                            break
                    except OSError:
                        pass
                    assert time.monotonic() < deadline, "runserver did not start"
                    time.sleep(0.2)
                yield {"port": port, "editor": {"Authorization": f"Token {tokens['editor']}"}}
            finally:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def test_draft_from_text_save_under_runserver(runserver):
    """`"save": true` answers 201 with a JSON body and a Location naming the one draft
    created (it was a text/plain 500 after saving the draft, so a retry made a second)."""
    port, editor = runserver["port"], runserver["editor"]
    status, headers, body = request(
        port,
        "POST",
        "/api/v1/agreements/draft-from-text/",
        {
            "text": FOUNDING,
            "published_on": "2026-02-05",
            "source_url": "https://www.gov.uk/government/news/new-uk-us-partnership",
            "save": True,
        },
        headers=editor,
    )
    print(f"\nrunserver draft-from-text save: {status} {headers.get('Content-Type')}")
    assert status == 201, body[:500]
    assert headers["Content-Type"] == "application/json"
    saved = json.loads(body)
    assert headers["Location"] == saved["url"]
    status, _, body = request(port, "GET", f"/api/v1/agreements/{saved['slug']}/", headers=editor)
    assert status == 200
    draft = json.loads(body)
    assert draft["is_published"] is False
    status, _, body = request(port, "GET", "/api/v1/agreements/?limit=500", headers=editor)
    titles = [row["title"] for row in json.loads(body)["results"]]
    assert titles.count(draft["title"]) == 1, "one request, one draft"


def test_create_under_runserver(runserver):
    """A plain create answers 201 with its Location too."""
    status, headers, body = request(
        runserver["port"],
        "POST",
        "/api/v1/agreements/",
        {"title": "Runserver check", "kind": "memorandum_of_understanding", "status": "planned"},
        headers=runserver["editor"],
    )
    assert status == 201, body[:500]
    assert headers["Location"].endswith(f"/api/v1/agreements/{json.loads(body)['slug']}/")
