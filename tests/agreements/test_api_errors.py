"""Malformed input gives a 4xx in the documented error shape, naming the field or parameter,
and never a 500 (DESIGN §4, Errors)."""

import copy
import json
import threading

import pytest
from django.db import connection, connections, transaction
from knox.models import AuthToken
from rest_framework.test import APIClient

from agreements import services
from agreements.api.serializers import AgreementSerializer
from agreements.models import Agreement

from ..factories import UserFactory
from .fixtures import assert_error, table_counts

URL = "/api/v1/agreements/"
UK_US = f"{URL}uk-us-critical-minerals-mou-2026/"

VALID = {
    "slug": "chile-uk-lithium-mou-2025",
    "title": "Chile–UK Lithium Memorandum",
    "kind": "memorandum_of_understanding",
    "status": "signed",
    "signed_on": "2025-03-10",
    "parties": [{"party": "CL"}, {"party": "GB"}],
    "signatures": [{"person": "Aurora Williams", "party": "CL", "office": "Minister"}],
    "minerals": [{"mineral": "lithium", "stages": ["mining"]}],
    "sources": [{"url": "https://www.gov.uk/government/news/chile-uk", "kind": "press_release"}],
    "related": [],
}


def body(**changes):
    data = copy.deepcopy(VALID)
    data.update(changes)
    return data


# (id, data as JSON-able object or raw string, expected status, expected attr)
BODIES = [
    ("bad-json", '{"title": "Unclosed', 400, None),
    ("json-array", "[1, 2, 3]", 400, "non_field_errors"),
    ("json-string", '"just a string"', 400, "non_field_errors"),
    ("title-number", body(title=12345), 400, "title"),
    ("title-object", body(title={"en": "x"}), 400, "title"),
    ("title-null", body(title=None), 400, "title"),
    ("title-nul-byte", body(title="Chile\x00UK"), 400, "title"),
    ("title-1mb", body(title="x" * 1_000_000), 400, "title"),
    ("parties-string", body(parties="GB,CL"), 400, "parties"),
    ("parties-of-strings", body(parties=["GB", "CL"]), 400, "parties.0"),
    (
        "stages-string",
        body(minerals=[{"mineral": "lithium", "stages": "mining"}]),
        400,
        "minerals.0.stages",
    ),
    (
        "stage-unknown",
        body(minerals=[{"mineral": "lithium", "stages": ["smelting"]}]),
        400,
        "minerals.0.stages",
    ),
    (
        "stage-twice",
        body(minerals=[{"mineral": "lithium", "stages": ["mining", "mining"]}]),
        400,
        "minerals.0.stages",
    ),
    ("unknown-party", body(parties=[{"party": "CL"}, {"party": "XX"}]), 400, "parties.1.party"),
    (
        "party-code-lowercase",
        body(parties=[{"party": "cl"}, {"party": "GB"}]),
        400,
        "parties.0.party",
    ),
    ("unknown-mineral", body(minerals=[{"mineral": "kryptonite"}]), 400, "minerals.0.mineral"),
    (
        "unknown-related",
        body(related=[{"agreement": "no-such-thing", "kind": "follows"}]),
        400,
        "related.0.agreement",
    ),
    (
        "unknown-relation-kind",
        body(
            related=[
                {"agreement": "canada-uk-critical-minerals-joint-statement-2023", "kind": "likes"}
            ]
        ),
        400,
        "related.0.kind",
    ),
    ("impossible-date", body(signed_on="2026-02-30"), 400, "signed_on"),
    ("date-wrong-format", body(signed_on="10/03/2025"), 400, "signed_on"),
    ("date-number", body(signed_on=20250310), 400, "signed_on"),
    ("effective-before-signed", body(effective_on="2025-03-09"), 400, "effective_on"),
    ("expires-before-start", body(expires_on="2025-03-10"), 400, "expires_on"),
    ("terminated-before-signed", body(terminated_on="2024-01-01"), 400, "terminated_on"),
    ("planned-with-date", body(status="planned"), 400, "status"),
    ("signed-without-date", body(signed_on=None), 400, "signed_on"),
    ("unknown-status", body(status="ratified"), 400, "status"),
    ("unknown-kind", body(kind="handshake"), 400, "kind"),
    ("legally-binding-word", body(legally_binding="perhaps"), 400, "legally_binding"),
    (
        "duplicate-party",
        body(parties=[{"party": "CL"}, {"party": "GB"}, {"party": "CL"}]),
        400,
        "parties.2.party",
    ),
    (
        "duplicate-mineral",
        body(minerals=[{"mineral": "lithium"}, {"mineral": "lithium"}]),
        400,
        "minerals.1.mineral",
    ),
    (
        "signatory-not-a-party",
        body(signatures=[{"person": "Jacob Helberg", "party": "US"}]),
        400,
        "signatures.0.party",
    ),
    (
        "signatory-without-party",
        body(signatures=[{"person": "Jacob Helberg"}]),
        400,
        "signatures.0.party",
    ),
    ("person-number", body(signatures=[{"person": 42, "party": "CL"}]), 400, "signatures.0.person"),
    (
        "person-nul-byte",
        body(signatures=[{"person": "Aurora\x00", "party": "CL"}]),
        400,
        "signatures.0.person",
    ),
    (
        "person-blank",
        body(signatures=[{"person": "  ", "party": "CL"}]),
        400,
        "signatures.0.person",
    ),
    ("source-bad-url", body(sources=[{"url": "javascript:alert(1)"}]), 400, "sources.0.url"),
    ("signed-country-not-state", body(signed_country="EU"), 400, "signed_country"),
    ("slug-taken", body(slug="uk-us-critical-minerals-mou-2026"), 400, "slug"),
    ("slug-invalid", body(slug="Not A Slug!"), 400, "slug"),
    ("summary-nul-byte", body(summary="a\x00b"), 400, "summary"),
]


@pytest.mark.parametrize("data, status, attr", [b[1:] for b in BODIES], ids=[b[0] for b in BODIES])
def test_malformed_post_bodies(editor_api, data, status, attr):
    """Each malformed POST body is refused in the error shape, naming the field."""
    before = Agreement.objects.count()
    raw = data if isinstance(data, str) else json.dumps(data)
    response = editor_api.generic("POST", URL, raw, content_type="application/json")
    assert_error(response, status, attr)
    assert Agreement.objects.count() == before


def test_put_related_to_itself_is_refused(publisher_api):
    """An agreement cannot be related to itself."""
    data = publisher_api.get(UK_US).json()
    data["related"] = [{"agreement": data["slug"], "kind": "follows"}]
    assert_error(publisher_api.put(UK_US, data, format="json"), 400, "related.0.agreement")


def test_text_plain_is_415(editor_api):
    """A body that is not JSON is refused with 415."""
    response = editor_api.generic("POST", URL, json.dumps(VALID), content_type="text/plain")
    assert_error(response, 415, None)


def test_form_encoded_is_415(editor_api):
    """Form-encoded bodies are not accepted by the API."""
    response = editor_api.post(URL, {"title": "x"})
    assert_error(response, 415, None)


def test_huge_summary_is_not_a_500(editor_api):
    """A 1 MB free-text summary is stored or refused, never a server error."""
    response = editor_api.post(URL, body(summary="y" * 1_000_000), format="json")
    assert response.status_code in (201, 400, 413)
    if response.status_code != 201:
        assert_error(response, response.status_code)


def test_body_over_the_limit_is_413(editor_api):
    """A body above the size limit is refused with 413 in the error shape."""
    response = editor_api.post(URL, body(summary="z" * 3_000_000), format="json")
    assert_error(response, 413, None)


QUERIES = [
    ("nul-in-q", "q=ab%00cd", "q"),
    ("nul-in-party", "party=G%00B", "party"),
    ("limit-negative", "limit=-1", "limit"),
    ("limit-zero", "limit=0", "limit"),
    ("limit-huge", f"limit={10**9}", "limit"),
    ("limit-word", "limit=abc", "limit"),
    ("limit-float", "limit=1.5", "limit"),
    ("offset-negative", "offset=-5", "offset"),
    ("offset-word", "offset=x", "offset"),
    ("ordering-unknown", "ordering=password", "ordering"),
    ("ordering-injection", "ordering=slug;DROP TABLE x", "ordering"),
    ("status-unknown", "status=ratified", "status"),
    ("kind-unknown", "kind=handshake", "kind"),
    ("party-unknown", "party=XX", "party"),
    ("mineral-unknown", "mineral=kryptonite", "mineral"),
    ("legally-binding-word", "legally_binding=maybe", "legally_binding"),
    ("signed-after-impossible", "signed_after=2026-02-30", "signed_after"),
    ("signed-after-garbage", "signed_after=yesterday", "signed_after"),
    ("signed-before-garbage", "signed_before=2024-13-01", "signed_before"),
    ("in-force-on-garbage", "in_force_on=now", "in_force_on"),
    ("in-force-on-impossible", "in_force_on=2023-02-29", "in_force_on"),
    ("updated-after-garbage", "updated_after=garbage", "updated_after"),
    ("updated-after-impossible", "updated_after=2026-02-30T00:00:00Z", "updated_after"),
    ("between-empty-item-unknown", "between=GB,,XX", "between"),
    ("between-commas", "between=,,,", "between"),
    ("between-21-codes", "between=" + ",".join(["GB"] * 21), "between"),
    ("party-51-times", "&".join(["party=GB"] * 51), "party"),
    ("q-500-chars", "q=" + "a" * 500, "q"),
    ("injection-in-party", "party=GB'%20OR%201=1--", "party"),
]


@pytest.mark.parametrize("query, attr", [q[1:] for q in QUERIES], ids=[q[0] for q in QUERIES])
def test_malformed_list_parameters(anon, query, attr):
    """Each invalid list parameter is a 400 naming the parameter."""
    assert_error(anon.get(f"{URL}?{query}"), 400, attr)


@pytest.mark.parametrize(
    "path",
    [
        f"{URL}..%2F..%2Fetc%2Fpasswd/",
        f"{URL}..%2F..%2Fetc/",
        f"{URL}'%20OR%201=1--/",
        f"{URL}%00/",
        f"{URL}{'a' * 500}/",
        "/api/v1/parties/'%20OR%201=1--/",
        "/api/v1/people/..%2F/",
        "/api/v1/minerals/%27%20OR%20%271%27=%271/",
        "/api/v1/mineral-lists/%00/",
        "/api/v1/no-such-endpoint/",
    ],
)
def test_hostile_lookups_are_404(anon, path):
    """Path traversal and SQL-looking lookups find nothing: 404 in the error shape."""
    assert_error(anon.get(path), 404, None)


def test_write_to_hostile_lookup_is_4xx(editor_api):
    """Writes to a hostile lookup are refused without touching anything."""
    response = editor_api.put(f"{URL}'%20OR%201=1--/", VALID, format="json")
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)


def test_put_with_wrong_types_changes_nothing(publisher_api):
    """A PUT with wrong types for every collection lists each field, and changes nothing."""
    before = publisher_api.get(UK_US).json()
    data = {**before, "parties": "GB", "minerals": {"x": 1}, "sources": 3, "signatures": None}
    counts = table_counts()
    response = publisher_api.put(UK_US, data, format="json")
    errors = assert_error(response, 400)["errors"]
    assert {"parties", "minerals", "sources", "signatures"} <= {
        e["attr"].split(".")[0] for e in errors
    }
    assert table_counts() == counts


def test_slug_race_lost_between_validation_and_save_is_409(editor_api, monkeypatch):
    """If another writer takes the slug after validation, the loser gets 409, not a 500."""
    original = services.agreement_save

    def save_after_a_rival(**kwargs):
        with transaction.atomic():
            Agreement.objects.create(
                slug=VALID["slug"], title="Rival", kind="other", status="planned"
            )
        return original(**kwargs)

    monkeypatch.setattr(services, "agreement_save", save_after_a_rival)
    response = editor_api.post(URL, VALID, format="json")
    assert_error(response, 409, None)
    assert not Agreement.objects.filter(title=VALID["title"]).exists()


@pytest.mark.postgresql
def test_concurrent_posts_with_the_same_slug(django_db_setup, django_db_blocker, monkeypatch):
    """Two clients POST the same slug at once (real transactions, two connections): one gets
    201, the other 400 or 409 in the error shape; never a 500."""
    with django_db_blocker.unblock():
        counts = table_counts()
        marks = {}
        with connection.cursor() as cursor:
            for table in counts:
                columns = [
                    c.name for c in connection.introspection.get_table_description(cursor, table)
                ]
                if "id" in columns:
                    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
                    marks[table] = cursor.fetchone()[0]
        user = UserFactory(username="racer", groups=["editors"])
        clients = []
        for _ in range(2):
            _, key = AuthToken.objects.create(user=user, expiry=None)
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            clients.append(client)

        # Both requests pass validation before either saves.
        barrier = threading.Barrier(2, timeout=20)
        original = AgreementSerializer.validate

        def validate_then_wait(self, attrs):
            attrs = original(self, attrs)
            barrier.wait()
            return attrs

        monkeypatch.setattr(AgreementSerializer, "validate", validate_then_wait)
        responses = [None, None]

        def post(i):
            try:
                responses[i] = clients[i].post(URL, VALID, format="json")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            statuses = sorted(r.status_code for r in responses)
            assert statuses[0] == 201, [r.content[:300] for r in responses]
            assert statuses[1] in (400, 409), [r.content[:300] for r in responses]
            loser = next(r for r in responses if r.status_code != 201)
            assert_error(loser, loser.status_code)
            assert Agreement.objects.filter(slug=VALID["slug"]).count() == 1
        finally:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                cursor.execute('DELETE FROM "knox_authtoken" WHERE user_id = %s', [user.pk])
                for table, mark in marks.items():
                    cursor.execute(f'DELETE FROM "{table}" WHERE id > %s', [mark])
            assert table_counts() == counts


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"parties": [{}]}, "parties.0.party"),
        ({"signatures": [{"role": "witness"}]}, "signatures.0.person"),
        ({"minerals": [{"stages": ["mining"]}]}, "minerals.0.mineral"),
        ({"sources": [{"title": "No address"}]}, "sources.0.url"),
        ({"related": [{"kind": "follows"}]}, "related.0.agreement"),
    ],
)
def test_patch_row_without_its_key_is_a_400(publisher_api, ref, body, attr):
    """In a PATCH too, each nested row must say what it is (it was a 500: DRF makes every
    field optional under a partial root)."""
    response = publisher_api.patch(
        "/api/v1/agreements/uk-us-critical-minerals-mou-2026/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {"code": "required", "detail": "This field is required.", "attr": attr}
    ]


def test_duplicate_party_of_a_published_agreement_names_both_faults(publisher_api, ref):
    """A row error and a collection error on the same list are both reported (was a 500)."""
    response = publisher_api.patch(
        "/api/v1/agreements/uk-us-critical-minerals-mou-2026/",
        {"parties": [{"party": "GB"}, {"party": "GB"}]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert {
        (e["attr"], e["detail"]) for e in response.json()["errors"] if e["attr"].startswith("p")
    } == {
        ("parties.non_field_errors", "A published agreement needs at least two parties."),
        ("parties.1.party", "GB is already a party to this agreement."),
    }
