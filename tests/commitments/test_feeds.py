"""iCalendar and Atom feeds of the commitments of published agreements."""

import datetime
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone
from icalendar import Calendar

from agreements.models import AgreementMineral, Commitment
from minerals.models import Mineral

from .conftest import make_commitment

D = datetime.date.fromisoformat


def calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    parsed = Calendar.from_ical(response.content)
    assert str(parsed["VERSION"]) == "2.0" and parsed["PRODID"]
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    for item in events.values():
        assert item["DTSTAMP"] and item["UID"].endswith("@cmat")
        assert isinstance(item.decoded("DTSTART"), datetime.date)
        assert not isinstance(item.decoded("DTSTART"), datetime.datetime)  # all-day
    return events


@pytest.fixture
def dated(public, draft):
    lithium = Mineral.objects.get(slug="lithium")
    AgreementMineral.objects.create(agreement=public, mineral=lithium, stages=["mining"])
    return {
        "meet": make_commitment(
            public, "Meet", due_within=6, due_unit="months", due_from="signing"
        ),
        "fund": make_commitment(
            public, "UK funds", responsible=["GB"], due_on=D("2026-05-01"), due_on_precision="month"
        ),
        "undated": make_commitment(public, "Someday"),
        "draft": make_commitment(draft, "Draft", due_on=D("2025-01-01")),
    }


def test_calendar_has_one_all_day_event_per_dated_published_commitment(anon, dated):
    """Drafts and undated commitments are left out; a due month ends on its last day."""
    events = calendar(anon, "/feeds/commitments.ics")
    meet = events.pop(f"{dated['meet'].key}@cmat")
    fund = events.pop(f"{dated['fund'].key}@cmat")
    assert f"{dated['undated'].key}@cmat" not in events
    assert f"{dated['draft'].key}@cmat" not in events
    assert meet.decoded("DTSTART") == D("2025-02-28")
    assert fund.decoded("DTSTART") == D("2026-05-31")
    description = str(meet["DESCRIPTION"])
    assert "Title of public-mou" in description
    assert "/api/v1/agreements/public-mou/" in description
    assert "Meet" in str(meet["SUMMARY"])


def test_the_uid_stays_when_a_commitment_changes(anon, editor_api, dated):
    """Calendar apps update the event in place: same UID, new LAST-MODIFIED and date."""
    key = dated["meet"].key
    Commitment.objects.filter(key=key).update(updated_at=timezone.now() - timedelta(days=1))
    before = calendar(anon, "/feeds/commitments.ics")[f"{key}@cmat"]
    response = editor_api.patch(
        f"/api/v1/commitments/{key}/", {"due_within": 7, "text": "Meet soon"}, format="json"
    )
    assert response.status_code == 200, response.content
    after = calendar(anon, "/feeds/commitments.ics")[f"{key}@cmat"]
    assert after.decoded("DTSTART") == D("2025-03-31")
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_party_and_mineral_calendars(anon, dated):
    """Per party: what it is responsible for; per mineral: agreements covering it (or a
    member of the group)."""
    ours = {f"{c.key}@cmat" for c in dated.values()}
    meet, fund = f"{dated['meet'].key}@cmat", f"{dated['fund'].key}@cmat"
    assert set(calendar(anon, "/feeds/parties/us/commitments.ics")) & ours == {meet}
    assert set(calendar(anon, "/feeds/parties/GB/commitments.ics")) & ours == {meet, fund}
    assert set(calendar(anon, "/feeds/minerals/lithium/commitments.ics")) & ours == {meet, fund}
    assert set(calendar(anon, "/feeds/minerals/cobalt/commitments.ics")) & ours == set()
    assert anon.get("/feeds/parties/XX/commitments.ics").status_code == 404


def test_atom_feed_of_overdue_and_reported_commitments(anon, public, draft):
    """Overdue (open, due before today) and reported (met, missed, withdrawn) commitments
    of published agreements, as valid Atom."""
    overdue = make_commitment(public, "Late", due_on=D("2020-01-01"))
    met = make_commitment(
        public, "Kept", status="met", status_on=D("2021-03-01"), status_quote="it was done"
    )
    make_commitment(public, "Not yet", due_on=D("2999-01-01"))
    make_commitment(draft, "Draft late", due_on=D("2020-01-01"))
    response = anon.get("/feeds/commitments/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert not [entry for entry in feed.entries if "draft-mou" in entry.summary]
    ids = [entry.id for entry in feed.entries if "public-mou" in entry.summary]
    assert ids == [
        f"tag:cmat,2026:commitment:{met.key}:met",
        f"tag:cmat,2026:commitment:{overdue.key}:overdue",
    ]
    assert next(e for e in feed.entries if e.id == ids[1]).title == "Overdue: Late"
