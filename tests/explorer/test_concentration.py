"""Supply concentration: shares loaded from CSV, the page and the API give the same figures,
and a mineral without data says so."""

import csv
import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from agreements.models import Party
from explorer.models import SupplyShare
from minerals.models import Mineral

from ..factories import AgreementFactory, AgreementMineralFactory, AgreementPartyFactory

pytestmark = pytest.mark.django_db

URL = "https://www.example.gov/statistics/imports-2024"
COLUMNS = ["importer", "mineral", "supplier", "year", "share", "source_url", "quote"]


def write_csv(path, rows, columns=COLUMNS):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


@pytest.fixture
def shares(ref, tmp_path):
    """Test figures (not shipped data): cobalt above the line, nickel below it."""
    path = write_csv(
        tmp_path / "shares.csv",
        [
            ["GB", "cobalt", "CN", "2024", "72.5", URL, "72.5% of cobalt imports came from China"],
            ["GB", "cobalt", "CA", "2024", "10", URL, "10% from Canada"],
            ["GB", "cobalt", "CD", "2023", "80", URL, "80% from the DRC in 2023"],
            ["GB", "nickel", "NO", "2024", "41", URL, "Norway supplied 41% of nickel"],
        ],
    )
    out = StringIO()
    call_command("load_supply_shares", str(path), stdout=out)
    assert "4 created, 0 updated" in out.getvalue()
    # A published agreement in force between GB and CA covering cobalt.
    agreement = AgreementFactory(title="Canada-UK Cobalt MoU", signed_on=datetime.date(2023, 1, 9))
    for code in ("GB", "CA"):
        AgreementPartyFactory(agreement=agreement, party=Party.objects.get(code=code))
    AgreementMineralFactory(agreement=agreement, mineral=Mineral.objects.get(slug="cobalt"))
    return path


def api(client, query=""):
    response = client.get(f"/api/v1/insights/concentration/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def row(html, slug):
    match = re.search(rf'<tr data-mineral="{slug}">(.*?)</tr>', html, re.S)
    assert match, slug
    return match.group(1)


def test_concentration_api_and_page_agree(shares):
    """Per mineral, the top supplier's share in the latest year, against 60%, with the partners
    whose agreements in force cover it; the page shows the API's figures."""
    client = Client()
    data = api(client, "?importer=GB&list=uk-2021&on=2025-01-01")
    assert data["threshold"] == 60 and data["mineral_list"] == "uk-2021"
    by_slug = {m["mineral"]: m for m in data["minerals"]}
    cobalt = by_slug["cobalt"]
    assert (cobalt["year"], cobalt["top_supplier"], cobalt["top_share"]) == (2024, "CN", 72.5)
    assert cobalt["above_threshold"] is True
    assert [s["supplier"] for s in cobalt["shares"]] == ["CN", "CA"]
    assert cobalt["shares"][0]["quote"] == "72.5% of cobalt imports came from China"
    together = client.get(
        "/api/v1/agreements/?between=GB,CA&mineral=cobalt&in_force_on=2025-01-01"
    ).json()["count"]
    assert together >= 1
    assert {"code": "CA", "name": "Canada", "agreements": together} in cobalt["partners_covering"]
    assert by_slug["nickel"]["above_threshold"] is False
    assert data["with_data"] == 2

    html = client.get("/insights/concentration/?importer=GB&list=uk-2021&on=2025-01-01")
    html = html.content.decode()
    for slug, item in by_slug.items():
        cells = row(html, slug)
        if item["top_share"] is None:
            assert "No data" in cells, slug
        else:
            shown = float(re.search(r'data-share="([\d.]+)"', cells).group(1))
            assert shown == item["top_share"], slug
            assert item["top_supplier_name"] in cells
    assert "above" in row(html, "cobalt") and f"Canada</a> ({together})" in row(html, "cobalt")
    assert 'id="concentration-data"' in html


def test_mineral_without_data_says_so(shares):
    """A listed mineral with no share is "No data" on the page and null in the API."""
    client = Client()
    lithium = next(
        m for m in api(client, "?importer=GB&list=uk-2021")["minerals"] if m["mineral"] == "lithium"
    )
    assert lithium["top_share"] is None and lithium["above_threshold"] is None
    assert lithium["shares"] == []
    html = client.get("/insights/concentration/?importer=GB&list=uk-2021").content.decode()
    assert "No data" in row(html, "lithium")


def test_importer_without_any_data_is_called_out(ref):
    """With no shares at all the page says there is no data instead of drawing a chart."""
    client = Client()
    data = api(client, "?importer=GB")
    assert data["with_data"] == 0 and data["mineral_list"] == "uk-2024"
    assert all(m["top_share"] is None for m in data["minerals"])
    html = client.get("/insights/concentration/?importer=GB").content.decode()
    assert 'data-testid="no-data"' in html and 'data-chart="concentration"' not in html


@pytest.mark.parametrize(
    "query,attr",
    [
        ("?importer=ZZ", "importer"),
        ("?list=nope", "list"),
        ("?on=2024-13-01", "on"),
    ],
)
def test_bad_parameters_are_400s(ref, query, attr):
    """Unknown codes and bad dates get the API's error shape naming the parameter, and a 400
    page."""
    client = Client()
    response = client.get(f"/api/v1/insights/concentration/{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error" and body["errors"][0]["attr"] == attr
    assert client.get(f"/insights/concentration/{query}").status_code == 400


@pytest.mark.parametrize("query,attr", [("?on=", "on"), ("?importer=", "importer")])
def test_blank_parameters_are_400s_in_the_api_and_defaults_on_the_page(ref, query, attr):
    """The API refuses a parameter given empty, as it documents; the page's form sends empty
    fields, which mean the default there."""
    client = Client()
    response = client.get(f"/api/v1/insights/concentration/{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr
    assert client.get(f"/insights/concentration/{query}").status_code == 200


def test_loader_refuses_a_bad_file_whole(ref, tmp_path):
    """One bad row and nothing is written; the errors name the lines."""
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ["GB", "cobalt", "CN", "2024", "50", URL, "half"],
            ["GB", "unobtainium", "CN", "2024", "50", URL, "half"],
            ["GB", "cobalt", "GB", "2024", "150", URL, "too much"],
        ],
    )
    with pytest.raises(CommandError) as error:
        call_command("load_supply_shares", str(path), stdout=StringIO())
    message = str(error.value)
    assert "line 3" in message and "unknown mineral" in message
    assert "line 4" in message
    assert not SupplyShare.objects.exists()
    missing = write_csv(tmp_path / "missing.csv", [], columns=["importer", "mineral"])
    with pytest.raises(CommandError, match="missing column"):
        call_command("load_supply_shares", str(missing), stdout=StringIO())


def test_loader_updates_and_replaces(shares, tmp_path):
    """Loading a row again updates it; --replace drops the importer's other rows."""
    path = write_csv(
        tmp_path / "again.csv", [["gb", "Cobalt", "cn", "2024", "65%", URL, "65% from China"]]
    )
    out = StringIO()
    call_command("load_supply_shares", str(path), stdout=out)
    assert "0 created, 1 updated" in out.getvalue()
    assert SupplyShare.objects.get(supplier__code="CN").share == 65
    call_command("load_supply_shares", str(path), "--replace", stdout=StringIO())
    assert SupplyShare.objects.count() == 1


def test_schema_documents_the_concentration_endpoint(ref):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    operation = schema["paths"]["/api/v1/insights/concentration/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"importer", "list", "on"}
