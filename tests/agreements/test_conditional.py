"""ETags, conditional GETs and optimistic concurrency on agreements."""

import pytest

SLUG = "uk-us-critical-minerals-mou-2026"
URL = f"/api/v1/agreements/{SLUG}/"


@pytest.mark.parametrize("cache_on", [True, False])
def test_etag_on_detail_and_list_with_304(anon, settings, cache_on):
    """Detail and list carry an ETag; If-None-Match with it gives 304 and no body."""
    settings.API_RESPONSE_CACHE = cache_on
    for url in (URL, "/api/v1/agreements/", "/api/v1/agreements/?party=GB"):
        first = anon.get(url)
        assert first.status_code == 200
        etag = first["ETag"]
        assert etag.startswith('"') and etag.endswith('"')
        second = anon.get(url, HTTP_IF_NONE_MATCH=etag)
        assert second.status_code == 304
        assert second.content == b""
        assert second["ETag"] == etag
        assert anon.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_etag_changes_with_the_content_only(publisher_api):
    """A write that changes the agreement changes its ETag; a no-op write does not."""
    first = publisher_api.get(URL)
    body = first.json()
    same = publisher_api.put(URL, body, format="json")
    assert same.status_code == 200
    assert same["ETag"] == first["ETag"]
    assert same.json() == body
    changed = publisher_api.patch(URL, {"summary": "Another summary."}, format="json")
    assert changed["ETag"] != first["ETag"]
    assert publisher_api.get(URL)["ETag"] == changed["ETag"]
    assert publisher_api.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_stale_if_match_is_refused_with_412(publisher_api, method):
    """PUT, PATCH and DELETE with a stale If-Match get 412 in the error shape; nothing changes."""
    stale = publisher_api.get(URL)
    body = stale.json()
    publisher_api.patch(URL, {"summary": "Changed meanwhile."}, format="json")
    current = publisher_api.get(URL).json()
    payload = {"summary": "Lost update"} if method == "patch" else body
    response = getattr(publisher_api, method)(
        URL, payload if method != "delete" else None, format="json", HTTP_IF_MATCH=stale["ETag"]
    )
    assert response.status_code == 412
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "precondition_failed",
                "detail": (
                    "The resource has changed since you fetched it (If-Match does not match)."
                ),
                "attr": None,
            }
        ],
    }
    assert publisher_api.get(URL).json() == current


def test_current_if_match_is_accepted(publisher_api):
    """A current If-Match (or *) lets the write through, and the response has the new ETag."""
    etag = publisher_api.get(URL)["ETag"]
    response = publisher_api.patch(URL, {"summary": "Fresh."}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["summary"] == "Fresh."
    assert response["ETag"] != etag
    star = publisher_api.patch(URL, {"summary": "Star."}, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_weak_if_match_is_refused_with_412(publisher_api, method):
    """If-Match uses the strong comparison (RFC 9110 §13.1.1): the current ETag marked weak
    (W/"…") is refused with 412 and nothing is written, while If-None-Match still compares
    weakly."""
    current = publisher_api.get(URL)
    weak = "W/" + current["ETag"]
    payload = {"summary": "Weakly matched."} if method == "patch" else current.json()
    response = getattr(publisher_api, method)(
        URL, payload if method != "delete" else None, format="json", HTTP_IF_MATCH=weak
    )
    assert response.status_code == 412, response.content
    assert response.json()["errors"][0]["code"] == "precondition_failed"
    after = publisher_api.get(URL)
    assert after.status_code == 200 and after.json() == current.json()
    # A list naming the weak and the strong tag matches through the strong one.
    both = publisher_api.patch(
        URL, {"summary": "Strong."}, format="json", HTTP_IF_MATCH=f"{weak}, {current['ETag']}"
    )
    assert both.status_code == 200
    assert publisher_api.get(URL, HTTP_IF_NONE_MATCH="W/" + both["ETag"]).status_code == 304


def test_write_is_visible_to_the_next_read_despite_cache(publisher_api, anon, settings):
    """After a write, the next read (from the shared cache) reflects it."""
    settings.API_RESPONSE_CACHE = True
    assert anon.get(URL).json()["summary"] != "Cache check."
    anon.get("/api/v1/agreements/")
    publisher_api.patch(URL, {"summary": "Cache check."}, format="json")
    assert anon.get(URL).json()["summary"] == "Cache check."
    listed = {a["slug"]: a for a in anon.get("/api/v1/agreements/").json()["results"]}
    assert listed[SLUG]["summary"] == "Cache check."


def test_create_returns_location_and_etag(publisher_api):
    """A 201 carries the new resource's Location and ETag."""
    response = publisher_api.post(
        "/api/v1/agreements/",
        {"title": "Test framework", "kind": "framework", "status": "planned"},
        format="json",
    )
    assert response.status_code == 201
    assert response["Location"] == response.json()["url"]
    assert publisher_api.get(response["Location"])["ETag"] == response["ETag"]
