"""What the explorer's pages and the insights API read: published agreements only, with the
same filters and the same counting rules as the anonymous API."""

import datetime
import hashlib
from collections import Counter, defaultdict
from itertools import combinations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.http import QueryDict

from agreements.api.filters import AgreementFilterSet
from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementMineral,
    AgreementParty,
    AgreementStatus,
    Claim,
    DatePrecision,
    Party,
    RelatedAgreement,
    Signature,
)
from config.api.data_version import data_version
from minerals.models import Mineral, MineralList, MineralListEntry

from .models import CONCENTRATION_THRESHOLD, SupplyShare

ANONYMOUS = AnonymousUser()
FACET_SIZE = 12


def published():
    """What an anonymous API client sees."""
    return Agreement.objects.visible_to(ANONYMOUS)


def with_list_facts(queryset):
    """Agreements with what a result line shows (parties and minerals) in fixed queries."""
    return queryset.prefetch_related(
        Prefetch(
            "agreement_parties",
            queryset=AgreementParty.objects.select_related("party").order_by("party__code", "id"),
        ),
        Prefetch(
            "agreement_minerals",
            queryset=AgreementMineral.objects.select_related("mineral").order_by(
                "mineral__name", "id"
            ),
        ),
    )


# ---------------------------------------------------------------------------------------
# Search and facets


def search_params(query) -> dict[str, list[str]]:
    """The page's query string as the API's filters: ``year`` becomes the signing-date range
    (precision-aware, as the API reads it); ``page`` is the page's own."""
    params = {k: [v for v in query.getlist(k) if v.strip()] for k in query}
    params = {k: v for k, v in params.items() if v and k not in ("page",)}
    years = params.pop("year", None)
    if years:
        year = years[0]
        params["signed_after"] = [f"{year}-01-01"]
        params["signed_before"] = [f"{year}-12-31"]
    return params


def search(query):
    """(filterset, queryset): the API's AgreementFilterSet over published agreements."""
    params = search_params(query)
    data = QueryDict(mutable=True)
    for key, values in params.items():
        data.setlist(key, values)
    filterset = AgreementFilterSet(data=data, queryset=published())
    if not filterset.is_valid():
        return filterset, None
    return filterset, filterset.qs


def mineral_counts(ids_queryset) -> dict[int, int]:
    """Agreements covering each mineral, a group counting its members' agreements too (as the
    API's ``mineral`` filter and ``agreement_count`` do), in two queries."""
    rows = AgreementMineral.objects.filter(agreement__in=ids_queryset).order_by()
    counts = dict(rows.values_list("mineral_id").annotate(n=Count("agreement_id")))
    # Keyed by the group: a group's own rows and its members' rows together.
    groups = set(Mineral.objects.filter(group__isnull=False).values_list("group_id", flat=True))
    keyed = (
        rows.filter(Q(mineral__group__isnull=False) | Q(mineral_id__in=groups))
        .annotate(key=Coalesce("mineral__group_id", "mineral_id"))
        .values_list("key")
        .annotate(n=Count("agreement_id", distinct=True))
    )
    counts.update(dict(keyed))
    return counts


def facets(queryset, selected: dict[str, list[str]]) -> dict:
    """Counts per value of each facet over the filtered agreements, cached under the data
    version with the filters as key (the same for every page of results)."""
    key = None
    if settings.API_RESPONSE_CACHE:
        digest = hashlib.sha256(repr(sorted(selected.items())).encode()).hexdigest()[:40]
        key = f"facets:{data_version()}:{digest}"
        found = cache.get(key)
        if found is not None:
            return found
    result = _facets(queryset, selected)
    if key:
        cache.set(key, result, 300)
    return result


def _facets(queryset, selected):
    ids = queryset.order_by().values("pk")
    kinds, statuses, years = Counter(), Counter(), Counter()
    for kind, status, year, n in (
        queryset.order_by()
        .annotate(y=ExtractYear("signed_on"))
        .values_list("kind", "status", "y")
        .annotate(n=Count("pk"))
    ):
        kinds[kind] += n
        statuses[status] += n
        if year is not None:
            years[year] += n
    parties = list(
        AgreementParty.objects.filter(agreement__in=ids)
        .values_list("party__code", "party__name")
        .annotate(n=Count("agreement_id"))
        .order_by("-n", "party__code")[:FACET_SIZE]
    )
    counts = mineral_counts(ids)
    chosen = {m.lower() for m in selected.get("mineral", [])}
    top = sorted(counts, key=lambda pk: -counts[pk])[: FACET_SIZE * 2]
    minerals = Mineral.objects.filter(Q(pk__in=top) | Q(slug__in=chosen))
    mineral_rows = sorted(
        ((m.slug, m.name, counts.get(m.pk, 0)) for m in minerals), key=lambda r: (-r[2], r[1])
    )
    mineral_rows = [r for i, r in enumerate(mineral_rows) if i < FACET_SIZE or r[0] in chosen]
    return {
        "kind": [(v, label, kinds[v]) for v, label in AgreementKind.choices if v in kinds],
        "status": [
            (v, label, statuses[v]) for v, label in AgreementStatus.choices if v in statuses
        ],
        "year": [(str(y), str(y), years[y]) for y in sorted(years, reverse=True)],
        "party": parties,
        "mineral": mineral_rows,
    }


# ---------------------------------------------------------------------------------------
# One agreement


def agreement_detail(slug: str):
    related = RelatedAgreement.objects.select_related("to_agreement").filter(
        to_agreement__is_published=True
    )
    return (
        with_list_facts(published())
        .select_related("signed_country")
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=Signature.objects.select_related("person", "party").order_by("role", "id"),
            ),
            "sources",
            Prefetch("related_links", queryset=related.order_by("id")),
            Prefetch("claims", queryset=Claim.objects.order_by("field", "row", "id")),
        )
        .filter(slug=slug)
        .first()
    )


def lineage(agreement: Agreement, limit: int = 25) -> tuple[list[Agreement], list[dict]]:
    """The published agreements linked to this one, directly or through others (both
    directions), in date order, and the links between them."""
    seen = {agreement.pk}
    frontier = {agreement.pk}
    links = {}
    while frontier and len(seen) < limit:
        rows = RelatedAgreement.objects.filter(
            Q(from_agreement__in=frontier) | Q(to_agreement__in=frontier),
            from_agreement__is_published=True,
            to_agreement__is_published=True,
        ).values_list("id", "from_agreement_id", "to_agreement_id", "kind")
        frontier = set()
        for pk, source, target, kind in rows:
            links[pk] = (source, target, kind)
            for node in (source, target):
                if node not in seen and len(seen) < limit:
                    seen.add(node)
                    frontier.add(node)
    if len(seen) == 1:
        return [], []
    nodes = list(
        published()
        .filter(pk__in=seen)
        .order_by("signed_on", "announced_on", "slug")
        .only("pk", "slug", "title", "short_title", "signed_on", "signed_on_precision", "kind")
    )
    label = dict(RelatedAgreement._meta.get_field("kind").choices)
    by_pk = {n.pk: n for n in nodes}
    edges = [
        {"from": by_pk[s], "to": by_pk[t], "kind": kind, "label": label.get(kind, kind)}
        for s, t, kind in links.values()
        if s in by_pk and t in by_pk
    ]
    return nodes, edges


# ---------------------------------------------------------------------------------------
# Parties


def party_counts() -> list[dict]:
    """Parties with at least one published agreement, with the API's agreement_count."""
    rows = (
        AgreementParty.objects.filter(agreement__is_published=True)
        .values_list("party__code", "party__name")
        .annotate(n=Count("agreement_id"))
        .order_by("-n", "party__code")
    )
    return [{"code": c, "name": name, "agreement_count": n} for c, name, n in rows]


def party_agreements(party: Party, *, mineral: Mineral | None = None, year: int | None = None):
    qs = published().filter(agreement_parties__party=party)
    if mineral is not None:
        qs = qs.filter(
            pk__in=AgreementMineral.objects.filter(
                Q(mineral=mineral) | Q(mineral__group=mineral)
            ).values("agreement_id")
        )
    if year is not None:
        qs = qs.filter(signed_on__year=year)
    return qs


def partners(party: Party, agreements) -> list[dict]:
    """The API's ``partners``: other parties of these agreements, with the number together."""
    rows = (
        AgreementParty.objects.filter(agreement__in=agreements.order_by().values("pk"))
        .exclude(party=party)
        .values_list("party__code", "party__name")
        .annotate(n=Count("agreement_id"))
        .order_by("-n", "party__code")
    )
    return [{"code": c, "name": name, "agreement_count": n} for c, name, n in rows]


def network(party: Party, agreements) -> dict:
    """Parties as nodes, agreements as weighted edges between every two parties of one."""
    members = defaultdict(set)
    names = {}
    for agreement_id, code, name in AgreementParty.objects.filter(
        agreement__in=agreements.order_by().values("pk")
    ).values_list("agreement_id", "party__code", "party__name"):
        members[agreement_id].add(code)
        names[code] = name
    weights = Counter()
    for codes in members.values():
        for pair in combinations(sorted(codes), 2):
            weights[pair] += 1
    degree = Counter()
    for (a, b), n in weights.items():
        degree[a] += n
        degree[b] += n
    nodes = [
        {"id": code, "label": names[code], "focus": code == party.code, "weight": degree[code]}
        for code in sorted(names)
    ]
    edges = [{"source": a, "target": b, "weight": n} for (a, b), n in sorted(weights.items())]
    return {"nodes": nodes, "edges": edges}


def per_year(agreements) -> list[tuple[int, int]]:
    return list(
        agreements.order_by()
        .filter(signed_on__isnull=False)
        .annotate(y=ExtractYear("signed_on"))
        .values_list("y")
        .annotate(n=Count("pk"))
        .order_by("y")
    )


# ---------------------------------------------------------------------------------------
# Minerals and coverage


def covering(mineral: Mineral):
    """Published agreements covering the mineral, or one of its members if it is a group."""
    return published().filter(
        pk__in=AgreementMineral.objects.filter(
            Q(mineral=mineral) | Q(mineral__group=mineral)
        ).values("agreement_id")
    )


def coverage(party: Party, mineral_list: MineralList, on: datetime.date) -> dict:
    """The list's minerals × the party's partners in agreements in force on ``on``: a cell
    holds the agreements between the two that cover the mineral, its group (an agreement on
    rare earths covers neodymium) or, for a group, one of its members."""
    entries = list(
        MineralListEntry.objects.filter(mineral_list=mineral_list)
        .select_related("mineral")
        .order_by("label", "id")
    )
    in_force = published().in_force(on).filter(agreement_parties__party=party)
    covered = defaultdict(set)  # mineral id → agreement ids
    for agreement_id, mineral_id, group_id in AgreementMineral.objects.filter(
        agreement__in=in_force.order_by().values("pk")
    ).values_list("agreement_id", "mineral_id", "mineral__group_id"):
        covered[mineral_id].add(agreement_id)
        if group_id:
            covered[("members", group_id)].add(agreement_id)
    with_partner = defaultdict(set)  # agreement id → partner codes
    names = {}
    for agreement_id, code, name in (
        AgreementParty.objects.filter(agreement__in=in_force.order_by().values("pk"))
        .exclude(party=party)
        .values_list("agreement_id", "party__code", "party__name")
    ):
        with_partner[agreement_id].add(code)
        names[code] = name
    partner_codes = sorted(names, key=lambda c: (names[c], c))
    rows, uncovered = [], []
    for entry in entries:
        mineral = entry.mineral
        agreements = (
            covered.get(mineral.pk, set())
            | covered.get(mineral.group_id, set())
            | covered.get(("members", mineral.pk), set())
        )
        cells = []
        for code in partner_codes:
            n = sum(1 for a in agreements if code in with_partner[a])
            cells.append({"partner": code, "count": n})
        row = {
            "mineral": mineral,
            "label": entry.label,
            "note": entry.note,
            "cells": cells,
            "agreements": len(agreements),
            "partners": sum(1 for c in cells if c["count"]),
        }
        rows.append(row)
        if not agreements:
            uncovered.append(row)
    return {
        "partners": [{"code": c, "name": names[c]} for c in partner_codes],
        "rows": rows,
        "uncovered": uncovered,
        "covered": len(rows) - len(uncovered),
    }


# ---------------------------------------------------------------------------------------
# Supply concentration


def importer_list(importer: Party) -> MineralList | None:
    """The importer's most recent criticality list, if it has one."""
    return MineralList.objects.filter(jurisdiction=importer).order_by("-published_on").first()


def concentration(importer: Party, mineral_list: MineralList | None, on: datetime.date) -> dict:
    """Per mineral (the list's, plus any with shares): the top supplier's share in the latest
    year with data, against the threshold, and the importer's partners in agreements in force
    covering the mineral. Minerals without shares say so (``top_share`` null)."""
    shares = defaultdict(list)
    for share in SupplyShare.objects.filter(importer=importer).select_related(
        "mineral", "supplier"
    ):
        shares[share.mineral_id].append(share)
    minerals = {}
    if mineral_list is not None:
        for entry in mineral_list.entries.select_related("mineral").order_by("label", "id"):
            minerals.setdefault(entry.mineral_id, (entry.mineral, entry.label))
    for items in shares.values():
        minerals.setdefault(items[0].mineral_id, (items[0].mineral, items[0].mineral.name))

    matrix = coverage(importer, mineral_list, on) if mineral_list is not None else None
    by_mineral = {row["mineral"].pk: row for row in matrix["rows"]} if matrix else {}
    names = {p["code"]: p["name"] for p in matrix["partners"]} if matrix else {}
    extra = [pk for pk in minerals if pk not in by_mineral]
    if extra:
        by_mineral.update(_coverage_rows(importer, [minerals[pk][0] for pk in extra], on, names))

    results = []
    for pk, (mineral, label) in sorted(minerals.items(), key=lambda kv: kv[1][1].lower()):
        items = shares.get(pk, [])
        year = max((s.year for s in items), default=None)
        latest = sorted(
            (s for s in items if s.year == year), key=lambda s: (-s.share, s.supplier.code)
        )
        top = latest[0] if latest else None
        row = by_mineral.get(pk)
        partners_covering = [
            {
                "code": c["partner"],
                "name": names.get(c["partner"], c["partner"]),
                "agreements": c["count"],
            }
            for c in (row["cells"] if row else [])
            if c["count"]
        ]
        results.append(
            {
                "mineral": mineral.slug,
                "mineral_name": mineral.name,
                "label": label,
                "year": year,
                "top_supplier": top.supplier.code if top else None,
                "top_supplier_name": top.supplier.name if top else None,
                "top_share": float(top.share) if top else None,
                "above_threshold": (top.share > CONCENTRATION_THRESHOLD) if top else None,
                "shares": [
                    {
                        "supplier": s.supplier.code,
                        "supplier_name": s.supplier.name,
                        "share": float(s.share),
                        "year": s.year,
                        "source_url": s.source_url,
                        "source_title": s.source_title,
                        "quote": s.quote,
                    }
                    for s in latest
                ],
                "partners_covering": partners_covering,
            }
        )
    return {
        "importer": importer.code,
        "importer_name": importer.name,
        "mineral_list": mineral_list.slug if mineral_list else None,
        "threshold": float(CONCENTRATION_THRESHOLD),
        "in_force_on": on.isoformat(),
        "with_data": sum(1 for r in results if r["top_share"] is not None),
        "minerals": results,
    }


def _coverage_rows(importer: Party, minerals, on, names: dict) -> dict:
    in_force = published().in_force(on).filter(agreement_parties__party=importer)
    out = {}
    for mineral in minerals:
        agreements = in_force.filter(
            pk__in=AgreementMineral.objects.filter(
                Q(mineral=mineral) | Q(mineral__group=mineral) | Q(mineral=mineral.group_id)
            ).values("agreement_id")
        )
        rows = (
            AgreementParty.objects.filter(agreement__in=agreements.order_by().values("pk"))
            .exclude(party=importer)
            .values_list("party__code", "party__name")
            .annotate(n=Count("agreement_id"))
            .order_by("party__code")
        )
        cells = []
        for code, name, n in rows:
            names.setdefault(code, name)
            cells.append({"partner": code, "count": n})
        out[mineral.pk] = {"mineral": mineral, "cells": cells}
    return out


# ---------------------------------------------------------------------------------------
# Timeline


def timeline() -> dict:
    """Published agreements per month of signing, by kind. A date known only to the year
    has no month: such agreements are counted apart."""
    dated = published().filter(signed_on__isnull=False)
    rows = (
        dated.exclude(signed_on_precision=DatePrecision.YEAR)
        .order_by()
        .annotate(month=TruncMonth("signed_on"))
        .values_list("month", "kind")
        .annotate(n=Count("pk"))
    )
    counts = defaultdict(Counter)
    for month, kind, n in rows:
        if isinstance(month, datetime.datetime):
            month = month.date()
        counts[month][kind] += n
    year_only = dated.filter(signed_on_precision=DatePrecision.YEAR).count()
    undated = published().filter(signed_on__isnull=True).count()
    kinds = [(v, label) for v, label in AgreementKind.choices if any(c[v] for c in counts.values())]
    months = []
    if counts:
        month, last = min(counts), max(counts)
        while month <= last:
            months.append(month)
            month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return {
        "kinds": kinds,
        "months": months,
        "counts": counts,
        "year_only": year_only,
        "undated": undated,
        "total": sum(sum(c.values()) for c in counts.values()),
    }


def party_counts_in(agreements) -> list[dict]:
    """Parties of these agreements, with how many of them each takes part in."""
    rows = (
        AgreementParty.objects.filter(agreement__in=agreements.order_by().values("pk"))
        .values_list("party__code", "party__name")
        .annotate(n=Count("agreement_id"))
        .order_by("-n", "party__code")
    )
    return [{"code": c, "name": name, "agreement_count": n} for c, name, n in rows]
