"""ETags, conditional requests and the shared response cache for agreement reads.

An ETag is a hash of the representation itself, so it is the same whichever worker or read
path produced it and changes only when the content does. Responses are cached under the
data version (config.api.data_version), which every committed write bumps: a cached entry can never
outlive the data it was built from, and a conditional GET answered from the cache costs one
small query (the data version) instead of building the response.
"""

import hashlib

import orjson
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from rest_framework.response import Response

from config.api.data_version import data_version
from config.api.exceptions import PreconditionFailed

CACHE_TIMEOUT = 300


def etag_for(body: bytes) -> str:
    """Strong ETag of a JSON body; every read path renders one resource to the same bytes."""
    return quote_etag(hashlib.sha256(body).hexdigest()[:32])


def preconditions(request, etag: str) -> Response | None:
    """Django's evaluation of the request's preconditions (``get_conditional_response``:
    If-Match with the strong comparison, If-None-Match with the weak one, RFC 9110 §13.2.2)
    against the current ``etag``: None to go on, a 304 for a GET whose copy is current, and
    a 412 in the API's error shape for a precondition that fails."""
    response = get_conditional_response(getattr(request, "_request", request), etag=etag)
    if response is None:
        return None
    if response.status_code == 412:
        raise PreconditionFailed()
    return not_modified(etag)


def not_modified(etag: str) -> Response:
    response = Response(status=304)
    response["ETag"] = etag
    return response


def check_if_match(request, current_body: bytes) -> None:
    """412 unless the client's If-Match names the current representation (or is absent)."""
    preconditions(request, etag_for(current_body))


def json_response(request, body: bytes, status: int = 200, headers=None):
    """The JSON body as it is (with its ETag); decoded only for the browsable API."""
    if request.accepted_renderer.format == "json":
        response = HttpResponse(body, content_type="application/json", status=status)
        for key, value in (headers or {}).items():
            response[key] = value
    else:
        response = Response(orjson.loads(body), status=status, headers=headers)
    response["ETag"] = etag_for(body)
    return response


def cache_key(request, audience: str) -> str:
    url = request.build_absolute_uri()
    digest = hashlib.sha256(url.encode()).hexdigest()[:40]
    return f"resp:{audience}:{digest}"


def cached_count(request, audience: str, queryset) -> int:
    """The number of results of a filtered list, cached under the data version.

    Counting is the one part of a list request that grows with the matches; a client paging
    through a filtered list asks the same count for every page, and gets it once. The key
    leaves out limit, offset and ordering, which do not change the count. Off with the
    response cache (API_RESPONSE_CACHE).
    """
    if not settings.API_RESPONSE_CACHE:
        return queryset.count()
    params = sorted(
        (k, v)
        for k, values in request.query_params.lists()
        if k not in {"limit", "offset", "ordering", "format"}
        for v in values
    )
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:40]
    key = f"count:{data_version()}:{audience}:{digest}"
    total = cache.get(key)
    if total is None:
        total = queryset.count()
        cache.set(key, total, CACHE_TIMEOUT)
    return total


def cached_json(request, audience: str, build):
    """A response for a GET, from the shared cache when possible.

    ``build()`` returns the JSON body as bytes (or None for 404); it is cached with its ETag
    and the data version it was built under, and a matching If-None-Match gets a 304.
    """
    use_cache = settings.API_RESPONSE_CACHE and request.accepted_renderer.format == "json"
    entry = version = None
    if use_cache:
        # The entry counts only if it was built under the current data version.
        key = cache_key(request, audience)
        version = data_version()
        entry = cache.get(key)
        if entry is not None and entry[0] != version:
            entry = None
    if entry is None:
        body = build()
        if body is None:
            return None
        entry = (str(version), etag_for(body), body)
        if use_cache:
            cache.set(key, entry, CACHE_TIMEOUT)
    _, etag, body = entry
    return preconditions(request, etag) or json_response(request, body)
