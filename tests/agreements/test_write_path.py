"""One write path: the API and the admin feed the same service, each write is one
revision and one change log."""

import uuid

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, AgreementParty, ChangeEvent, Party, Person
from agreements.sync.changelog import write
from minerals.models import Mineral

from .test_admin import ADD_URL, agreement_post
from .test_api import detail, reread
from .test_write_queries import SLUG, five_changes

DRAFT = {
    "title": "Norway–United Kingdom lithium memorandum",
    "kind": "memorandum_of_understanding",
    "status": "signed",
    "signed_on": "2025-05-01",
}


def events_since(start: int) -> list[tuple]:
    rows = ChangeEvent.objects.filter(id__gt=start).order_by("id")
    return list(
        rows.values_list("resource", "key", "action", "visible_before", "visible_after", "public")
    )


def last_event() -> int:
    return ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_put_is_one_revision(publisher_api):
    """Every version a PUT writes (agreement and nested rows) carries one revision id."""
    agreement = Agreement.objects.get(slug=SLUG)
    before = Agreement.history.filter(id=agreement.pk).count()
    response = publisher_api.put(
        detail(SLUG), five_changes(reread(publisher_api, detail(SLUG))), format="json"
    )
    assert response.status_code == 200, response.content
    newest = Agreement.history.filter(id=agreement.pk).order_by("-history_id")
    assert newest.count() == before + 1
    revision = newest.first().revision
    children = [
        model.history.filter(**{f"{parent}_id": agreement.pk, "revision": revision}).count()
        for model, parent, *_ in services.collection_fields().values()
    ]
    assert sum(children) == 5


def test_admin_and_api_writes_give_the_same_events(client, publisher, publisher_api):
    """The same draft saved through the admin and through the API gives the same events
    (the agreement's own key aside), one per key, each write as one bulk insert."""
    gb, no = Party.objects.get(code="GB"), Party.objects.get(code="NO")
    lithium = Mineral.objects.get(slug="lithium")
    seema = Person.objects.get(slug="seema-malhotra")
    client.force_login(publisher)
    start = last_event()
    form = agreement_post(
        fields={**DRAFT, "slug": "via-admin", "signed_country": gb.pk},
        parties=[{"party": gb.pk}, {"party": no.pk}],
        signatures=[{"person": seema.pk, "party": gb.pk, "role": "signatory"}],
        minerals=[{"mineral": lithium.pk}],
        sources=[{"url": "https://example.org/no-uk", "kind": "press_release"}],
    )
    assert client.post(ADD_URL, form).status_code == 302
    via_admin = events_since(start)
    middle = last_event()
    body = {
        **DRAFT,
        "slug": "via-api",
        "signed_country": "GB",
        "parties": [{"party": "GB"}, {"party": "NO"}],
        "signatures": [{"person": "seema-malhotra", "party": "GB", "role": "signatory"}],
        "minerals": [{"mineral": "lithium"}],
        "sources": [{"url": "https://example.org/no-uk"}],
    }
    assert publisher_api.post("/api/v1/agreements/", body, format="json").status_code == 201
    via_api = events_since(middle)

    def same(events, slug):
        return sorted(e if e[1] != slug else (e[0], "new", *e[2:]) for e in events)

    assert same(via_admin, "via-admin") == same(via_api, "via-api")
    assert ("agreement", "via-api", "created", False, False, True) in via_api
    assert len({e[:2] for e in via_api}) == len(via_api)


def test_admin_history_has_one_entry_per_write(client, publisher):
    """Two writes by one user a moment apart are two entries, not one (grouped by revision,
    no longer by user and time)."""
    agreement = Agreement.objects.get(slug=SLUG)
    services.agreement_save(agreement=agreement, data={"summary": "First."}, collections={})
    services.agreement_save(agreement=agreement, data={"summary": "Second."}, collections={})
    url = reverse("admin:agreements_agreement_history", args=[agreement.pk])
    client.force_login(publisher)
    timeline = client.get(url).context["timeline"]
    changes = [item["changes"] for item in timeline[0]["items"] + timeline[1]["items"]]
    assert [c["new"] for group in changes for c in group if c["field"] == "summary"] == [
        "Second.",
        "First.",
    ]


def test_a_failed_write_leaves_nothing(ref, monkeypatch):
    """The service is atomic on its own: rows, people, versions and events all go."""
    counts = (Agreement.objects.count(), Person.objects.count(), ChangeEvent.objects.count())

    def fail(agreement):
        raise RuntimeError("search index down")

    monkeypatch.setattr(services, "agreement_refresh_search", fail)
    with pytest.raises(RuntimeError):
        services.agreement_save(
            data={**DRAFT, "slug": "doomed"},
            collections={"signatures": [{"person": "Someone Entirely New", "role": "witness"}]},
        )
    after = (Agreement.objects.count(), Person.objects.count(), ChangeEvent.objects.count())
    assert after == counts


def test_nested_writes_share_one_revision_and_one_change_log(ref):
    """A write inside another (the view's If-Match check around the service) joins it."""
    start = last_event()
    with write() as log:
        first = services.agreement_save(data={**DRAFT, "slug": "one"}, collections={})
        services.agreement_save(agreement=first, data={"summary": "Again."}, collections={})
        assert ChangeEvent.objects.filter(id__gt=start).count() == 0  # not before the end
    assert events_since(start) == [("agreement", "one", "created", False, False, True)]
    revisions = set(Agreement.history.filter(id=first.pk).values_list("revision", flat=True))
    assert len(revisions) == 1 and isinstance(revisions.pop(), uuid.UUID)
    assert log.events


def test_a_write_around_a_service_still_tracks_its_own_saves(ref):
    """Inside an outer write, the models a nested service handled are tracked again by the
    safety net once that service returns."""
    start = last_event()
    with write():
        services.agreement_save(data={**DRAFT, "slug": "inner"}, collections={})
        Party.objects.get(code="NO").save()
        Agreement.objects.get(slug=SLUG).save()
    keys = {(r, k) for r, k, *_ in events_since(start)}
    assert {("agreement", "inner"), ("party", "NO"), ("agreement", SLUG)} <= keys


def test_rules_are_checked_again_under_the_lock(publisher_api, monkeypatch):
    """A party removed by another writer between validation and the write: publishing,
    validated against two parties, is refused (400) rather than leaving one."""
    body = {
        **DRAFT,
        "slug": "racing",
        "parties": [{"party": "GB"}, {"party": "NO"}],
        "sources": [{"url": "https://example.org/racing"}],
    }
    assert publisher_api.post("/api/v1/agreements/", body, format="json").status_code == 201
    original = services.agreement_save

    def after_a_rival(**kwargs):
        AgreementParty.objects.filter(agreement__slug="racing", party__code="NO").delete()
        return original(**kwargs)

    monkeypatch.setattr(services, "agreement_save", after_a_rival)
    response = publisher_api.patch(detail("racing"), {"is_published": True}, format="json")
    assert response.status_code == 400, response.content
    assert "two parties" in response.content.decode()
    assert not Agreement.objects.get(slug="racing").is_published
