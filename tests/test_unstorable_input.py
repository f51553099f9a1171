"""Input no database can store (NUL characters, lone surrogates) and JSON nested beyond any
representation are refused with a 4xx in the error shape, wherever they arrive: never a 500."""

import json

import pytest
from django.urls import reverse

from .agreements.fixtures import assert_error
from .agreements.test_api import URL, new


@pytest.mark.parametrize(
    "path",
    ["/feeds/parties/G%00B/", "/feeds/minerals/lith%00ium/", "/api/v1/parties/G%00B/"],
)
def test_nul_in_the_path_is_404(anon, path):
    """A key with a NUL character exists nowhere: 404, not a database error."""
    response = anon.get(path)
    assert response.status_code == 404


def test_lone_surrogate_in_a_person_name_is_400(editor_api):
    """A lone surrogate (valid JSON, unstorable text) is a 400 naming the nested field."""
    payload = new(signatures=[{"person": "Aurora \ud800Williams", "party": "CL"}])
    response = editor_api.post(URL, json.dumps(payload), content_type="application/json")
    body = assert_error(response, 400, "signatures.0.person")
    assert body["errors"][0]["code"] == "surrogate_characters_not_allowed"
    response = editor_api.post(
        URL, json.dumps(new(title="x\udfff")), content_type="application/json"
    )
    assert_error(response, 400, "title")
    response = editor_api.post(
        "/api/v1/people/", json.dumps({"name": "\ud83d"}), content_type="application/json"
    )
    assert_error(response, 400, "name")


def test_nul_in_a_json_key_is_400(editor_api):
    """A NUL in a key is refused too, on the object that holds the key."""
    payload = new(sources=[{"url": "https://example.org/x", "ti\x00tle": "x"}])
    response = editor_api.post(URL, json.dumps(payload), content_type="application/json")
    body = assert_error(response, 400, "sources.0")
    assert body["errors"][0]["code"] == "null_characters_not_allowed"


@pytest.mark.parametrize("depth", [33, 1_001, 100_000])
def test_deeply_nested_json_is_400(editor_api, depth):
    """JSON nested deeper than any representation is a 400, however deep (no RecursionError)."""
    body = '{"title": ' + "[" * depth + "]" * depth + "}"
    response = editor_api.post(URL, body, content_type="application/json")
    assert_error(response, 400)


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:agreements_agreement_changelist") + "?party=G%00B",
        reverse("admin:agreements_agreement_changelist") + "?mineral=%00",
        reverse("admin:agreements_agreement_changelist") + "?q=%00",
        reverse("admin:autocomplete")
        + "?app_label=agreements&model_name=signature&field_name=person&term=%00",
        reverse("admin:autocomplete")
        + "?app_label=agreements&model_name=agreementparty&field_name=party&term=a%00b",
    ],
)
def test_nul_in_admin_queries_is_400(client, publisher, url):
    """The admin's filters, search and autocomplete refuse a NUL character with a 400."""
    client.force_login(publisher)
    response = client.get(url)
    assert response.status_code == 400, response.status_code
