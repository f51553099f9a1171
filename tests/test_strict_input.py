"""Strict input: unknown query parameters, repeated single parameters, empty values and
wrong JSON types are 400s naming the parameter or field; codes and slugs in filters are
case-insensitive and take mineral names and aliases; every list documents and honours its
orderings; the schema states the types the server enforces."""

import pytest
import yaml

from tests.agreements.fixtures import (
    agreements_fixture,  # noqa: F401
    assert_error,
    module_agreements_fixture,  # noqa: F401
)

AGREEMENTS = "/api/v1/agreements/"
LISTS = [
    "/api/v1/agreements/",
    "/api/v1/parties/",
    "/api/v1/people/",
    "/api/v1/minerals/",
    "/api/v1/mineral-lists/",
    "/api/v1/changes/",
]


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/")
    return yaml.safe_load(response.content.decode())


def slugs(response):
    assert response.status_code == 200, response.content[:300]
    return [item.get("slug") or item.get("code") for item in response.json()["results"]]


@pytest.mark.parametrize("path", LISTS)
def test_an_unknown_query_parameter_is_a_400_naming_it(anon, path):
    body = assert_error(anon.get(path, {"minerals": "lithium"}), 400, "minerals")
    assert body["errors"][0]["code"] == "unknown_parameter"
    assert "accepts" in body["errors"][0]["detail"]


def test_unknown_parameters_on_details_and_the_export(anon, agreements):
    assert_error(anon.get(f"{AGREEMENTS}uk-us-critical-minerals-mou-2026/?x=1"), 400, "x")
    assert_error(anon.get(f"{AGREEMENTS}export/?limit=5"), 400, "limit")
    assert anon.get(f"{AGREEMENTS}export/", {"format": "jsonl", "party": "gb"}).status_code == 200


@pytest.mark.parametrize(
    "query, attr",
    [
        ("party=", "party"),
        ("mineral=", "mineral"),
        ("between=", "between"),
        ("between=GB,", "between"),
        ("q=", "q"),
        ("limit=", "limit"),
        ("updated_after=", "updated_after"),
        ("ordering=title&ordering=slug", "ordering"),
        ("ordering=title,slug", "ordering"),
        ("legally_binding=true&legally_binding=false", "legally_binding"),
        ("legally_binding=2", "legally_binding"),
        ("ordering=name", "ordering"),
    ],
)
def test_empty_repeated_and_out_of_enum_values_are_400(anon, query, attr):
    assert_error(anon.get(f"{AGREEMENTS}?{query}"), 400, attr)


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=1001", "since=-1", "resource=agreement&since="]
)
def test_changes_feed_bounds(anon, query):
    assert anon.get(f"/api/v1/changes/?{query}").status_code == 400


def test_codes_and_slugs_are_case_insensitive_and_minerals_take_aliases(anon, agreements):
    def found(**params):
        return set(slugs(anon.get(AGREEMENTS, params)))

    lithium = found(mineral="lithium")
    assert lithium and found(mineral="Lithium") == lithium == found(mineral="LITHIUM")
    rare_earths = found(mineral="rare-earth-elements")
    assert rare_earths and found(mineral="rare earths") == rare_earths
    assert found(mineral="Rare Earth Elements") == rare_earths
    uk_us = found(between="GB,US")
    assert uk_us and found(between="gb,us") == uk_us == found(between=" gb , US ")
    assert found(party="gb") == found(party="GB")
    assert_error(anon.get(AGREEMENTS, {"mineral": "kryptonite"}), 400, "mineral")

    uk_lists = slugs(anon.get("/api/v1/mineral-lists/", {"jurisdiction": "gb"}))
    assert uk_lists and uk_lists == slugs(
        anon.get("/api/v1/mineral-lists/", {"jurisdiction": "GB"})
    )
    on_list = slugs(anon.get("/api/v1/minerals/", {"list": "UK-2024", "limit": 500}))
    assert "cobalt" in on_list
    assert on_list == slugs(anon.get("/api/v1/minerals/", {"list": "uk-2024", "limit": 500}))
    members = slugs(anon.get("/api/v1/minerals/", {"group": "Rare earths", "limit": 500}))
    assert "neodymium" in members


ORDERINGS = {
    "/api/v1/agreements/": ("title", "title"),
    "/api/v1/parties/": ("name", "code"),
    "/api/v1/people/": ("name", "slug"),
    "/api/v1/minerals/": ("name", "slug"),
    "/api/v1/mineral-lists/": ("name", "slug"),
}


@pytest.mark.parametrize("path", ORDERINGS)
def test_every_list_documents_and_honours_its_orderings(anon, agreements, schema, path):
    params = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    ordering = params["ordering"]["schema"]
    assert ordering["type"] == "string" and "explode" not in params["ordering"]
    named = dict(zip(ordering["enum"], ordering["x-enum-varnames"], strict=True))
    assert named[f"-{ORDERINGS[path][0]}"] == ORDERINGS[path][0].upper() + "_DESC"
    assert all(name.isidentifier() for name in ordering["x-enum-varnames"])
    field, key = ORDERINGS[path]
    for value in ordering["enum"]:
        assert anon.get(path, {"ordering": value, "limit": 500}).status_code == 200, value
    ascending = anon.get(path, {"ordering": field, "limit": 500}).json()["results"]
    descending = anon.get(path, {"ordering": f"-{field}", "limit": 500}).json()["results"]
    values = [item[field].casefold() for item in ascending]
    assert len(values) > 1
    assert [item[key] for item in descending] != [item[key] for item in ascending]
    assert [item[field] for item in descending][0] >= [item[field] for item in ascending][0]


def test_parties_order_by_agreement_count(anon, agreements):
    counts = [
        p["agreement_count"]
        for p in anon.get("/api/v1/parties/?ordering=-agreement_count&limit=500").json()["results"]
    ]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0


def test_schema_states_what_the_server_enforces(schema):
    params = {p["name"]: p for p in schema["paths"][AGREEMENTS]["get"]["parameters"]}
    legally_binding = params["legally_binding"]["schema"]
    assert legally_binding["type"] == "string"
    assert sorted(legally_binding["enum"]) == ["false", "true", "unknown"]
    assert params["party"]["schema"]["items"]["minLength"] == 1
    assert params["between"]["schema"]["minLength"] == 1
    assert params["q"]["schema"]["maxLength"] == 200
    changes = {p["name"]: p for p in schema["paths"]["/api/v1/changes/"]["get"]["parameters"]}
    assert changes["limit"]["schema"]["minimum"] == 1
    assert changes["limit"]["schema"]["maximum"] == 1000
    text_url = schema["components"]["schemas"]["Agreement"]["properties"]["text_url"]
    assert "oneOf" not in text_url and len(text_url["anyOf"]) == 2
    page = schema["components"]["schemas"]["PaginatedAgreementList"]["properties"]
    assert "example.org/accounts" not in page["next"]["example"]
    assert page["next"]["example"].endswith("/api/v1/agreements/?limit=50&offset=100")


def test_schema_has_no_unused_components(schema):
    text = yaml.safe_dump(schema["paths"]) + yaml.safe_dump(schema["components"])
    for name in schema["components"]["schemas"]:
        assert f"#/components/schemas/{name}'" in text, name
    # 120 before issue 17, whose commitments resource adds about ten (schemas and enums).
    assert len(schema["components"]["schemas"]) < 132


def agreement_body(**changes):
    body = {
        "title": "Strict types test agreement",
        "kind": "memorandum_of_understanding",
        "status": "signed",
        "signed_on": "2025-09-10",
        "parties": [{"party": "GB"}, {"party": "JP"}],
        "signatures": [{"person": "Jane Example", "party": "GB", "office": "Minister"}],
        "minerals": [{"mineral": "lithium", "note": "x"}],
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    "changes, attr",
    [
        ({"title": 123}, "title"),
        ({"is_published": "yes"}, "is_published"),
        ({"is_published": 1}, "is_published"),
        ({"legally_binding": "true"}, "legally_binding"),
        ({"signed_on": 20250910}, "signed_on"),
        ({"signed_country": ""}, "signed_country"),
        ({"minerals": [{"mineral": "lithium", "note": 12}]}, "minerals.0.note"),
        ({"minerals": [{"mineral": "lithium", "stages": [1]}]}, "minerals.0.stages"),
        (
            {"signatures": [{"person": "Jane Example", "party": "GB", "office": 7}]},
            "signatures.0.office",
        ),
        ({"signatures": [{"person": 42, "party": "GB"}]}, "signatures.0.person"),
    ],
)
def test_wrong_json_types_are_400_naming_the_field(editor_api, changes, attr):
    response = editor_api.post(AGREEMENTS, agreement_body(**changes), format="json")
    body = assert_error(response, 400, attr)
    assert body["type"] == "validation_error"


def test_the_right_types_are_accepted(editor_api):
    response = editor_api.post(AGREEMENTS, agreement_body(), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "path, body, attr",
    [
        ("/api/v1/parties/", {"code": "XX-TEST", "name": 5, "kind": "organisation"}, "name"),
        (
            "/api/v1/parties/",
            {"code": "XX-TEST", "name": "Ministry", "kind": "government_body", "country": ""},
            "country",
        ),
        ("/api/v1/minerals/", {"slug": "testium", "name": "Testium", "group": ""}, "group"),
        ("/api/v1/minerals/", {"slug": "testium", "name": "Testium", "aliases": [5]}, "aliases"),
        ("/api/v1/people/", {"name": 12}, "name"),
    ],
)
def test_wrong_types_in_reference_data_writes(publisher_api, path, body, attr):
    assert_error(publisher_api.post(path, body, format="json"), 400, attr)


def test_draft_from_text_save_must_be_a_boolean(editor_api):
    response = editor_api.post(
        "/api/v1/agreements/draft-from-text/",
        {
            "text": "The UK and Japan signed a memorandum.",
            "published_on": "2025-01-01",
            "save": "yes",
        },
        format="json",
    )
    assert_error(response, 400, "save")


def test_a_list_entry_without_a_note_keeps_working(publisher_api):
    """A schema-valid list entry without ``note`` (it is optional) is saved, not a 500."""
    before = publisher_api.get("/api/v1/mineral-lists/uk-2024/").json()
    entries = [{"mineral": e["mineral"], "label": e["label"]} for e in before["entries"]]
    response = publisher_api.put(
        "/api/v1/mineral-lists/uk-2024/", {**before, "entries": entries}, format="json"
    )
    assert response.status_code == 200, response.content


def test_max_length_counts_the_string_as_sent(editor_api):
    """A name one character over the limit is refused even when it starts with white space
    that would be trimmed (the schema's maxLength counts the string as sent)."""
    name = "\u000b" + "g" * 120
    body = {"slug": "made-up-mineral", "name": name}
    response = editor_api.post("/api/v1/minerals/", body, format="json")
    assert response.status_code == 400, response.content
    assert [e["attr"] for e in response.json()["errors"]] == ["name"]
    body["name"] = "\u000b" + "g" * 119  # at the limit: accepted, trimmed
    response = editor_api.post("/api/v1/minerals/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "g" * 119
