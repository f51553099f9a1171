"""The fast read path for agreements: plain dicts from ``.values()`` instead of a serializer
object per row.

It returns exactly what ``AgreementSerializer`` returns (a test compares the two on every
fixture agreement, on both databases), in a fixed number of queries whatever the page size:

* PostgreSQL: the count, and one page query in which each nested collection is a JSON array
  built by a correlated subquery (the shape of a hand-written JSON query, so the database
  stops at the page instead of counting and sorting every row around a window function);
* SQLite (the zero-setup default): the page with its count (a window function) and one
  batched query per nested collection.
"""

import datetime
from collections import defaultdict

import orjson
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db import connection, connections, router
from django.db.models import (
    Aggregate,
    Count,
    F,
    Func,
    JSONField,
    OuterRef,
    Subquery,
    TextField,
    Window,
)
from django.db.models.functions import Cast, JSONObject
from django.urls import reverse
from django.utils import timezone

from agreements.commitments import read as commitments_read
from agreements.models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    RelatedAgreement,
    Signature,
    Source,
)

SCALAR_FIELDS = (
    "slug",
    "title",
    "short_title",
    "kind",
    "status",
    "legally_binding",
    "announced_on",
    "announced_on_precision",
    "signed_on",
    "signed_on_precision",
    "effective_on",
    "effective_on_precision",
    "expires_on",
    "expires_on_precision",
    "terminated_on",
    "terminated_on_precision",
    "signed_place",
)
VALUES = ("pk", *SCALAR_FIELDS, "signed_country__code", "summary", "text_url", "is_published")


def _date(value):
    return value.isoformat() if value is not None else None


def _datetime(value: datetime.datetime | None):
    # Same as DRF's DateTimeField: current time zone, ISO 8601, "Z" for UTC.
    if value is None:
        return None
    if value.utcoffset() != ZERO or timezone.get_current_timezone_name() != "UTC":
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


ZERO = datetime.timedelta(0)


def agreement_url(request, slug: str) -> str:
    path = reverse("api:agreement-detail", kwargs={"slug": slug})
    return request.build_absolute_uri(path) if request is not None else path


class _Urls:
    """Detail URLs for one request: reversed once, then the slug (URL-safe) swapped in."""

    def __init__(self, request):
        marker = "0-slug-0"
        template = agreement_url(request, marker)
        self.head, self.tail = template.split(marker)

    def __call__(self, slug: str) -> str:
        return f"{self.head}{slug}{self.tail}"


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
    # Commitments (issue 17): two queries, in agreements/commitments/read.py.
    commitments = commitments_read.nested_rows(ids)

    out = []
    url = _Urls(request)
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
        item["commitments"] = commitments.get(pk, [])  # issue 17
        item["created_at"] = _datetime(row["created_at"])
        item["updated_at"] = _datetime(row["updated_at"])
        item["url"] = url(row["slug"])
        out.append(item)
    return out


# PostgreSQL: each agreement's whole representation is built by the database as JSON text
# (json_build_object keeps the keys in order) and passed through without being decoded.


class JSONBuildObject(JSONObject):
    """json_build_object: like Django's JSONObject, but json (key order kept), not jsonb."""

    def as_postgresql(self, compiler, connection, **extra_context):
        copy = self.copy()
        copy.set_source_expressions(
            [
                Cast(expression, TextField()) if index % 2 == 0 else expression
                for index, expression in enumerate(copy.get_source_expressions())
            ]
        )
        return super(JSONObject, copy).as_sql(
            compiler, connection, function="JSON_BUILD_OBJECT", **extra_context
        )


class JSONAgg(OrderableAggMixin, Aggregate):
    function = "JSON_AGG"
    template = "%(function)s(%(expressions)s %(order_by)s)"
    output_field = JSONField()


class JSONArrayOrEmpty(Func):
    template = "COALESCE(%(expressions)s, '[]'::json)"
    output_field = JSONField()


class IsoTimestamp(Func):
    """A timestamp as DRF writes it: UTC, ISO 8601, "Z", microseconds only when not zero."""

    template = (
        "CASE WHEN %(expressions)s IS NULL THEN NULL "
        "WHEN date_trunc('second', %(expressions)s) = %(expressions)s "
        "THEN to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "ELSE to_char(%(expressions)s AT TIME ZONE 'UTC', "
        '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') END'
    )
    output_field = TextField()


def _children(queryset, parent: str, order, **fields):
    return JSONArrayOrEmpty(
        Subquery(
            queryset.order_by()
            .values(parent)
            .annotate(json=JSONAgg(JSONBuildObject(**fields), order_by=order))
            .values("json")
        )
    )


def _representation(include_drafts: bool) -> JSONBuildObject:
    """The agreement representation but its URL as one SQL expression (same keys, order and
    formats as AgreementSerializer)."""
    related = RelatedAgreement.objects.filter(from_agreement=OuterRef("pk"))
    if not include_drafts:
        related = related.filter(to_agreement__is_published=True)
    return JSONBuildObject(
        **{f: F(f) for f in SCALAR_FIELDS},
        signed_country=F("signed_country__code"),
        summary=F("summary"),
        text_url=F("text_url"),
        is_published=F("is_published"),
        parties=_children(
            AgreementParty.objects.filter(agreement=OuterRef("pk")),
            "agreement",
            ("party__code", "id"),
            party="party__code",
            party_name="party__name",
            signed_on="signed_on",
            ratified_on="ratified_on",
            withdrawn_on="withdrawn_on",
        ),
        signatures=_children(
            Signature.objects.filter(agreement=OuterRef("pk")),
            "agreement",
            ("role", "id"),
            person="person__slug",
            person_name="person__name",
            party="party__code",
            office="office",
            role="role",
            signed_on="signed_on",
        ),
        minerals=_children(
            AgreementMineral.objects.filter(agreement=OuterRef("pk")),
            "agreement",
            ("mineral__name", "id"),
            mineral="mineral__slug",
            mineral_name="mineral__name",
            stages="stages",
            note="note",
        ),
        sources=_children(
            Source.objects.filter(agreement=OuterRef("pk")),
            "agreement",
            ("id",),
            url="url",
            title="title",
            publisher="publisher",
            published_on="published_on",
            kind="kind",
        ),
        related=_children(
            related, "from_agreement", ("id",), agreement="to_agreement__slug", kind="kind"
        ),
        commitments=commitments_read.json_expression(),  # issue 17
        created_at=IsoTimestamp("created_at"),
        updated_at=IsoTimestamp("updated_at"),
    )


_SQL: dict[bool, tuple[str, tuple]] = {}


def _representation_sql(include_drafts: bool) -> tuple[str, tuple]:
    """SELECT pk, slug, representation FROM agreements, compiled once per process: building
    the expression costs more than running it, and it never changes."""
    if include_drafts not in _SQL:
        sentinel = -7_000_000_001
        query = (
            Agreement.objects.order_by()
            .annotate(representation_json=Cast(_representation(include_drafts), TextField()))
            .filter(pk=sentinel)
            .values_list("pk", "slug", "representation_json")
            .query
        )
        sql, params = query.sql_with_params()
        # The outer WHERE is the last one and holds only the sentinel: swap it for ANY(%s).
        head, where = sql.rsplit(" WHERE ", 1)
        assert params[-1] == sentinel and where.count("%s") == 1, where
        table = connection.ops.quote_name(Agreement._meta.db_table)
        column = connection.ops.quote_name("id")
        _SQL[include_drafts] = (f"{head} WHERE {table}.{column} = ANY(%s)", tuple(params[:-1]))
    return _SQL[include_drafts]


def _json_texts(pks: list[int], request, include_drafts: bool) -> list[tuple[int, str]]:
    """(pk, representation JSON text) for ``pks``, in their order."""
    if not pks:
        return []
    sql, params = _representation_sql(include_drafts)
    # Raw SQL bypasses the router: ask it, so the read goes where the request's reads go.
    with connections[router.db_for_read(Agreement)].cursor() as cursor:
        cursor.execute(sql, (*params, list(pks)))
        found = {pk: (slug, text) for pk, slug, text in cursor.fetchall()}
    url = _Urls(request)
    out = []
    for pk in pks:
        if pk in found:
            slug, text = found[pk]
            # The URL depends on the request's host; it is the last key of the object.
            out.append((pk, f'{text[:-1]}, "url" : {orjson.dumps(url(slug)).decode()}}}'))
    return out


def use_json_path() -> bool:
    return connection.vendor == "postgresql"


def page(queryset, request, *, include_drafts: bool, limit: int, offset: int, count=None):
    """(total count, representations) for one page of an ordered, filtered queryset.

    ``count`` (optional) returns the total, e.g. from a cache; by default it is counted.
    """
    if use_json_path():
        total = count() if count is not None else queryset.count()
        if total <= offset:
            return total, b"[]"
        pks = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        rows = _json_texts(pks, request, include_drafts)
        return total, ("[" + ",".join(text for _, text in rows) + "]").encode()
    rows = list(
        queryset.annotate(total_count=Window(Count("pk"))).values(
            *VALUES, "created_at", "updated_at", "total_count"
        )[offset : offset + limit]
    )
    total = rows[0]["total_count"] if rows else (queryset.count() if offset else 0)
    return total, orjson.dumps(build(rows, request, include_drafts=include_drafts))


def one_json(queryset, request, *, include_drafts: bool) -> bytes | None:
    """One agreement's representation as JSON bytes, or None."""
    if use_json_path():
        pks = list(queryset.values_list("pk", flat=True)[:1])
        rows = _json_texts(pks, request, include_drafts)
        return rows[0][1].encode() if rows else None
    rows = list(queryset.values(*VALUES, "created_at", "updated_at")[:1])
    items = build(rows, request, include_drafts=include_drafts)
    return orjson.dumps(items[0]) if items else None


def one(queryset, request, *, include_drafts: bool) -> dict | None:
    text = one_json(queryset, request, include_drafts=include_drafts)
    return orjson.loads(text) if text is not None else None


def chunk(queryset, request, *, include_drafts: bool, after_pk: int, size: int):
    """Representations of up to ``size`` agreements with pk > after_pk, in pk order, and
    the last pk (for keyset pagination in exports)."""
    queryset = queryset.order_by("pk").filter(pk__gt=after_pk)
    if use_json_path():
        pks = list(queryset.values_list("pk", flat=True)[:size])
        rows = _json_texts(pks, request, include_drafts)
        return [orjson.loads(text) for _, text in rows], (pks[-1] if pks else None)
    rows = list(queryset.values(*VALUES, "created_at", "updated_at")[:size])
    items = build(rows, request, include_drafts=include_drafts)
    return items, (rows[-1]["pk"] if rows else None)
