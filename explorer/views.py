"""The public explorer: server-rendered pages over published agreements. Each page links to
the API request that returns the same data, and is cached like the anonymous API."""

import datetime
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from agreements.models import (
    CLAIM_ROW_FIELDS,
    AgreementKind,
    AgreementStatus,
    Party,
    Stage,
)
from minerals.models import Mineral, MineralList

from . import queries
from .caching import public_page

PAGE_SIZE = 50


def _query(params: dict[str, list[str]]) -> str:
    return urlencode([(k, v) for k, values in params.items() for v in values])


def _api(path: str, params: dict[str, list[str]] | None = None) -> str:
    return path + (f"?{_query(params)}" if params else "")


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _date_param(request, name: str, default: datetime.date) -> tuple[datetime.date, str | None]:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default, None
    try:
        return datetime.date.fromisoformat(raw), None
    except ValueError:
        return default, f"“{raw}” is not a date (YYYY-MM-DD); showing {default.isoformat()}."


@public_page
def home(request):
    filterset, queryset = queries.search(request.GET)
    params = queries.search_params(request.GET)
    context = {
        "filters": params,
        "kinds": AgreementKind.choices,
        "statuses": AgreementStatus.choices,
        "q": request.GET.get("q", ""),
        "year": request.GET.get("year", ""),
        "in_force_on": request.GET.get("in_force_on", ""),
        "api_url": _api(reverse("api:agreement-list"), params),
    }
    if queryset is None:
        context["errors"] = [
            (name, message) for name, messages in filterset.errors.items() for message in messages
        ]
        return render(request, "explorer/home.html", context, status=400)
    number = _page_number(request)
    count = queryset.count()
    paginator = Paginator(range(count), PAGE_SIZE)
    page = paginator.get_page(number)
    offset = (page.number - 1) * PAGE_SIZE
    results = list(queries.with_list_facts(queryset)[offset : offset + PAGE_SIZE])
    api_params = dict(params)
    if offset:
        api_params["offset"] = [str(offset)]
    context.update(
        count=count,
        results=results,
        page=page,
        facets=queries.facets(queryset, params),
        api_url=_api(reverse("api:agreement-list"), api_params),
    )
    return render(request, "explorer/home.html", context)


FACT_FIELDS = (
    ("title", "Title"),
    ("kind", "Kind"),
    ("status", "Status"),
    ("legally_binding", "Legally binding"),
    ("announced_on", "Announced"),
    ("signed_on", "Signed"),
    ("effective_on", "Took effect"),
    ("expires_on", "Expires"),
    ("terminated_on", "Terminated"),
    ("signed_place", "Place of signing"),
    ("signed_country", "Country of signing"),
    ("text_url", "Text"),
)


@public_page
def agreement(request, slug):
    item = queries.agreement_detail(slug)
    if item is None:
        raise Http404("No published agreement with this slug.")
    claims = defaultdict(list)
    for claim in item.claims.all():
        claims[(claim.field, claim.row)].append(claim)
    facts = []
    for name, label in FACT_FIELDS:
        value = getattr(item, name)
        precision = getattr(item, f"{name}_precision", None)
        if name in ("kind", "status"):
            value = getattr(item, f"get_{name}_display")()
        elif name == "legally_binding":
            value = {True: "Yes", False: "No", None: "Unknown"}[value]
        facts.append(
            {
                "name": name,
                "label": label,
                "value": value,
                "precision": precision,
                "is_date": name.endswith("_on"),
                "claims": claims.get((name, ""), []),
            }
        )
    rows = {field: {} for field in CLAIM_ROW_FIELDS}
    for (field, row), items in claims.items():
        if field in rows:
            rows[field][row] = items
    nodes, edges = queries.lineage(item)
    stage_labels = dict(Stage.choices)
    minerals = [
        {
            "mineral": am.mineral,
            "stages": [stage_labels.get(s, s) for s in am.stages],
            "note": am.note,
            "claims": rows["minerals"].get(am.mineral.slug, []),
        }
        for am in item.agreement_minerals.all()
    ]
    parties = [
        {"row": ap, "claims": rows["parties"].get(ap.party.code, [])}
        for ap in item.agreement_parties.all()
    ]
    # A signature's date defaults to the agreement's, and then has its precision too.
    signatures = [
        {
            "row": s,
            "claims": rows["signatures"].get(s.person.slug, []),
            "precision": item.signed_on_precision if s.signed_on == item.signed_on else "day",
        }
        for s in item.signatures.all()
    ]
    context = {
        "agreement": item,
        "facts": facts,
        "parties": parties,
        "signatures": signatures,
        "minerals": minerals,
        "lineage_nodes": nodes,
        "lineage_edges": edges,
        "claim_count": sum(len(v) for v in claims.values()),
        "api_url": reverse("api:agreement-detail", args=[item.slug]),
        "provenance_url": reverse("api:agreement-provenance", args=[item.slug]),
    }
    return render(request, "explorer/agreement.html", context)


@public_page
def party_index(request):
    return render(
        request,
        "explorer/party_index.html",
        {"parties": queries.party_counts(), "api_url": reverse("api:party-list")},
    )


@public_page
def party(request, code):
    item = Party.objects.filter(code=code.upper()).first()
    if item is None:
        raise Http404("No party with this code.")
    all_agreements = queries.party_agreements(item)
    mineral = None
    mineral_slug = request.GET.get("mineral", "").strip()
    notes = []
    if mineral_slug:
        mineral = Mineral.objects.filter(slug=mineral_slug.lower()).first()
        if mineral is None:
            notes.append(f"Unknown mineral “{mineral_slug}”: showing every mineral.")
    year = None
    raw_year = request.GET.get("year", "").strip()
    if raw_year:
        if raw_year.isdigit() and 1900 <= int(raw_year) <= 2100:
            year = int(raw_year)
        else:
            notes.append(f"“{raw_year}” is not a year: showing every year.")
    agreements = queries.party_agreements(item, mineral=mineral, year=year)
    graph = queries.network(item, agreements)
    years = queries.per_year(all_agreements)
    minerals_here = (
        Mineral.objects.filter(agreement_minerals__agreement__in=all_agreements.values("pk"))
        .annotate(n=Count("agreement_minerals"))
        .order_by("name")
    )
    listing = queries.with_list_facts(agreements.order_by("-signed_on", "slug"))
    search = {"party": [item.code]}
    if mineral:
        search["mineral"] = [mineral.slug]
    if year:
        search["year"] = [str(year)]
    context = {
        "party": item,
        "agreement_count": all_agreements.count(),
        "partners": queries.partners(item, all_agreements),
        "filtered_partners": queries.partners(item, agreements),
        "graph": graph,
        "years": years,
        "minerals": minerals_here,
        "mineral": mineral,
        "year": year,
        "year_choices": [y for y, _ in reversed(years)],
        "agreements": listing,
        "notes": notes,
        "search_url": reverse("explorer:home") + "?" + _query(search),
        "api_url": reverse("api:party-detail", args=[item.code]),
        "feed_url": reverse("feed-party", args=[item.code]),
    }
    return render(request, "explorer/party.html", context)


@public_page
def mineral_index(request):
    minerals = list(Mineral.objects.select_related("group").order_by("name"))
    counts = queries.mineral_counts(queries.published().values("pk"))
    for m in minerals:
        m.agreement_count = counts.get(m.pk, 0)
    context = {
        "minerals": minerals,
        "lists": MineralList.objects.select_related("jurisdiction").order_by("slug"),
        "api_url": reverse("api:mineral-list"),
    }
    return render(request, "explorer/mineral_index.html", context)


@public_page
def mineral(request, slug):
    item = (
        Mineral.objects.select_related("group")
        .prefetch_related("aliases", "members", "list_entries__mineral_list")
        .filter(slug=slug.lower())
        .first()
    )
    if item is None:
        raise Http404("No mineral with this slug.")
    agreements = queries.covering(item)
    partner_rows = queries.party_counts_in(agreements)
    context = {
        "mineral": item,
        "agreement_count": agreements.count(),
        "agreements": queries.with_list_facts(agreements.order_by("-signed_on", "slug")),
        "years": queries.per_year(agreements),
        "parties": partner_rows,
        "entries": sorted(item.list_entries.all(), key=lambda e: e.mineral_list.slug),
        "search_url": reverse("explorer:home") + "?" + _query({"mineral": [item.slug]}),
        "api_url": reverse("api:mineral-detail", args=[item.slug]),
    }
    return render(request, "explorer/mineral.html", context)


@public_page
def coverage(request):
    lists = list(MineralList.objects.select_related("jurisdiction").order_by("slug"))
    notes = []
    list_slug = request.GET.get("list", "uk-2024").strip().lower()
    mineral_list = next((m for m in lists if m.slug == list_slug), None)
    if mineral_list is None:
        notes.append(f"Unknown list “{list_slug}”.")
        mineral_list = next((m for m in lists if m.slug == "uk-2024"), lists[0] if lists else None)
    jurisdiction = mineral_list.jurisdiction if mineral_list else None
    default_party = jurisdiction.code if jurisdiction else "GB"
    code = request.GET.get("party", "").strip().upper() or default_party
    party_obj = Party.objects.filter(code=code).first()
    if party_obj is None:
        notes.append(f"Unknown party code “{code}”.")
        party_obj = Party.objects.filter(code=default_party).first()
    on, error = _date_param(request, "on", timezone.localdate())
    if error:
        notes.append(error)
    ready = mineral_list is not None and party_obj is not None
    matrix = queries.coverage(party_obj, mineral_list, on) if ready else None
    context = {
        "lists": lists,
        "mineral_list": mineral_list,
        "party": party_obj,
        "parties": queries.party_counts(),
        "on": on,
        "matrix": matrix,
        "notes": notes,
        "api_url": _api(
            reverse("api:agreement-list"),
            {
                "party": [party_obj.code if party_obj else default_party],
                "in_force_on": [on.isoformat()],
                "limit": ["500"],
            },
        ),
        "list_api_url": reverse("api:mineral-list-detail", args=[mineral_list.slug])
        if mineral_list
        else None,
    }
    return render(request, "explorer/coverage.html", context)


@public_page
def concentration(request):
    from .api import concentration_params

    try:
        importer, mineral_list, on = concentration_params(request.GET)
    except ValueError as exc:
        return render(
            request,
            "explorer/concentration.html",
            {"error": str(exc), "api_url": request.get_full_path()},
            status=400,
        )
    data = queries.concentration(importer, mineral_list, on)
    chart = [
        {"mineral": r["label"], "share": r["top_share"], "supplier": r["top_supplier_name"]}
        for r in data["minerals"]
        if r["top_share"] is not None
    ]
    params = {"importer": [importer.code]}
    if mineral_list:
        params["list"] = [mineral_list.slug]
    if request.GET.get("on"):
        params["on"] = [on.isoformat()]
    context = {
        "data": data,
        "importer": importer,
        "mineral_list": mineral_list,
        "lists": MineralList.objects.order_by("slug"),
        "parties": queries.party_counts(),
        "chart": chart,
        "chart_data": {"threshold": data["threshold"], "rows": chart},
        "api_url": _api(reverse("api:insights-concentration"), params),
    }
    return render(request, "explorer/concentration.html", context)


@public_page
def timeline(request):
    data = queries.timeline()
    labels = [m.strftime("%b %Y") for m in data["months"]]
    series = [
        {"name": label, "data": [data["counts"][m][kind] for m in data["months"]]}
        for kind, label in data["kinds"]
    ]
    table = [
        {"month": m, "counts": [data["counts"][m][k] for k, _ in data["kinds"]]}
        for m in data["months"]
        if sum(data["counts"][m].values())
    ]
    context = {
        "data": data,
        "chart": {"labels": labels, "series": series},
        "table": table,
        "api_url": _api(reverse("api:agreement-list"), {"ordering": ["signed_on"]}),
    }
    return render(request, "explorer/timeline.html", context)
