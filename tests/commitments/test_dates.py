"""Due dates: "within N days/months/years of" signing or entry into force, as calendar
readers count them."""

import datetime

import pytest

from agreements import services
from agreements.commitments.dates import add_months, relative_due
from agreements.models import Commitment

from .conftest import make_agreement, make_commitment

D = datetime.date.fromisoformat


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2024-08-31", 6, "2025-02-28"),  # February of a common year
        ("2023-08-31", 6, "2024-02-29"),  # February of a leap year
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-03-31", 1, "2024-04-30"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-11-15", 3, "2025-02-15"),  # across a year end
        ("2024-05-10", 0, "2024-05-10"),
    ],
)
def test_month_addition_clamps_to_the_month_end(start, months, expected):
    """Adding months keeps the day, or takes the last day of a shorter month."""
    assert add_months(D(start), months) == D(expected)


def test_six_months_of_signing_on_31_august_is_28_february(ref):
    """'Within six months of signing' on 2024-08-31 falls due on 2025-02-28."""
    agreement = make_agreement("aug-mou", signed_on="2024-08-31")
    commitment = make_commitment(
        agreement, due_within=6, due_unit="months", due_from="signing", due_on=D("2000-01-01")
    )
    commitment.refresh_from_db()
    assert (commitment.due_on, commitment.due_on_precision) == (D("2025-02-28"), "day")


def test_days_count_from_the_day_of_signing(ref):
    """'Within 180 days of signing' on 2026-02-04 falls due on 2026-08-03."""
    agreement = make_agreement("days-mou", signed_on="2026-02-04")
    commitment = make_commitment(agreement, due_within=180, due_unit="days", due_from="signing")
    assert commitment.due_on == D("2026-08-03")


def test_no_entry_into_force_means_no_due_date(ref):
    """Counting from entry into force needs the effective date: without it, no due date;
    once the agreement service records one, the due date follows."""
    agreement = make_agreement("eif-mou")
    commitment = make_commitment(
        agreement, due_within=30, due_unit="days", due_from="entry_into_force"
    )
    assert commitment.due_on is None
    services.agreement_save(
        agreement=agreement, data={"effective_on": D("2024-10-01")}, collections={}
    )
    commitment.refresh_from_db()
    assert commitment.due_on == D("2024-10-31")


def test_due_dates_follow_the_agreements_dates(ref):
    """Correcting the signing date (through the agreement service, as the API and the
    admin do) moves every relative due date with it."""
    agreement = make_agreement("moving-mou", signed_on="2024-08-31")
    relative = make_commitment(agreement, due_within=6, due_unit="months", due_from="signing")
    fixed = make_commitment(agreement, "Fixed", due_on=D("2030-01-01"), due_on_precision="year")
    services.agreement_save(
        agreement=agreement, data={"signed_on": D("2023-08-31")}, collections={}
    )
    assert Commitment.objects.get(pk=relative.pk).due_on == D("2024-02-29")
    assert Commitment.objects.get(pk=fixed.pk).due_on == D("2030-01-01")


@pytest.mark.parametrize(
    ("base", "precision", "within", "unit", "expected"),
    [
        ("2025-11-01", "month", 6, "months", ("2026-05-01", "month")),
        ("2025-11-01", "month", 180, "days", ("2026-05-01", "month")),  # latest day: 29 May
        ("2023-01-01", "year", 1, "years", ("2024-01-01", "year")),
        ("2025-12-20", "day", 5, "years", ("2030-12-20", "day")),
    ],
)
def test_a_month_or_year_precision_base_gives_a_due_period(base, precision, within, unit, expected):
    """A base known to the month (year) gives a due month (year), never an early day."""
    due, due_precision = relative_due(D(base), precision, within, unit)
    assert (due.isoformat(), due_precision) == expected
