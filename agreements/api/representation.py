"""The fast read path for agreements: plain dicts from ``.values()`` instead of a serializer
object per row.

It returns exactly what ``AgreementSerializer`` returns, built from the spec derived from
that serializer (``agreements.api.spec``; a test compares the two on every fixture
agreement, on both databases), in a fixed number of queries whatever the page size:

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
    Lookup,
    OuterRef,
    Subquery,
    TextField,
    Window,
)
from django.db.models.functions import Cast, JSONObject
from django.urls import reverse
from django.utils import timezone

from agreements.api.spec import Children, Scalar, Spec, Url, agreement_spec
from agreements.models import Agreement


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


def _list(value):
    return list(value or [])


ZERO = datetime.timedelta(0)


# How a value of each kind of the spec is written (None: as it is).
def _str(value):
    return str(value) if value is not None else None


WRITE = {
    "plain": None,
    "str": _str,
    "date": _date,
    "datetime": _datetime,
    "list": _list,
    "many": _list,
}


def agreement_url(request, slug: str) -> str:
    path = reverse("api:agreement-detail", kwargs={"slug": slug})
    return request.build_absolute_uri(path) if request is not None else path


class _Urls:
    """Detail URLs for one request: reversed once, then the lookup value (URL-safe, e.g. the
    slug) swapped in."""

    def __init__(self, request, url: Url):
        marker = "0-slug-0"
        path = reverse(url.view_name, kwargs={url.lookup_field: marker})
        template = request.build_absolute_uri(path) if request is not None else path
        self.head, self.tail = template.split(marker)

    def __call__(self, value: str) -> str:
        return f"{self.head}{value}{self.tail}"


def values(spec: Spec) -> tuple[str, ...]:
    """What ``.values()`` reads of an agreement for ``build``."""
    return ("pk", *dict.fromkeys([*(s.path for s in spec.scalars), spec.url.lookup_field]))


def _rows_maker(fields: tuple[Scalar, ...]):
    """A function from a tuple of values (the fields' paths, in order) to the row's dict."""
    keys = tuple(f.key for f in fields)
    writers = tuple(WRITE[f.kind] for f in fields)
    if not any(writers):
        return lambda row: dict(zip(keys, row, strict=True))
    return lambda row: {
        key: (write(value) if write else value)
        for key, write, value in zip(keys, writers, row, strict=True)
    }


def _collection(child: Children, ids: list[int], include_drafts: bool) -> dict[int, list]:
    """The nested rows of ``child`` of the agreements ``ids``, per agreement, in one query (a
    row with a many-to-many comes once per related row, in order, and is folded back)."""
    parent_id = child.model._meta.get_field(child.parent).attname
    rows = child.model._default_manager.filter(**{f"{parent_id}__in": ids})
    if not include_drafts:
        rows = rows.filter(**dict(child.public_filter))
    many = next((i for i, f in enumerate(child.fields) if f.kind == "many"), None)
    ordering = (*child.ordering, child.fields[many].path) if many is not None else child.ordering
    make = _rows_maker(child.fields)
    out = defaultdict(list)
    last_pk, last = None, None
    for parent, pk, *row in rows.order_by(*ordering).values_list(
        parent_id, "pk", *(f.path for f in child.fields)
    ):
        if many is None:
            out[parent].append(make(row))
            continue
        if pk == last_pk:
            last.append(row[many])
            continue
        last_pk, related = pk, row[many]
        row[many] = last = [related] if related is not None else []
        out[parent].append(row)
    if many is not None:
        for items in out.values():
            items[:] = [make(item) for item in items]
    return out


def build(rows: list[dict], request, *, include_drafts: bool, spec: Spec) -> list[dict]:
    """Representations for ``rows`` (dicts with ``values(spec)``), in their order."""
    ids = [r["pk"] for r in rows]
    if not ids:
        return []
    nested = {c.key: _collection(c, ids, include_drafts) for c in spec.children}
    plan = [
        (m.key, None, None) if isinstance(m, Children) else (m.key, m.path, WRITE[m.kind])
        for m in spec.members
    ]
    url = _Urls(request, spec.url)
    out = []
    for row in rows:
        pk = row["pk"]
        item = {}
        for key, path, write in plan:
            if path is None:
                item[key] = nested[key].get(pk, [])
            else:
                value = row[path]
                item[key] = write(value) if write is not None else value
        item[spec.url.key] = url(row[spec.url.lookup_field])
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


def _json_value(scalar: Scalar, model=None):
    if scalar.kind == "many":
        # The related rows' natural keys, in their order, as a JSON array.
        return JSONArrayOrEmpty(
            Subquery(
                model._default_manager.filter(pk=OuterRef("pk"))
                .exclude(**{f"{scalar.path}__isnull": True})
                .order_by()
                .values("pk")
                .annotate(json=JSONAgg(F(scalar.path), order_by=(scalar.path,)))
                .values("json")
            )
        )
    return IsoTimestamp(scalar.path) if scalar.kind == "datetime" else F(scalar.path)


def _json_member(member: Scalar | Children, include_drafts: bool):
    if isinstance(member, Scalar):
        return _json_value(member)
    rows = member.model._default_manager.filter(**{member.parent: OuterRef("pk")})
    if not include_drafts:
        rows = rows.filter(**dict(member.public_filter))
    fields = {f.key: _json_value(f, member.model) for f in member.fields}
    return _children(rows, member.parent, member.ordering, **fields)


def _representation(include_drafts: bool, spec: Spec) -> JSONBuildObject:
    """The agreement representation but its URL as one SQL expression (same keys, order and
    formats as the serializer ``spec`` is derived from)."""
    return JSONBuildObject(**{m.key: _json_member(m, include_drafts) for m in spec.members})


class AnyOf(Lookup):
    """``lhs = ANY(%s)``: one array parameter however many values it holds, so the compiled
    SQL stays the same from call to call. Used as an expression, not registered."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


_SQL: dict[tuple[bool, Spec], tuple[str, tuple, int]] = {}


def _representation_sql(include_drafts: bool, spec: Spec) -> tuple[str, tuple, int]:
    """SELECT pk, URL lookup value, representation FROM agreements WHERE pk = ANY(pks):
    the SQL, its parameters and the index of the pks' parameter. Compiled once per process:
    building the expression costs more than running it, and it never changes."""
    key = (include_drafts, spec)
    if key not in _SQL:
        pks = _PksParameter()
        query = (
            Agreement.objects.order_by()
            .annotate(representation_json=Cast(_representation(*key), TextField()))
            .filter(AnyOf(F("pk"), pks))
            .values_list("pk", spec.url.lookup_field, "representation_json")
            .query
        )
        sql, params = query.sql_with_params()
        [index] = [i for i, param in enumerate(params) if param is pks]
        _SQL[key] = (sql, tuple(params), index)
    return _SQL[key]


class _PksParameter:
    """Stands for the pks in the compiled parameters, found there by identity."""


def _json_texts(pks: list[int], request, include_drafts: bool, spec: Spec):
    """(pk, representation JSON text) for ``pks``, in their order."""
    if not pks:
        return []
    sql, params, index = _representation_sql(include_drafts, spec)
    params = list(params)
    params[index] = list(pks)
    # Raw SQL bypasses the router: ask it, so the read goes where the request's reads go.
    with connections[router.db_for_read(Agreement)].cursor() as cursor:
        cursor.execute(sql, params)
        found = {pk: (lookup, text) for pk, lookup, text in cursor.fetchall()}
    url = _Urls(request, spec.url)
    key = orjson.dumps(spec.url.key).decode()
    out = []
    for pk in pks:
        if pk in found:
            lookup, text = found[pk]
            # The URL depends on the request's host; it is the last key of the object.
            out.append((pk, f"{text[:-1]}, {key} : {orjson.dumps(url(lookup)).decode()}}}"))
    return out


def use_json_path() -> bool:
    return connection.vendor == "postgresql"


def page(queryset, request, *, include_drafts: bool, limit: int, offset: int, count=None):
    """(total count, representations) for one page of an ordered, filtered queryset.

    ``count`` (optional) returns the total, e.g. from a cache; by default it is counted.
    """
    spec = agreement_spec()
    if use_json_path():
        total = count() if count is not None else queryset.count()
        if total <= offset:
            return total, b"[]"
        pks = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        rows = _json_texts(pks, request, include_drafts, spec)
        return total, ("[" + ",".join(text for _, text in rows) + "]").encode()
    rows = list(
        queryset.annotate(total_count=Window(Count("pk"))).values(*values(spec), "total_count")[
            offset : offset + limit
        ]
    )
    total = rows[0]["total_count"] if rows else (queryset.count() if offset else 0)
    return total, orjson.dumps(build(rows, request, include_drafts=include_drafts, spec=spec))


def one_json(queryset, request, *, include_drafts: bool, spec: Spec | None = None):
    """One agreement's representation as JSON bytes, or None. ``spec``: that of another
    serializer than the API's (tests)."""
    spec = spec or agreement_spec()
    if use_json_path():
        pks = list(queryset.values_list("pk", flat=True)[:1])
        rows = _json_texts(pks, request, include_drafts, spec)
        return rows[0][1].encode() if rows else None
    rows = list(queryset.values(*values(spec))[:1])
    items = build(rows, request, include_drafts=include_drafts, spec=spec)
    return orjson.dumps(items[0]) if items else None


def one(queryset, request, *, include_drafts: bool, spec: Spec | None = None) -> dict | None:
    text = one_json(queryset, request, include_drafts=include_drafts, spec=spec)
    return orjson.loads(text) if text is not None else None


def chunk(queryset, request, *, include_drafts: bool, after_pk: int, size: int):
    """Representations of up to ``size`` agreements with pk > after_pk, in pk order, and
    the last pk (for keyset pagination in exports)."""
    queryset = queryset.order_by("pk").filter(pk__gt=after_pk)
    spec = agreement_spec()
    if use_json_path():
        pks = list(queryset.values_list("pk", flat=True)[:size])
        rows = _json_texts(pks, request, include_drafts, spec)
        return [orjson.loads(text) for _, text in rows], (pks[-1] if pks else None)
    rows = list(queryset.values(*values(spec))[:size])
    items = build(rows, request, include_drafts=include_drafts, spec=spec)
    return items, (rows[-1]["pk"] if rows else None)
