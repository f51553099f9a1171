"""What reverse proxies and shared caches in front of the service may rely on: which client
address counts (X-Forwarded-For only behind a configured number of proxies), and which
responses a shared cache may keep (Cache-Control, Vary)."""

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings

from agreements.models import Agreement
from tests.agreements.fixtures import (
    agreements_fixture,  # noqa: F401
    module_agreements_fixture,  # noqa: F401
)


@pytest.fixture
def anon_rate_5(monkeypatch):
    """Anonymous rate 5/min (DRF reads the rates once, at import)."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "5/min", "user": None})
    cache.clear()
    yield
    cache.clear()


def _statuses(client, forwarded_for):
    return [
        client.get("/api/v1/parties/?limit=1", HTTP_X_FORWARDED_FOR=value).status_code
        for value in forwarded_for
    ]


def test_x_forwarded_for_is_ignored_without_proxies(anon, anon_rate_5):
    """By default (NUM_PROXIES 0) the connecting address is the client: 20 requests from one
    address with 20 different X-Forwarded-For values share one anonymous allowance."""
    assert api_settings.NUM_PROXIES == 0
    statuses = _statuses(anon, [f"198.51.100.{i}" for i in range(20)])
    assert statuses == [200] * 5 + [429] * 15


def test_x_forwarded_for_counts_behind_a_configured_proxy(anon, anon_rate_5, settings):
    """With NUM_PROXIES=1 the address the proxy appended is the client: distinct clients get
    their own allowance, and what a client writes in front of it does not matter."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    statuses = _statuses(anon, [f"10.0.0.{i}, 203.0.113.{i}" for i in range(10)])
    assert statuses == [200] * 10
    statuses = _statuses(anon, [f"10.0.0.{i}, 203.0.113.77" for i in range(10)])
    assert statuses == [200] * 5 + [429] * 5


def test_anonymous_reads_are_public_for_a_short_time(anon, agreements, settings):
    settings.PUBLIC_CACHE_MAX_AGE = 42
    published = Agreement.objects.filter(is_published=True).first()
    for path in (
        "/api/v1/agreements/",
        f"/api/v1/agreements/{published.slug}/",
        "/api/v1/agreements/no-such-agreement/",
        "/api/v1/parties/GB/",
        "/feeds/agreements/",
    ):
        response = anon.get(path)
        assert response.status_code in (200, 404), path
        assert response["Cache-Control"] == "public, max-age=42", path
        assert {"Authorization", "Cookie"} <= _vary(response), path
    etag = anon.get("/api/v1/agreements/")["ETag"]
    not_modified = anon.get("/api/v1/agreements/", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified["Cache-Control"] == "public, max-age=42"


def test_anonymous_errors_are_not_stored(anon):
    response = anon.get("/api/v1/agreements/?limit=0")
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    refused = anon.post("/api/v1/agreements/", {}, format="json")
    assert refused.status_code in (401, 403)
    assert refused["Cache-Control"] in ("no-store", "private, no-store")


def test_authenticated_responses_are_private(editor_api, agreements):
    """Responses to a client with credentials may contain drafts: never kept by a shared
    cache, and a cache must not answer a request with other credentials from them."""
    draft = Agreement.objects.filter(is_published=False).first()
    for path in ("/api/v1/agreements/", f"/api/v1/agreements/{draft.slug}/", "/api/v1/changes/"):
        response = editor_api.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path
        assert {"Authorization", "Cookie"} <= _vary(response), path


def test_session_users_get_private_responses(client, editor, agreements):
    client.force_login(editor)
    response = client.get("/api/v1/agreements/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_health_checks_keep_their_own_cache_control(anon):
    response = anon.get("/healthz")
    assert "no-cache" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def _vary(response) -> set[str]:
    return {v.strip() for v in response.get("Vary", "").split(",") if v.strip()}
