"""Template helpers: dates read with their precision, query strings for facet links."""

import datetime

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.filter
def precise_date(value, precision="day"):
    """``4 February 2026``; ``March 2024`` for a month-precision date; ``2024`` for a year."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


@register.simple_tag(takes_context=True)
def with_param(context, key, value, toggle=False):
    """The current query string with ``key=value`` set (or, with toggle, added/removed for a
    repeatable facet); the page number is dropped."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    values = query.getlist(key)
    value = str(value)
    if toggle:
        values = [v for v in values if v != value] if value in values else [*values, value]
    else:
        values = [value] if value else []
    query.setlist(key, values)
    return "?" + urlencode([(k, v) for k in query for v in query.getlist(k)])


@register.simple_tag(takes_context=True)
def is_selected(context, key, value):
    return str(value) in context["request"].GET.getlist(key)


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.filter
def sum_list(values):
    return sum(values)
