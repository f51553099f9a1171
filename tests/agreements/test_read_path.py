"""The fast read path returns exactly what the write serializer returns, in a fixed number
of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from agreements.api import representation
from agreements.api.serializers import AgreementSerializer
from agreements.api.views import agreement_queryset
from agreements.models import Agreement
from config.api.data_version import SEQUENCE
from tests.factories import AgreementFactory, AgreementPartyFactory, SourceFactory

from .fixtures import ALL, PUBLISHED, agreements_fixture, module_agreements_fixture  # noqa: F401


def serializer_view(slug, request, user):
    instance = agreement_queryset(user).get(slug=slug)
    return AgreementSerializer(instance, context={"request": request}).data


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_fast_path_equals_serializer_on_every_fixture_agreement(agreements, editor, who):
    """For every fixture agreement, the fast path's dict equals the serializer's output."""
    from django.contrib.auth.models import AnonymousUser

    user = editor if who == "editor" else AnonymousUser()
    request = APIRequestFactory().get("/api/v1/agreements/")
    request.user = user
    slugs = ALL if who == "editor" else PUBLISHED
    assert len(slugs) >= 12
    for slug in sorted(slugs):
        fast = representation.one(
            Agreement.objects.filter(slug=slug), request, include_drafts=(who == "editor")
        )
        slow = serializer_view(slug, request, user)
        assert fast == dict(slow), slug
        assert list(fast) == list(slow), f"{slug}: key order differs"


def test_api_detail_equals_serializer(agreements, editor_api, editor):
    """The detail endpoint (fast path, cached) returns the serializer's representation."""
    slug = "japan-us-critical-minerals-agreement-2023"
    body = editor_api.get(f"/api/v1/agreements/{slug}/").json()
    request = APIRequestFactory().get("/")
    assert body == serializer_view(slug, request, editor) | {
        "url": f"http://testserver/api/v1/agreements/{slug}/"
    }


def make_agreements(n):
    for _ in range(n):
        agreement = AgreementFactory()
        AgreementPartyFactory(agreement=agreement)
        AgreementPartyFactory(agreement=agreement)
        SourceFactory(agreement=agreement)


@pytest.mark.parametrize("client_name", ["anon", "editor_api"])
def test_list_queries_do_not_grow_with_page_size(request, client_name, settings):
    """A list request issues at most 7 queries (plus authentication), for 1 or 50 results,
    filtered or not, once the reference keys are cached."""
    settings.API_RESPONSE_CACHE = False
    client = request.getfixturevalue(client_name)
    make_agreements(50)
    client.get("/api/v1/agreements/?party=GB")  # warms the cached party codes
    counts = {}
    for limit in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/agreements/?limit={limit}&party=GB&party=US")
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(limit, response.json()["count"])
        counts[limit] = len(data_queries(queries))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/agreements/?limit=50").status_code == 200
    assert len(data_queries(queries)) == counts[1] == counts[50]
    # Authenticated: the token (with its user) and the permissions of the user and groups.
    auth_queries = 0 if client_name == "anon" else 3
    # 7: the page, five nested collections and the commitments (issue 17).
    assert len(queries) - auth_queries <= 7, [q["sql"][:80] for q in queries.captured_queries]


def data_queries(queries):
    """The queries of a request other than reading the data version (PostgreSQL: one per
    request, made only when something is looked up by version, e.g. the cached party codes)."""
    return [q for q in queries.captured_queries if SEQUENCE not in q["sql"]]


def test_cached_list_costs_at_most_the_data_version(anon, django_assert_num_queries):
    """With the response cache on, a repeated anonymous list request costs no query but the
    data version (one on PostgreSQL, none elsewhere), and a conditional request is answered
    304 from the cache."""
    first = anon.get("/api/v1/agreements/")
    assert first.status_code == 200
    per_request = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(2 * per_request) as queries:
        again = anon.get("/api/v1/agreements/")
        conditional = anon.get("/api/v1/agreements/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert all(SEQUENCE in q["sql"] for q in queries.captured_queries)
    assert again.content == first.content
    assert conditional.status_code == 304
    assert conditional.content == b""


@pytest.mark.postgresql
def test_paging_counts_a_filtered_list_once_and_recounts_after_a_write(
    anon, publisher_api, settings
):
    """With the cache on, page 2 of a filter reuses page 1's count; a write makes it recount."""
    settings.API_RESPONSE_CACHE = True
    make_agreements(5)
    url = "/api/v1/agreements/?limit=2&kind=memorandum_of_understanding"
    with CaptureQueriesContext(connection) as first:
        page1 = anon.get(url).json()
    with CaptureQueriesContext(connection) as second:
        page2 = anon.get(url + "&offset=2").json()
    assert page1["count"] == page2["count"] >= 5
    assert len(second) == len(first) - 1
    assert not any("COUNT(" in q["sql"].upper() for q in second.captured_queries)
    AgreementFactory(title="Another memorandum")
    assert anon.get(url + "&offset=2").json()["count"] == page1["count"] + 1
