"""The changes feed lets a consumer mirror exactly what it can see, deletions included."""

import pytest

from agreements.models import ChangeEvent

PATHS = {
    "agreement": "agreements",
    "party": "parties",
    "person": "people",
    "mineral": "minerals",
    "mineral-list": "mineral-lists",
    "commitment": "commitments",
}


class Mirror:
    """A consumer that replays /changes/ and fetches each changed resource."""

    def __init__(self, client):
        self.client = client
        self.cursor = 0
        self.data: dict[tuple[str, str], dict] = {}
        self.events_seen = 0

    def sync(self):
        while True:
            page = self.client.get(f"/api/v1/changes/?since={self.cursor}&limit=100")
            assert page.status_code == 200, page.content
            body = page.json()
            for event in body["results"]:
                assert event["cursor"] > self.cursor
                self.cursor = event["cursor"]
                self.events_seen += 1
                key = (event["resource"], event["key"])
                if event["action"] == "deleted":
                    self.data.pop(key, None)
                    continue
                response = self.client.get(f"/api/v1/{PATHS[key[0]]}/{key[1]}/")
                if response.status_code == 404:
                    self.data.pop(key, None)
                else:
                    assert response.status_code == 200, response.content
                    self.data[key] = response.json()
            assert body["cursor"] == self.cursor
            if body["next"] is None:
                return


def server_state(client) -> dict:
    """Everything the client can see, by listing every collection and fetching each item."""
    state = {}
    for resource, path in PATHS.items():
        url = f"/api/v1/{path}/?limit=500"
        while url:
            page = client.get(url).json()
            for item in page["results"]:
                key = item.get("slug") or item.get("code") or item.get("key")
                state[(resource, key)] = client.get(f"/api/v1/{path}/{key}/").json()
            url = page["next"]
    return state


def agreement(slug, published, parties=("GB", "US"), **extra):
    return {
        "slug": slug,
        "title": f"Title of {slug}",
        "kind": "memorandum_of_understanding",
        "status": "signed",
        "signed_on": "2025-05-05",
        "is_published": published,
        "parties": [{"party": p} for p in parties],
        "signatures": [
            {"person": f"Signer {slug}", "party": parties[0], "office": "Minister"},
        ],
        "minerals": [{"mineral": "neodymium", "stages": ["processing"]}],
        "sources": [{"url": f"https://gov.example/{slug}", "title": "Release"}],
        **extra,
    }


def commitment(client, made, slug, name):
    """Records a commitment of ``slug`` due six months after signing (issue 17)."""
    response = client.post(
        "/api/v1/commitments/",
        {
            "agreement": slug,
            "text": f"Meet within six months ({name})",
            "kind": "meeting",
            "due_within": 6,
            "due_unit": "months",
            "due_from": "signing",
            "source_url": f"https://gov.example/{slug}",
            "quote": "will meet within six months",
        },
        format="json",
    )
    if response.status_code == 201:
        made[name] = response.json()["key"]
    return response


@pytest.fixture
def unthrottled(monkeypatch):
    """The mirror check makes hundreds of requests; rate limits are not under test here."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/min", "user": "100000/min"}
    )


@pytest.mark.parametrize("audience", ["anon", "editor_api"])
def test_mirror_replaying_changes_matches_the_server(request, publisher_api, audience, unthrottled):
    """A consumer replaying /changes/ between writes ends with exactly the visible data."""
    client = request.getfixturevalue(audience)
    mirror = Mirror(client)
    mirror.sync()
    made: dict[str, str] = {}  # commitment keys, by name
    steps = [
        lambda: publisher_api.post(
            "/api/v1/agreements/", agreement("draft-one", False), format="json"
        ),
        lambda: publisher_api.post(
            "/api/v1/agreements/", agreement("public-one", True), format="json"
        ),
        lambda: commitment(publisher_api, made, "draft-one", "on-draft"),
        lambda: commitment(publisher_api, made, "public-one", "on-public"),
        lambda: publisher_api.patch(
            "/api/v1/agreements/public-one/", {"title": "Renamed title"}, format="json"
        ),
        lambda: publisher_api.patch(
            "/api/v1/agreements/public-one/", {"signed_on": "2025-06-30"}, format="json"
        ),
        lambda: publisher_api.patch(
            f"/api/v1/commitments/{made['on-public']}/", {"status": "met"}, format="json"
        ),
        lambda: commitment(publisher_api, made, "public-one", "dropped"),
        lambda: publisher_api.delete(f"/api/v1/commitments/{made['dropped']}/"),
        lambda: publisher_api.patch(
            "/api/v1/agreements/public-one/",
            {"related": [{"agreement": "draft-one", "kind": "follows"}]},
            format="json",
        ),
        lambda: publisher_api.patch(
            "/api/v1/agreements/draft-one/", {"is_published": True}, format="json"
        ),
        lambda: publisher_api.patch(
            "/api/v1/agreements/draft-one/", {"slug": "draft-one-renamed"}, format="json"
        ),
        lambda: publisher_api.patch(
            "/api/v1/agreements/public-one/", {"is_published": False}, format="json"
        ),
        lambda: publisher_api.patch(
            "/api/v1/agreements/draft-one-renamed/",
            {"parties": [{"party": "GB"}, {"party": "JP"}]},
            format="json",
        ),
        lambda: publisher_api.patch("/api/v1/parties/JP/", {"name": "Nippon"}, format="json"),
        lambda: publisher_api.patch(
            "/api/v1/minerals/neodymium/", {"aliases": ["Nd metal"]}, format="json"
        ),
        lambda: publisher_api.patch(
            "/api/v1/people/signer-public-one/", {"name": "Signer Renamed"}, format="json"
        ),
        lambda: publisher_api.delete("/api/v1/agreements/draft-one-renamed/"),
        lambda: publisher_api.post("/api/v1/people/", {"name": "Nobody Yet"}, format="json"),
        lambda: publisher_api.patch(
            "/api/v1/mineral-lists/uk-2024/", {"name": "UK 2024 list (partial)"}, format="json"
        ),
        lambda: publisher_api.patch(
            "/api/v1/agreements/uk-us-critical-minerals-mou-2026/",
            {"signatures": []},
            format="json",
        ),
    ]
    for i, step in enumerate(steps):
        response = step()
        assert response.status_code in (200, 201, 204), (i, response.content)
        if i % 3 == 0:
            mirror.sync()
    mirror.sync()
    assert mirror.data == server_state(client)
    assert mirror.events_seen > 0


def test_anonymous_sees_publish_as_creation_and_unpublish_as_deletion(publisher_api, anon):
    """For anonymous readers, drafts are absent from the feed, publishing reads as created
    and unpublishing as deleted."""
    start = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    publisher_api.post("/api/v1/agreements/", agreement("feed-check", False), format="json")
    publisher_api.patch("/api/v1/agreements/feed-check/", {"summary": "x"}, format="json")
    publisher_api.patch("/api/v1/agreements/feed-check/", {"is_published": True}, format="json")
    publisher_api.patch("/api/v1/agreements/feed-check/", {"summary": "y"}, format="json")
    publisher_api.patch("/api/v1/agreements/feed-check/", {"is_published": False}, format="json")

    def actions(client):
        body = client.get(f"/api/v1/changes/?since={start}&resource=agreement").json()
        return [e["action"] for e in body["results"] if e["key"] == "feed-check"]

    assert actions(anon) == ["created", "updated", "deleted"]
    assert actions(publisher_api) == ["created", "updated", "updated", "updated", "updated"]
    people = anon.get(f"/api/v1/changes/?since={start}&resource=person").json()["results"]
    # The signer is visible only while a published agreement carries the signature.
    assert [e["action"] for e in people if e["key"] == "signer-feed-check"] == [
        "created",
        "deleted",
    ]


def test_bad_cursor_is_a_400(anon):
    """A malformed cursor or limit is refused naming the parameter."""
    for query, attr in (("since=abc", "since"), ("since=-1", "since"), ("limit=0", "limit")):
        response = anon.get(f"/api/v1/changes/?{query}")
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == attr


def test_draft_activity_is_not_in_the_anonymous_feed(editor_api, publisher_api, anon):
    """Saving a draft involving GB, NO, lithium and a witness who also signed a published
    agreement changes nothing anonymous clients see: their feed shows no event for it, while
    editors see the party, mineral and person events. Publishing it shows them all."""
    start = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def feed(client):
        body = client.get(f"/api/v1/changes/?since={start}&limit=1000").json()
        return {(e["resource"], e["key"], e["action"]) for e in body["results"]}

    draft = {
        "title": "Norway–United Kingdom lithium draft",
        "kind": "memorandum_of_understanding",
        "status": "signed",
        "signed_on": "2025-05-01",
        "parties": [{"party": "GB"}, {"party": "NO"}],
        "signatures": [{"person": "seema-malhotra", "role": "witness"}],
        "minerals": [{"mineral": "lithium"}],
        "sources": [{"url": "https://example.org/no-uk"}],
    }
    response = editor_api.post("/api/v1/agreements/", draft, format="json")
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    editor_api.patch(
        f"/api/v1/agreements/{slug}/",
        {"minerals": [{"mineral": "lithium"}, {"mineral": "cobalt"}]},
        format="json",
    )
    assert feed(anon) == set()
    seen_by_editors = feed(editor_api)
    assert {("party", "GB", "updated"), ("mineral", "lithium", "updated")} <= seen_by_editors
    assert ("person", "seema-malhotra", "updated") in seen_by_editors

    response = publisher_api.patch(
        f"/api/v1/agreements/{slug}/", {"is_published": True}, format="json"
    )
    assert response.status_code == 200, response.content
    published = feed(anon)
    assert ("agreement", slug, "created") in published
    assert {("party", "GB", "updated"), ("party", "NO", "updated")} <= published
    assert {("mineral", "lithium", "updated"), ("person", "seema-malhotra", "updated")} <= published


def test_an_event_rolled_back_with_a_savepoint_is_written_again(ref):
    """An event written inside a savepoint that is rolled back is written again when the
    same change happens later in the transaction (events are not skipped as duplicates)."""
    from django.db import transaction

    from agreements.models import Party

    Party.objects.get(code="DE").save()  # the transaction's bookkeeping starts out here
    before = ChangeEvent.objects.filter(resource="party", key="FR").count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Party.objects.get(code="FR").save()
        raise RuntimeError("rolled back")
    assert ChangeEvent.objects.filter(resource="party", key="FR").count() == before
    Party.objects.get(code="FR").save()
    assert ChangeEvent.objects.filter(resource="party", key="FR").count() == before + 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/parties/GB/", {"code": "UK"}),
        ("/api/v1/people/seema-malhotra/", {"slug": "seema-malhotra-mp"}),
        ("/api/v1/minerals/rare-earth-elements/", {"slug": "rare-earths"}),
    ],
)
def test_a_new_key_is_an_event_for_the_agreements_showing_it(publisher_api, path, body):
    """A party's code, a person's or a mineral's slug is shown in the agreements that name
    them: changing it is an event for those agreements, as a new name is."""
    start = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = publisher_api.patch(path, body, format="json")
    assert response.status_code == 200, response.content
    events = publisher_api.get(f"/api/v1/changes/?since={start}&resource=agreement").json()
    assert "uk-us-critical-minerals-mou-2026" in {e["key"] for e in events["results"]}
