"""The database limit for the agreement list: the same page the API serves (published only,
``-signed_on`` with empty dates last, ties by slug; the same JSON shape), built by one
hand-written PostgreSQL query with ``json_agg``/``json_build_object`` and returned as text.

Mounted at ``/benchmark/baseline/agreements/`` only when ``BENCHMARK_BASELINE=1`` (see
config/urls.py); benchmarks/run.py compares the API's throughput against it.
"""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from agreements.models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    Commitment,
    Party,
    Person,
    RelatedAgreement,
    Signature,
    Source,
)
from minerals.models import Mineral

TABLES = {
    "agreement": Agreement._meta.db_table,
    "agreement_party": AgreementParty._meta.db_table,
    "party": Party._meta.db_table,
    "signature": Signature._meta.db_table,
    "person": Person._meta.db_table,
    "agreement_mineral": AgreementMineral._meta.db_table,
    "mineral": Mineral._meta.db_table,
    "source": Source._meta.db_table,
    "related": RelatedAgreement._meta.db_table,
    "commitment": Commitment._meta.db_table,
    "commitment_party": Commitment.responsible_parties.through._meta.db_table,
}

# DRF renders datetimes as ISO 8601 in UTC with a "Z"; microseconds are dropped when zero.
TIMESTAMP = (
    "CASE WHEN extract(microseconds FROM {col})::bigint %% 1000000 = 0 "
    "THEN to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "ELSE to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') END"
)

PAGE_SQL = """
WITH page AS (
    SELECT a.*
    FROM {agreement} a
    WHERE a.is_published
    ORDER BY a.signed_on DESC NULLS LAST, a.slug
    LIMIT %(limit)s OFFSET %(offset)s
), total AS (
    SELECT count(*) AS n FROM {agreement} WHERE is_published
)
SELECT json_build_object(
    'count', (SELECT n FROM total),
    'next', CASE WHEN %(offset)s + %(limit)s < (SELECT n FROM total)
                 THEN %(next)s END,
    'previous', %(previous)s,
    'results', coalesce((
        SELECT json_agg(json_build_object(
            'slug', p.slug,
            'title', p.title,
            'short_title', p.short_title,
            'kind', p.kind,
            'status', p.status,
            'legally_binding', p.legally_binding,
            'announced_on', p.announced_on,
            'announced_on_precision', p.announced_on_precision,
            'signed_on', p.signed_on,
            'signed_on_precision', p.signed_on_precision,
            'effective_on', p.effective_on,
            'effective_on_precision', p.effective_on_precision,
            'expires_on', p.expires_on,
            'expires_on_precision', p.expires_on_precision,
            'terminated_on', p.terminated_on,
            'terminated_on_precision', p.terminated_on_precision,
            'signed_place', p.signed_place,
            'signed_country', (SELECT c.code FROM {party} c WHERE c.id = p.signed_country_id),
            'summary', p.summary,
            'text_url', p.text_url,
            'is_published', p.is_published,
            'parties', (
                SELECT coalesce(json_agg(json_build_object(
                    'party', pt.code,
                    'party_name', pt.name,
                    'signed_on', ap.signed_on,
                    'ratified_on', ap.ratified_on,
                    'withdrawn_on', ap.withdrawn_on
                ) ORDER BY pt.code, ap.id), '[]'::json)
                FROM {agreement_party} ap JOIN {party} pt ON pt.id = ap.party_id
                WHERE ap.agreement_id = p.id
            ),
            'signatures', (
                SELECT coalesce(json_agg(json_build_object(
                    'person', pe.slug,
                    'person_name', pe.name,
                    'party', sp.code,
                    'office', s.office,
                    'role', s.role,
                    'signed_on', s.signed_on
                ) ORDER BY s.role, s.id), '[]'::json)
                FROM {signature} s
                JOIN {person} pe ON pe.id = s.person_id
                LEFT JOIN {party} sp ON sp.id = s.party_id
                WHERE s.agreement_id = p.id
            ),
            'minerals', (
                SELECT coalesce(json_agg(json_build_object(
                    'mineral', m.slug,
                    'mineral_name', m.name,
                    'stages', am.stages,
                    'note', am.note
                ) ORDER BY m.name, am.id), '[]'::json)
                FROM {agreement_mineral} am JOIN {mineral} m ON m.id = am.mineral_id
                WHERE am.agreement_id = p.id
            ),
            'sources', (
                SELECT coalesce(json_agg(json_build_object(
                    'url', so.url,
                    'title', so.title,
                    'publisher', so.publisher,
                    'published_on', so.published_on,
                    'kind', so.kind,
                    'language', so.language
                ) ORDER BY so.id), '[]'::json)
                FROM {source} so
                WHERE so.agreement_id = p.id
            ),
            'related', (
                SELECT coalesce(json_agg(json_build_object(
                    'agreement', t.slug,
                    'kind', r.kind
                ) ORDER BY r.id), '[]'::json)
                FROM {related} r JOIN {agreement} t ON t.id = r.to_agreement_id
                WHERE r.from_agreement_id = p.id AND t.is_published
            ),
            'commitments', (
                SELECT coalesce(json_agg(json_build_object(
                    'key', c.key,
                    'text', c.text,
                    'kind', c.kind,
                    'responsible_parties', (
                        SELECT coalesce(json_agg(cp.code ORDER BY cp.code), '[]'::json)
                        FROM {commitment_party} crp JOIN {party} cp ON cp.id = crp.party_id
                        WHERE crp.commitment_id = c.id
                    ),
                    'due_on', c.due_on,
                    'due_on_precision', c.due_on_precision,
                    'due_within', c.due_within,
                    'due_unit', c.due_unit,
                    'due_from', c.due_from,
                    'status', c.status,
                    'status_on', c.status_on,
                    'status_source_url', c.status_source_url,
                    'status_quote', c.status_quote,
                    'source_url', c.source_url,
                    'quote', c.quote
                ) ORDER BY c.id), '[]'::json)
                FROM {commitment} c
                WHERE c.agreement_id = p.id
            ),
            'created_at', {created_at},
            'updated_at', {updated_at},
            'url', %(base)s || p.slug || '/'
        ) ORDER BY p.signed_on DESC NULLS LAST, p.slug)
        FROM page p
    ), '[]'::json)
)::text
""".format(
    **TABLES,
    created_at=TIMESTAMP.format(col="p.created_at"),
    updated_at=TIMESTAMP.format(col="p.updated_at"),
)


def _int(request, name: str, default: int, maximum: int) -> int | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if 0 <= value <= maximum else None


@never_cache
def agreement_page(request):
    """One page of published agreements, straight from PostgreSQL as JSON text."""
    limit = _int(request, "limit", 50, 500)
    offset = _int(request, "offset", 0, 10_000_000)
    if not limit or offset is None:
        return JsonResponse({"detail": "limit 1–500, offset ≥ 0"}, status=400)
    # The API's own URLs, so the two bodies can be compared byte for byte after parsing.
    list_url = request.build_absolute_uri(reverse("api:agreement-list"))
    previous = None
    if offset > 0:
        previous = f"{list_url}?limit={limit}"
        if offset - limit > 0:
            previous += f"&offset={offset - limit}"
    params = {
        "limit": limit,
        "offset": offset,
        "next": f"{list_url}?limit={limit}&offset={offset + limit}",
        "previous": previous,
        "base": list_url,
    }
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, params)
        body = cursor.fetchone()[0]
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("benchmark/baseline/agreements/", agreement_page, name="benchmark-baseline"),
]
