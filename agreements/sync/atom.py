"""Atom feeds of new and changed published agreements: all, per party, per mineral."""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from agreements.models import Agreement, Party
from minerals.models import Mineral

FEED_SIZE = 50


class AgreementFeed(Feed):
    """Published agreements, most recently changed first. Drafts never appear."""

    feed_type = Atom1Feed
    title = "Critical minerals agreements"
    subtitle = "New and changed agreements between governments on critical minerals."

    def link(self, obj=None):
        return reverse("api:agreement-list")

    def agreements(self, obj):
        return Agreement.objects.filter(is_published=True)

    def items(self, obj=None):
        return (
            self.agreements(obj)
            .select_related("signed_country")
            .order_by("-updated_at", "slug")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.title

    def item_link(self, item):
        return reverse("api:agreement-detail", kwargs={"slug": item.slug})

    def item_guid(self, item):
        return f"tag:cmat,2026:agreement:{item.slug}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_kind_display()]


class PartyAgreementFeed(AgreementFeed):
    def get_object(self, request, code):
        return get_object_or_404(Party, code=code)

    def title(self, obj):
        return f"Critical minerals agreements: {obj.name}"

    def link(self, obj):
        return reverse("api:agreement-list") + f"?party={obj.code}"

    def agreements(self, obj):
        return Agreement.objects.filter(is_published=True, agreement_parties__party=obj)


class MineralAgreementFeed(AgreementFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Mineral, slug=slug)

    def title(self, obj):
        return f"Critical minerals agreements covering {obj.name}"

    def link(self, obj):
        return reverse("api:agreement-list") + f"?mineral={obj.slug}"

    def agreements(self, obj):
        covered = Mineral.objects.filter(Q(pk=obj.pk) | Q(group=obj)).values("pk")
        return Agreement.objects.filter(
            is_published=True,
            pk__in=Agreement.objects.filter(agreement_minerals__mineral__in=covered).values("pk"),
        )
