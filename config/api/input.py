"""Input no database can store or compare, refused where it enters, in the API's error shape.

PostgreSQL text holds neither NUL characters nor lone UTF-16 surrogates, and Python's JSON
decoder recurses once per nesting level. Rather than let each view meet a DataError, a
UnicodeEncodeError or a RecursionError (a 500), they are refused before any view runs:

* a NUL in the URL path → 404 (no key contains one); in a query parameter → 400 naming it;
* a JSON body nested deeper than ``MAX_JSON_DEPTH`` → 400; a NUL or a lone surrogate in any
  of its strings (keys included) → 400 naming the field, nested as ``signatures.0.person``.

Form bodies need nothing here: Django decodes them with replacement characters, and its form
fields refuse NUL characters.
"""

import re

from django.http import JsonResponse
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_JSON_DEPTH = 32  # the deepest representation (agreement → signatures → item) uses 3

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "NUL characters and lone surrogates are not allowed."


def _refusal(status: int, code: str, detail: str, attr: str | None) -> JsonResponse:
    return JsonResponse(
        {
            "type": "validation_error" if status == 400 else "client_error",
            "errors": [{"code": code, "detail": detail, "attr": attr}],
        },
        status=status,
    )


class UnstorableInputMiddleware:
    """Refuses NUL characters in the path and the query string (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return _refusal(404, "not_found", "Not found.", None)
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return _refusal(
                    400, "null_characters_not_allowed", UNSTORABLE_MESSAGE, key.replace("\x00", "")
                )
        return self.get_response(request)


def unstorable_path(data) -> tuple[str, str] | None:
    """The dotted path of the first string holding a NUL or a lone surrogate (for a key, the
    object holding it; ``""`` for the document itself), and the error code DRF gives such a
    string. Iterative, so depth costs no stack."""
    stack = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if UNSTORABLE.search(value):
                return path, _code(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                inner = f"{path}.{key}" if path else key
                if UNSTORABLE.search(key):
                    return path, _code(key)
                stack.append((item, inner))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{i}" if path else str(i)) for i, item in enumerate(value))
    return None


def _code(text: str) -> str:
    # The codes DRF's CharField uses for the same refusals.
    if "\x00" in text:
        return "null_characters_not_allowed"
    return "surrogate_characters_not_allowed"


def json_depth(data) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing documents nested too deeply and strings that cannot be
    stored (NUL, lone surrogates) with a 400 instead of a 500 further on."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = f"The JSON document is nested deeper than {MAX_JSON_DEPTH} levels."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep) from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(too_deep)
        found = unstorable_path(data)
        if found is not None:
            path, code = found
            raise ValidationError({path or "non_field_errors": [UNSTORABLE_MESSAGE]}, code=code)
        return data
