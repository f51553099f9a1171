"""The fast read path for agreements: plain dicts from ``.values()`` and one batched query
per nested collection, instead of a serializer object per row.

It returns exactly what ``AgreementSerializer`` returns (a test compares the two on every
fixture agreement), in a fixed number of queries whatever the page size: the page with its
total count (a window function) and one query per collection.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Window
from django.urls import reverse
from django.utils import timezone

from .models import AgreementMineral, AgreementParty, RelatedAgreement, Signature, Source

SCALAR_FIELDS = (
    "slug",
    "title",
    "short_title",
    "kind",
    "status",
    "legally_binding",
    "announced_on",
    "signed_on",
    "effective_on",
    "expires_on",
    "terminated_on",
    "signed_place",
)
VALUES = ("pk", *SCALAR_FIELDS, "signed_country__code", "summary", "text_url", "is_published")


def _date(value):
    return value.isoformat() if value is not None else None


def _datetime(value: datetime.datetime | None):
    # Same as DRF's DateTimeField: current time zone, ISO 8601, "Z" for UTC.
    if value is None:
        return None
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def agreement_url(request, slug: str) -> str:
    path = reverse("api:agreement-detail", kwargs={"slug": slug})
    return request.build_absolute_uri(path) if request is not None else path


def build(rows: list[dict], request, *, include_drafts: bool) -> list[dict]:
    """Representations for ``rows`` (dicts with VALUES plus timestamps), in their order."""
    ids = [r["pk"] for r in rows]
    if not ids:
        return []
    parties = defaultdict(list)
    for p in (
        AgreementParty.objects.filter(agreement_id__in=ids)
        .order_by("party__code", "id")
        .values_list(
            "agreement_id", "party__code", "party__name", "signed_on", "ratified_on", "withdrawn_on"
        )
    ):
        parties[p[0]].append(
            {
                "party": p[1],
                "party_name": p[2],
                "signed_on": _date(p[3]),
                "ratified_on": _date(p[4]),
                "withdrawn_on": _date(p[5]),
            }
        )
    signatures = defaultdict(list)
    for s in (
        Signature.objects.filter(agreement_id__in=ids)
        .order_by("role", "id")
        .values_list(
            "agreement_id",
            "person__slug",
            "person__name",
            "party__code",
            "office",
            "role",
            "signed_on",
        )
    ):
        signatures[s[0]].append(
            {
                "person": s[1],
                "person_name": s[2],
                "party": s[3],
                "office": s[4],
                "role": s[5],
                "signed_on": _date(s[6]),
            }
        )
    minerals = defaultdict(list)
    for m in (
        AgreementMineral.objects.filter(agreement_id__in=ids)
        .order_by("mineral__name", "id")
        .values_list("agreement_id", "mineral__slug", "mineral__name", "stages", "note")
    ):
        minerals[m[0]].append(
            {"mineral": m[1], "mineral_name": m[2], "stages": list(m[3] or []), "note": m[4]}
        )
    sources = defaultdict(list)
    for s in (
        Source.objects.filter(agreement_id__in=ids)
        .order_by("id")
        .values_list("agreement_id", "url", "title", "publisher", "published_on", "kind")
    ):
        sources[s[0]].append(
            {
                "url": s[1],
                "title": s[2],
                "publisher": s[3],
                "published_on": _date(s[4]),
                "kind": s[5],
            }
        )
    related = defaultdict(list)
    links = RelatedAgreement.objects.filter(from_agreement_id__in=ids).order_by("id")
    if not include_drafts:
        links = links.filter(to_agreement__is_published=True)
    for r in links.values_list("from_agreement_id", "to_agreement__slug", "kind"):
        related[r[0]].append({"agreement": r[1], "kind": r[2]})

    out = []
    for row in rows:
        pk = row["pk"]
        item = {f: row[f] for f in SCALAR_FIELDS}
        for f in ("announced_on", "signed_on", "effective_on", "expires_on", "terminated_on"):
            item[f] = _date(item[f])
        item["signed_country"] = row["signed_country__code"]
        item["summary"] = row["summary"]
        item["text_url"] = row["text_url"]
        item["is_published"] = row["is_published"]
        item["parties"] = parties.get(pk, [])
        item["signatures"] = signatures.get(pk, [])
        item["minerals"] = minerals.get(pk, [])
        item["sources"] = sources.get(pk, [])
        item["related"] = related.get(pk, [])
        item["created_at"] = _datetime(row["created_at"])
        item["updated_at"] = _datetime(row["updated_at"])
        item["url"] = agreement_url(request, row["slug"])
        out.append(item)
    return out


def page(queryset, request, *, include_drafts: bool, limit: int, offset: int):
    """(total count, representations) for one page of an ordered, filtered queryset."""
    rows = list(
        queryset.annotate(total_count=Window(Count("pk"))).values(
            *VALUES, "created_at", "updated_at", "total_count"
        )[offset : offset + limit]
    )
    total = rows[0]["total_count"] if rows else (queryset.count() if offset else 0)
    return total, build(rows, request, include_drafts=include_drafts)


def one(queryset, request, *, include_drafts: bool):
    rows = list(queryset.values(*VALUES, "created_at", "updated_at")[:1])
    return build(rows, request, include_drafts=include_drafts)[0] if rows else None
