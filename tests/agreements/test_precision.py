"""Date precision: month- and year-precision dates, their rules, filters and admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agreement, DatePrecision, period_end

from .fixtures import assert_error

pytestmark = pytest.mark.django_db

BASE = {
    "kind": "memorandum_of_understanding",
    "status": "signed",
    "parties": [{"party": "GB"}, {"party": "KZ"}],
    "sources": [{"url": "https://example.gov/release", "kind": "press_release"}],
}


def create(client, slug, **fields):
    body = {**BASE, "title": slug, "slug": slug, **fields}
    response = client.post("/api/v1/agreements/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def dated(publisher_api):
    """March 2024 (month), 2023 (year), 2024-03-15 (day), all published."""
    create(publisher_api, "month-mar-2024", signed_on="2024-03-01", signed_on_precision="month")
    create(publisher_api, "year-2023", signed_on="2023-01-01", signed_on_precision="year")
    create(publisher_api, "day-2024-03-15", signed_on="2024-03-15")
    for slug in ("month-mar-2024", "year-2023", "day-2024-03-15"):
        response = publisher_api.patch(
            f"/api/v1/agreements/{slug}/", {"is_published": True}, format="json"
        )
        assert response.status_code == 200, response.content


def test_period_end():
    assert period_end(datetime.date(2024, 2, 1), DatePrecision.MONTH) == datetime.date(2024, 2, 29)
    assert period_end(datetime.date(2023, 12, 1), DatePrecision.MONTH) == datetime.date(
        2023, 12, 31
    )
    assert period_end(datetime.date(2023, 1, 1), DatePrecision.YEAR) == datetime.date(2023, 12, 31)
    assert period_end(datetime.date(2023, 5, 7), DatePrecision.DAY) == datetime.date(2023, 5, 7)


def test_representation_carries_precision(publisher_api):
    body = create(publisher_api, "month-only", signed_on="2024-03-01", signed_on_precision="month")
    assert body["signed_on"] == "2024-03-01"
    assert body["signed_on_precision"] == "month"
    assert body["announced_on_precision"] == "day"


@pytest.mark.parametrize(
    "fields",
    [
        {"signed_on": "2024-03-15", "signed_on_precision": "month"},
        {"signed_on": "2024-03-01", "signed_on_precision": "year"},
        {"announced_on": "2024-02-02", "announced_on_precision": "month"},
    ],
)
def test_month_and_year_dates_start_their_period(editor_api, fields):
    body = {**BASE, "title": "t", "signed_on": "2024-03-01", **fields}
    response = editor_api.post("/api/v1/agreements/", body, format="json")
    field = next(iter(fields))
    assert_error(response, 400, field)


def test_database_refuses_a_month_date_not_on_the_first(ref):
    agreement = Agreement(
        title="x", kind="other", signed_on=datetime.date(2024, 3, 2), signed_on_precision="month"
    )
    with pytest.raises(ValidationError):
        agreement.full_clean()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # A month counts when any day of it fits.
        ({"signed_after": "2024-03-31"}, {"month-mar-2024"}),
        ({"signed_after": "2024-03-15"}, {"month-mar-2024", "day-2024-03-15"}),
        ({"signed_after": "2024-04-01"}, set()),
        ({"signed_before": "2024-03-01"}, {"month-mar-2024", "year-2023"}),
        ({"signed_before": "2024-02-29"}, {"year-2023"}),
        # A year counts when any day of it fits.
        ({"signed_after": "2023-12-31", "signed_before": "2023-12-31"}, {"year-2023"}),
        (
            {"signed_after": "2024-01-01", "signed_before": "2024-12-31"},
            {"month-mar-2024", "day-2024-03-15"},
        ),
        ({"signed_before": "2022-12-31"}, set()),
    ],
)
def test_signed_filters_read_precision(anon, dated, params, expected):
    response = anon.get("/api/v1/agreements/", {**params, "limit": 500})
    assert response.status_code == 200
    found = {a["slug"] for a in response.json()["results"]} & {
        "month-mar-2024",
        "year-2023",
        "day-2024-03-15",
    }
    assert found == expected


@pytest.mark.parametrize(
    ("on", "in_force"),
    [
        ("2024-02-29", False),  # before the month it was signed in
        ("2024-03-01", True),  # a day of the signing month: it may have started
        ("2024-12-31", True),
        # Expiry (first day no longer in force) known to the month, June 2025: on 15 June it
        # may still apply; on 30 June it cannot (the expiry day is 30 June at the latest).
        ("2025-06-15", True),
        ("2025-06-30", False),
        ("2025-07-01", False),
    ],
)
def test_in_force_on_reads_precision(anon, publisher_api, on, in_force):
    create(
        publisher_api,
        "expiring",
        signed_on="2024-03-01",
        signed_on_precision="month",
        expires_on="2025-06-01",
        expires_on_precision="month",
        is_published=True,
    )
    response = anon.get("/api/v1/agreements/", {"in_force_on": on, "limit": 500})
    slugs = {a["slug"] for a in response.json()["results"]}
    assert ("expiring" in slugs) is in_force
    agreement = Agreement.objects.get(slug="expiring")
    assert agreement.is_in_force(datetime.date.fromisoformat(on)) is in_force


def test_admin_edits_precision(client, publisher):
    client.force_login(publisher)
    page = client.get("/admin/agreements/agreement/add/")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("announced_on", "signed_on", "effective_on", "expires_on", "terminated_on"):
        assert f'name="{name}_precision"' in html
