"""A party's code shows in the commitments that name it: renaming it is a commitment event."""

import pytest
from django.urls import reverse

from agreements.models import ChangeEvent, Party

from .conftest import make_commitment


def feed(client, since, resource="commitment"):
    body = client.get(f"/api/v1/changes/?since={since}&resource={resource}&limit=1000").json()
    return [(e["key"], e["action"]) for e in body["results"]]


def last_event_id() -> int:
    return ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def named(public, draft):
    """Commitments naming GB on a published and on a draft agreement, and one naming nobody."""
    return {
        "public": make_commitment(public, "UK funds", responsible=["GB"]),
        "draft": make_commitment(draft, "UK drafts", responsible=["GB"]),
        "all": make_commitment(public, "Everyone meets"),
        "us": make_commitment(public, "US funds", responsible=["US"]),
    }


def test_api_code_change_is_an_event_for_each_commitment_naming_the_party(
    publisher_api, editor_api, anon, named
):
    """Changing GB's code through the API updates every commitment that lists GB (their
    representation shows the new code); anonymous readers hear of the published one only."""
    since = last_event_id()
    response = publisher_api.patch("/api/v1/parties/GB/", {"code": "UK"}, format="json")
    assert response.status_code == 200, response.content
    key = {name: str(c.key) for name, c in named.items()}
    assert set(feed(editor_api, since)) == {
        (key["public"], "updated"),
        (key["draft"], "updated"),
    }
    assert feed(anon, since) == [(key["public"], "updated")]
    shown = anon.get(f"/api/v1/commitments/{key['public']}/").json()
    assert shown["responsible_parties"] == ["UK"]
    # The agreements that embed the party hear of it too (their parties show the code).
    agreements = {k for k, _ in feed(editor_api, since, "agreement")}
    assert {"public-mou", "draft-mou"} <= agreements


def test_admin_code_change_is_an_event_for_each_commitment_naming_the_party(
    client, publisher, editor_api, named
):
    """The same through the party admin page."""
    party = Party.objects.get(code="GB")
    client.force_login(publisher)
    since = last_event_id()
    url = reverse("admin:agreements_party_change", args=[party.pk])
    response = client.post(
        url, {"code": "UK", "name": party.name, "kind": party.kind, "country": ""}
    )
    assert response.status_code == 302, response.content
    assert Party.objects.filter(code="UK").exists()
    assert {k for k, _ in feed(editor_api, since)} == {
        str(named["public"].key),
        str(named["draft"].key),
    }


def test_name_change_is_no_commitment_event(publisher_api, editor_api, named):
    """Commitments show a party's code, not its name: a new name changes no commitment
    (the agreements, which show the name, do get an event)."""
    since = last_event_id()
    response = publisher_api.patch(
        "/api/v1/parties/GB/", {"name": "United Kingdom of GB and NI"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert feed(editor_api, since) == []
    assert "public-mou" in {k for k, _ in feed(editor_api, since, "agreement")}
