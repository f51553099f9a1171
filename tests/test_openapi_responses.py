"""Every list and detail response of the realistic fixture validates against the served
schema with a strict OpenAPI validator (openapi-core), for anonymous readers and editors:
what the schema promises is what a generated client or a strict gateway will accept."""

import json

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from tests.agreements.fixtures import (
    agreements_fixture,  # noqa: F401
    module_agreements_fixture,  # noqa: F401
)

LISTS = [
    "/api/v1/agreements/?limit=5",
    "/api/v1/parties/",
    "/api/v1/people/",
    "/api/v1/minerals/",
    "/api/v1/mineral-lists/",
    "/api/v1/changes/?since=0&limit=1000",
]


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return OpenAPI.from_dict(json.loads(response.content))


def validate(openapi, client, path) -> int:
    response = client.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    openapi.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return 1


def check(openapi, response):
    assert response.status_code == 200, (response.wsgi_request.path, response.content[:300])
    openapi.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response.json()


@pytest.mark.parametrize("who", ["anon", "editor_api"])
def test_every_list_and_detail_response_validates_against_the_schema(
    openapi, agreements, request, who
):
    """Every page of every list, and the detail of every item the client can see (history
    and provenance of each agreement too; parties: those in an agreement)."""
    client = request.getfixturevalue(who)
    details = []
    pages = 0
    for path in LISTS:
        body = check(openapi, client.get(path))
        pages += 1
        while True:
            for item in body["results"]:
                if "url" in item and item.get("agreement_count", 1):
                    details.append(item["url"])
                if path.startswith("/api/v1/agreements/"):
                    details += [item["url"] + "history/", item["url"] + "provenance/"]
            if not body.get("next"):
                break
            body = check(openapi, client.get(body["next"]))
            pages += 1
    for url in details:
        check(openapi, client.get(url))
    assert pages >= len(LISTS) and len(details) > 50, (pages, len(details))
