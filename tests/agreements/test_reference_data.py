"""Reference data (DESIGN §6): loaded idempotently, founding agreements, groups after migrate."""

from io import StringIO

import pycountry
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from agreements.models import Party, PartyKind, ReferenceRow
from minerals.models import Mineral, MineralAlias, MineralList

TRACKER_APPS = ("agreements", "minerals")


def tracker_counts() -> dict[str, int]:
    """Row count of every table of the tracker, history tables included, plus auth groups."""
    counts = {
        model._meta.label: model._default_manager.count()
        for app in TRACKER_APPS
        for model in apps.get_app_config(app).get_models()
    }
    counts["auth.Group"] = Group.objects.count()
    counts["auth.Permission"] = Permission.objects.count()
    return counts


def run_loader() -> str:
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def test_history_tables_are_counted(ref):
    """The count covers the history tables as well as the live ones."""
    counts = tracker_counts()
    assert "agreements.HistoricalAgreement" in counts
    assert "minerals.HistoricalMineral" in counts
    assert counts["agreements.HistoricalParty"] >= counts["agreements.Party"] > 0


def test_second_run_changes_nothing(ref):
    """Run twice, the loader creates and updates nothing the second time: every count is equal."""
    run_loader()
    before = tracker_counts()
    output = run_loader()
    assert tracker_counts() == before
    lines = [line for line in output.splitlines() if line.strip()]
    assert {line.split(":")[0] for line in lines} >= {
        "Party",
        "Mineral",
        "MineralAlias",
        "MineralList",
        "MineralListEntry",
        "Agreement",
    }
    for line in lines:
        assert " 0 created, 0 updated" in line, line


def test_loader_reports_what_it_created_and_updated(ref):
    """The loader creates what is missing and brings a row that still holds an older shipped
    value (untouched since the last load) to the shipped value, saying so."""
    from agreements.management.commands.load_reference_data import digest

    MineralAlias.objects.get(name="REE").delete()
    Party.objects.filter(code="FR").update(name="Gaul")  # as shipped by an older release
    ReferenceRow.objects.filter(key="Party FR").update(
        digest=digest({"name": "Gaul", "kind": PartyKind.STATE})
    )
    output = run_loader()
    assert "MineralAlias: 1 created, 0 updated" in output
    assert "Party: 0 created, 1 updated" in output
    assert "Conflict" not in output
    assert Party.objects.get(code="FR").name == "France"
    assert MineralAlias.objects.get(name="REE").mineral.slug == "rare-earth-elements"


def test_loader_keeps_what_editors_changed_and_reports_it(ref, editor_api):
    """An edit made since the last load survives a reload and is reported as a conflict,
    through the API (a mineral's description) or any other way (a party's name)."""
    response = editor_api.patch(
        "/api/v1/minerals/lithium/", {"description": "Edited by an editor."}, format="json"
    )
    assert response.status_code == 200, response.content
    Party.objects.filter(code="FR").update(name="French Republic")
    output = run_loader()
    assert Mineral.objects.get(slug="lithium").description == "Edited by an editor."
    assert Party.objects.get(code="FR").name == "French Republic"
    assert "Mineral: 0 created, 0 updated" in output and "1 kept" in output
    assert "Conflict: Mineral lithium: description changed since the last load" in output
    assert "Conflict: Party FR: name changed since the last load" in output
    # Set back to the shipped value by an editor: the row follows the shipped data again.
    Party.objects.filter(code="FR").update(name="France")
    assert "Conflict: Party FR" not in run_loader()


def test_loader_leaves_editors_corrections_to_agreements_alone(anon, publisher_api):
    """Agreements already in the database are never overwritten by the loader."""
    url = "/api/v1/agreements/uk-us-critical-minerals-mou-2026/"
    response = publisher_api.patch(url, {"signed_place": "Washington, D.C."}, format="json")
    assert response.status_code == 200, response.content
    output = run_loader()
    assert "0 updated" in next(line for line in output.splitlines() if line.startswith("Agreement"))
    assert publisher_api.get(url).json()["signed_place"] == "Washington, D.C."


def test_every_iso_state_and_the_eu_are_parties(ref):
    """All ISO 3166-1 states are parties (GB, not UK), plus the European Union."""
    states = Party.objects.filter(kind=PartyKind.STATE)
    assert set(states.values_list("code", flat=True)) == {c.alpha_2 for c in pycountry.countries}
    assert Party.objects.get(code="GB").name == "United Kingdom"
    assert not Party.objects.filter(code="UK").exists()
    eu = Party.objects.get(code="EU")
    assert (eu.name, eu.kind) == ("European Union", PartyKind.REGIONAL_ORGANISATION)


def test_minerals_and_lists(anon):
    """71 minerals with groups and aliases, and the four criticality lists."""
    assert Mineral.objects.count() == 71
    assert Mineral.objects.get(slug="neodymium").group.slug == "rare-earth-elements"
    assert Mineral.objects.get(slug="platinum").group.slug == "platinum-group-metals"
    assert MineralAlias.objects.get(name="aluminum").mineral.slug == "aluminium"
    assert set(MineralList.objects.values_list("slug", flat=True)) == {
        "uk-2021",
        "uk-2024",
        "us-2025",
        "eu-2023",
    }
    body = anon.get("/api/v1/mineral-lists/").json()
    assert body["count"] == 4


def test_uk_us_mou_is_recorded_as_signed(anon):
    """The founding record: UK–US MoU, Washington DC, 2026-02-04, Malhotra and Helberg."""
    body = anon.get("/api/v1/agreements/uk-us-critical-minerals-mou-2026/").json()
    assert body["signed_on"] == "2026-02-04"
    assert body["signed_place"] == "Washington DC"
    assert body["signed_country"] == "US"
    assert body["legally_binding"] is False
    assert body["kind"] == "memorandum_of_understanding"
    assert body["is_published"] is True
    assert [p["party"] for p in body["parties"]] == ["GB", "US"]
    signatories = {
        (s["person"], s["person_name"], s["office"], s["party"], s["role"], s["signed_on"])
        for s in body["signatures"]
    }
    assert signatories == {
        (
            "seema-malhotra",
            "Seema Malhotra",
            "Foreign Office Minister",
            "GB",
            "signatory",
            "2026-02-04",
        ),
        (
            "jacob-helberg",
            "Jacob Helberg",
            "Under Secretary of State",
            "US",
            "signatory",
            "2026-02-04",
        ),
    }
    press = [
        s
        for s in body["sources"]
        if s["kind"] == "press_release" and s["published_on"] == "2026-02-05"
    ]
    assert press and "GOV.UK" in press[0]["publisher"]


@pytest.mark.parametrize(
    "slug, signed_on, place, parties",
    [
        (
            "australia-uk-critical-minerals-statement-of-intent-2023",
            "2023-04-04",
            "Perth",
            ["AU", "GB"],
        ),
        ("canada-uk-critical-minerals-joint-statement-2023", "2023-03-06", "Toronto", ["CA", "GB"]),
    ],
)
def test_uk_australia_and_uk_canada_instruments(anon, slug, signed_on, place, parties):
    """The UK–Australia and UK–Canada instruments are published with their dates and places."""
    body = anon.get(f"/api/v1/agreements/{slug}/").json()
    assert (body["signed_on"], body["signed_place"]) == (signed_on, place)
    assert [p["party"] for p in body["parties"]] == parties
    assert body["is_published"] is True and body["sources"]


TRACKER_MODELS = {
    "agreements": [
        "party",
        "person",
        "agreement",
        "agreementparty",
        "signature",
        "agreementmineral",
        "source",
        "relatedagreement",
    ],
    "minerals": ["mineral", "mineralalias", "minerallist", "minerallistentry"],
}


def perms(actions):
    return {
        f"{app}.{action}_{model}"
        for app, models in TRACKER_MODELS.items()
        for model in models
        for action in actions
    }


def group_perms(name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=name).permissions.select_related("content_type")
    }


def test_editors_group_may_view_add_change_but_not_delete_or_publish(ref):
    """Editors: view/add/change on every tracker model; no delete, no publish."""
    granted = group_perms("editors")
    assert granted >= perms(["view", "add", "change"])
    assert not granted & perms(["delete"])
    assert "agreements.publish_agreement" not in granted


def test_publishers_group_adds_delete_and_publish(ref):
    """Publishers: everything editors have, plus delete and agreements.publish_agreement."""
    granted = group_perms("publishers")
    assert granted >= perms(["view", "add", "change", "delete"])
    assert "agreements.publish_agreement" in granted
    assert group_perms("editors") <= granted
