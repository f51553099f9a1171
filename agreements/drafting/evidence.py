"""The preview of a proposal on the admin page: each proposed value with the passages it
comes from, and the release with those passages marked."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import mark_safe

#: Fields in the order the preview lists them.
PREVIEW_FIELDS = [
    "title",
    "short_title",
    "kind",
    "status",
    "legally_binding",
    "announced_on",
    "signed_on",
    "effective_on",
    "signed_place",
    "signed_country",
    "parties",
    "signatures",
    "minerals",
    "commitments",
    "summary",
    "sources",
]


def _display(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if "kind" in value and "text" in value:  # a commitment
            return f"{value['text']} ({value['kind']}{_due(value.get('due'))})"
        if "person" in value:
            office = f", {value['office']}" if value.get("office") else ""
            return f"{value['person']} ({value.get('party') or 'no party'}{office})"
        if "party" in value:
            return value["party"]
        if "mineral" in value:
            stages = ", ".join(value.get("stages") or [])
            return value["mineral"] + (f" ({stages})" if stages else "")
        return value.get("url") or value.get("title") or "—"
    return str(value)


def _due(due) -> str:
    if not due:
        return ""
    if due.get("within") is not None:
        return f", due within {due['within']} {due.get('unit')} of {due.get('from')}"
    return f", due {due.get('date')} ({due.get('precision')})"


def evidence_rows(extraction: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (field, evidence): field, value, quote, offsets, confidence."""
    proposal, evidence = extraction["proposal"], extraction["evidence"]
    rows = []
    for field in PREVIEW_FIELDS + [f for f in evidence if f not in PREVIEW_FIELDS]:
        value = proposal.get(field)
        items = evidence.get(field, [])
        if not items:
            if value not in (None, "", []):
                values = value if isinstance(value, list) else [value]
                for v in values:
                    rows.append({"field": field, "value": _display(v), "quote": None})
            continue
        for item in items:
            shown = item.get("value", value)
            if isinstance(value, list) and "value" in item:
                match = [
                    v
                    for v in value
                    if item["value"] in (v.get("party"), v.get("person"), v.get("text"))
                ]
                match += [v for v in value if item["value"] == v.get("mineral")]
                shown = match[0] if match else item["value"]
            rows.append(
                {
                    "field": field,
                    "value": _display(shown),
                    "quote": item["quote"],
                    "start": item["start"],
                    "end": item["end"],
                    "confidence": f"{item['confidence']:.2f}",
                }
            )
    return rows


def highlighted(text: str, evidence: dict[str, list[dict[str, Any]]]) -> str:
    """The text as HTML, every evidence span in a ``<mark>`` carrying its offsets and fields.

    Overlapping spans (a date inside a sentence) are cut at every boundary, so each mark
    covers one stretch of text with the set of fields it supports.
    """
    spans = [
        (item["start"], item["end"], field)
        for field, items in evidence.items()
        for item in items
        if 0 <= item["start"] < item["end"] <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        fields = sorted({f for s, e, f in spans if s <= start and end <= e})
        chunk = text[start:end]
        if fields:
            parts.append(
                format_html(
                    '<mark class="evidence" data-start="{}" data-end="{}" data-fields="{}" '
                    'title="{}">{}</mark>',
                    start,
                    end,
                    " ".join(fields),
                    ", ".join(fields),
                    chunk,
                )
            )
        else:
            parts.append(format_html("{}", chunk))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html
