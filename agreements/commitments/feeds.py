"""Feeds of the commitments of published agreements: iCalendar (one all-day event per due
date, for calendar apps) and Atom (commitments that became overdue or changed status)."""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from icalendar import Calendar, Event

from agreements.commitments.dates import due_period_end
from agreements.commitments.filters import responsible_for
from agreements.models import Agreement, Commitment, CommitmentStatus, DatePrecision, Party
from minerals.models import Mineral

PRODID = "-//Critical Minerals Agreement Tracker//Commitments//EN"
FEED_SIZE = 50
REPORTED = (CommitmentStatus.MET, CommitmentStatus.MISSED, CommitmentStatus.WITHDRAWN)


def published():
    return Commitment.objects.filter(agreement__is_published=True).select_related("agreement")


def for_party(code: str):
    party = get_object_or_404(Party, code__iexact=code)
    return responsible_for(published(), [party.pk]), party.name


def for_mineral(slug: str):
    mineral = get_object_or_404(Mineral, slug=slug)
    covered = Mineral.objects.filter(Q(pk=mineral.pk) | Q(group=mineral)).values("pk")
    agreements = Agreement.objects.filter(agreement_minerals__mineral__in=covered).values("pk")
    return published().filter(agreement__in=agreements), mineral.name


def due_text(commitment) -> str:
    """'2026-08-03', 'May 2026' or '2026', as precise as the due date is known."""
    value, precision = commitment.due_on, commitment.due_on_precision
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return value.isoformat()


def event(commitment, request) -> Event:
    """The commitment as an all-day event on the last day it may be met (its due day, or
    the last day of its due month or year); the UID never changes, LAST-MODIFIED does."""
    agreement = commitment.agreement
    url = request.build_absolute_uri(
        reverse("api:agreement-detail", kwargs={"slug": agreement.slug})
    )
    last_day = due_period_end(commitment.due_on, commitment.due_on_precision)
    item = Event()
    item.add("uid", f"{commitment.key}@cmat")
    item.add("dtstamp", commitment.updated_at)
    item.add("last-modified", commitment.updated_at)
    item.add("dtstart", last_day)
    item.add("dtend", last_day + datetime.timedelta(days=1))
    item.add("summary", f"{agreement.short_title or agreement.title}: {commitment.text}")
    item.add(
        "description",
        f"{commitment.text}\n\nDue: {due_text(commitment)}. "
        f"Status: {commitment.get_status_display()}.\n"
        f"Agreement: {agreement.title}\n{url}\nSource: {commitment.source_url}",
    )
    item.add("url", url)
    item.add("categories", [commitment.get_kind_display()])
    if commitment.status == CommitmentStatus.WITHDRAWN:
        item.add("status", "CANCELLED")
    return item


def calendar_response(request, commitments, name: str) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for commitment in commitments.filter(due_on__isnull=False).order_by("due_on", "id"):
        calendar.add_component(event(commitment, request))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="commitments.ics"'
    return response


def all_calendar(request):
    return calendar_response(request, published(), "Critical minerals commitments")


def party_calendar(request, code):
    commitments, name = for_party(code)
    return calendar_response(request, commitments, f"Critical minerals commitments: {name}")


def mineral_calendar(request, slug):
    commitments, name = for_mineral(slug)
    return calendar_response(request, commitments, f"Critical minerals commitments: {name}")


class CommitmentFeed(Feed):
    """Commitments of published agreements that became overdue (open, due period over)
    or whose status was reported (met, missed, withdrawn), latest first. An entry's id
    names the event, so a commitment met after being overdue appears anew."""

    feed_type = Atom1Feed
    title = "Critical minerals commitments: overdue and reported"
    subtitle = "Promises in agreements on critical minerals that fell due or were reported on."

    def link(self):
        return reverse("api:commitment-list")

    def items(self):
        today = timezone.localdate()
        overdue = published().overdue_on(today)
        reported = published().filter(status__in=REPORTED)
        entries = [(c, "overdue", self.overdue_since(c)) for c in overdue]
        entries += [(c, c.status, c.status_on or c.updated_at.date()) for c in reported]
        entries.sort(key=lambda e: (e[2], e[0].pk), reverse=True)
        return entries[:FEED_SIZE]

    @staticmethod
    def overdue_since(commitment) -> datetime.date:
        return due_period_end(commitment.due_on, commitment.due_on_precision) + datetime.timedelta(
            days=1
        )

    def item_title(self, item):
        commitment, what, _ = item
        label = "Overdue" if what == "overdue" else commitment.get_status_display()
        return f"{label}: {commitment.text}"

    def item_description(self, item):
        commitment = item[0]
        text = f"{commitment.agreement.title}. {commitment.text}"
        if commitment.status_quote:
            text += f" — “{commitment.status_quote}” ({commitment.status_source_url})"
        return text

    def item_link(self, item):
        return reverse("api:commitment-detail", kwargs={"key": item[0].key})

    def item_guid(self, item):
        return f"tag:cmat,2026:commitment:{item[0].key}:{item[1]}"

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return datetime.datetime.combine(item[2], datetime.time(), tzinfo=datetime.UTC)

    def item_pubdate(self, item):
        return self.item_updateddate(item)

    def item_categories(self, item):
        return [item[0].get_kind_display()]


urlpatterns = [
    path("feeds/commitments.ics", all_calendar, name="feed-commitments-ics"),
    path("feeds/parties/<str:code>/commitments.ics", party_calendar, name="feed-party-ics"),
    path("feeds/minerals/<slug:slug>/commitments.ics", mineral_calendar, name="feed-mineral-ics"),
    path("feeds/commitments/", CommitmentFeed(), name="feed-commitments"),
]
