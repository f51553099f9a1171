"""ETags, conditional requests and the shared response cache for agreement reads.

An ETag is a hash of the representation itself, so it is the same whichever worker or read
path produced it and changes only when the content does. Responses are cached under the
data version (agreements.cache), which every committed write bumps: a cached entry can never
outlive the data it was built from, and a conditional GET answered from the cache costs no
database query.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.http import parse_etags, quote_etag
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .cache import data_version
from .exceptions import PreconditionFailed

CACHE_TIMEOUT = 300


def etag_for(data) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return quote_etag(hashlib.sha256(canonical.encode()).hexdigest()[:32])


def matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = parse_etags(header)
    bare = etag.removeprefix("W/")
    return "*" in tags or any(t.removeprefix("W/") == bare for t in tags)


def not_modified(etag: str) -> Response:
    response = Response(status=304)
    response["ETag"] = etag
    return response


def check_if_match(request, current_data) -> None:
    """412 unless the client's If-Match names the current representation (or is absent)."""
    header = request.headers.get("If-Match")
    if header and not matches(header, etag_for(current_data)):
        raise PreconditionFailed()


def cache_key(request, audience: str) -> str:
    url = request.build_absolute_uri()
    digest = hashlib.sha256(url.encode()).hexdigest()[:40]
    return f"resp:{data_version()}:{audience}:{digest}"


def cached_json(request, audience: str, build):
    """A response for a GET, from the shared cache when possible.

    ``build()`` returns the data (or None for 404). The JSON body is rendered once and
    cached as bytes with its ETag; a matching If-None-Match gets a 304. Other formats (the
    browsable API) are built each time.
    """
    is_json = request.accepted_renderer.format == "json"
    use_cache = settings.API_RESPONSE_CACHE and is_json
    key = cache_key(request, audience) if use_cache else None
    entry = cache.get(key) if use_cache else None
    if entry is None:
        data = build()
        if data is None:
            return None
        body = JSONRenderer().render(data) if is_json else data
        entry = (etag_for(data), body)
        if use_cache:
            cache.set(key, entry, CACHE_TIMEOUT)
    etag, body = entry
    if matches(request.headers.get("If-None-Match"), etag):
        return not_modified(etag)
    response = HttpResponse(body, content_type="application/json") if is_json else Response(body)
    response["ETag"] = etag
    return response
