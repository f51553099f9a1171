"""Explorer pages are cached like the anonymous API: the rendered page is stored under the
data version (config.api.data_version), which every committed write bumps, and served with a strong
ETag and ``Cache-Control: public`` with a short max-age. A matching If-None-Match gets a 304.
Pages show published data only, the same for every visitor, so one entry serves everyone."""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from config.api.conditional import etag_for
from config.api.data_version import data_version

MAX_AGE = 60
CACHE_TIMEOUT = 300


def _headers(response, etag):
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        use_cache = settings.API_RESPONSE_CACHE and request.method in ("GET", "HEAD")
        key = None
        entry = None
        if use_cache:
            digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
            key = f"page:{data_version()}:{digest}"
            entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code != 200:
                response["Cache-Control"] = f"public, max-age={MAX_AGE}"
                return response
            entry = (etag_for(response.content), response.content, response["Content-Type"])
            if use_cache:
                cache.set(key, entry, CACHE_TIMEOUT)
        etag, body, content_type = entry
        conditional = get_conditional_response(request, etag=etag)  # a 304 or a 412
        if conditional is not None:
            return _headers(conditional, etag)
        return _headers(HttpResponse(body, content_type=content_type), etag)

    return wrapper
