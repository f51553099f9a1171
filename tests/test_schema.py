"""The OpenAPI schema and the interactive docs (DESIGN §4): served, valid, complete, offline."""

import re

import pytest
import yaml
from drf_spectacular.validation import validate_schema

LIST_FILTERS = [
    "party",
    "between",
    "mineral",
    "status",
    "kind",
    "legally_binding",
    "signed_after",
    "signed_before",
    "in_force_on",
    "q",
    "updated_after",
    "ordering",
    "limit",
    "offset",
]


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    content = response.content.decode()
    return yaml.safe_load(content)


def test_schema_is_served_and_valid(schema):
    """/api/schema/ serves an OpenAPI 3 document that validates against the specification."""
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/agreements/" in schema["paths"]
    assert "/api/v1/agreements/{slug}/" in schema["paths"]


@pytest.mark.parametrize("name", LIST_FILTERS)
def test_every_list_filter_is_documented(schema, name):
    """Each list filter of DESIGN §4 is a documented query parameter of the agreements list."""
    params = {p["name"]: p for p in schema["paths"]["/api/v1/agreements/"]["get"]["parameters"]}
    assert name in params
    assert params[name]["in"] == "query"
    assert params[name].get("description"), name


def test_repeatable_filters_are_arrays_and_dates_are_dates(schema):
    """Repeatable filters are arrays; date filters are formatted dates."""
    params = {p["name"]: p for p in schema["paths"]["/api/v1/agreements/"]["get"]["parameters"]}
    for name in ("status", "kind"):
        assert params[name]["schema"]["type"] == "array", name
    for name in ("signed_after", "signed_before", "in_force_on"):
        assert params[name]["schema"].get("format") == "date", name
    assert params["updated_after"]["schema"].get("format") == "date-time"
    assert params["limit"]["schema"].get("maximum") == 500


def resolve(schema, ref):
    node = schema
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


@pytest.mark.parametrize(
    "path, method, codes",
    [
        ("/api/v1/agreements/", "get", {"400"}),
        ("/api/v1/agreements/", "post", {"400", "401", "403"}),
        ("/api/v1/agreements/{slug}/", "get", {"404"}),
        ("/api/v1/agreements/{slug}/", "put", {"400", "401", "403", "404"}),
        ("/api/v1/agreements/{slug}/", "delete", {"401", "403", "404"}),
        ("/api/v1/parties/", "post", {"400", "401", "403"}),
        ("/api/v1/minerals/{slug}/", "patch", {"400", "404"}),
    ],
)
def test_error_responses_are_documented_in_the_error_shape(schema, path, method, codes):
    """Error responses are documented, each in the {type, errors: [{code, detail, attr}]} shape."""
    responses = schema["paths"][path][method]["responses"]
    assert codes <= set(responses), set(responses)
    for code in codes:
        content = responses[code]["content"]["application/json"]["schema"]
        if "$ref" in content:
            content = resolve(schema, content["$ref"])
        props = content.get("properties")
        if props is None:  # a oneOf of the possible error bodies
            options = content.get("oneOf") or content.get("anyOf")
            props = resolve(schema, options[0]["$ref"])["properties"]
        assert {"type", "errors"} <= set(props), (path, method, code)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_serve_html_with_local_assets_only(client, path):
    """Swagger UI and Redoc pages load, and every asset comes from this server (no CDN)."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html.lower()
    external = re.findall(r"""(?:src|href)\s*=\s*["'](https?://[^"']+)""", html)
    assert external == []
    assert not re.search(r"https?://(cdn|unpkg|fastly|jsdelivr|cdnjs)", html)
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)""", html)
    assert assets, "expected local /static/ assets"
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/agreements/",
        "/api/v1/parties/",
        "/api/v1/people/",
        "/api/v1/minerals/",
        "/api/v1/mineral-lists/",
    ],
)
def test_every_list_parameter_has_a_description(schema, path):
    """No list endpoint has an undocumented query parameter."""
    params = schema["paths"][path]["get"].get("parameters", [])
    undocumented = [p["name"] for p in params if p["in"] == "query" and not p.get("description")]
    assert undocumented == []
