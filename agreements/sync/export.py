"""Streaming export of a filtered agreement list as CSV or JSON Lines, in constant memory:
agreements are read in keyset-paginated chunks through the fast read path."""

import csv
import functools
import json

from django.http import StreamingHttpResponse

from agreements.api import representation
from agreements.services import agreement_fields

CHUNK = 500
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}


@functools.cache
def csv_columns() -> list[str]:
    """The agreement's own fields, as the API declares them, then its collections joined."""
    return [
        *agreement_fields(),
        "parties",
        "signatories",
        "minerals",
        "sources",
        "created_at",
        "updated_at",
        "url",
    ]


class _Line:
    """A file-like object whose write() returns the line, for csv.writer."""

    def write(self, value):
        return value


# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A CSV cell that a spreadsheet shows as text: booleans as true/false, empty for null,
    and a text that could start a formula prefixed with an apostrophe (OWASP guidance)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    value = str(value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_row(item: dict) -> list:
    row = {k: item[k] for k in csv_columns() if k in item and not isinstance(item[k], list)}
    row["parties"] = "; ".join(p["party"] for p in item["parties"])
    row["signatories"] = "; ".join(
        f"{s['person_name']} ({', '.join(x for x in (s['party'], s['office'], s['role']) if x)})"
        for s in item["signatures"]
    )
    row["minerals"] = "; ".join(
        m["mineral"] + (f" [{', '.join(m['stages'])}]" if m["stages"] else "")
        for m in item["minerals"]
    )
    row["sources"] = "; ".join(s["url"] for s in item["sources"])
    return [_cell(row.get(c)) for c in csv_columns()]


def rows(queryset, request, *, include_drafts: bool):
    """Representations of every agreement in ``queryset``, CHUNK at a time."""
    last = 0
    while True:
        items, last = representation.chunk(
            queryset, request, include_drafts=include_drafts, after_pk=last, size=CHUNK
        )
        if last is None:
            return
        yield from items


def _lines(queryset, request, fmt, include_drafts):
    if fmt == "csv":
        writer = csv.writer(_Line())
        yield writer.writerow(csv_columns())
        for item in rows(queryset, request, include_drafts=include_drafts):
            yield writer.writerow(_csv_row(item))
    else:
        for item in rows(queryset, request, include_drafts=include_drafts):
            yield json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n"


def streaming_response(queryset, request, fmt: str, *, include_drafts: bool):
    response = StreamingHttpResponse(
        _lines(queryset, request, fmt, include_drafts), content_type=FORMATS[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="agreements.{fmt}"'
    return response
