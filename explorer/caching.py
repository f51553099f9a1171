"""Explorer pages are cached like the anonymous API: the rendered page is stored under the
data version (agreements.cache), which every committed write bumps, and served with a strong
ETag and ``Cache-Control: public`` with a short max-age. A matching If-None-Match gets a 304.
Pages show published data only, the same for every visitor, so one entry serves everyone."""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified

from agreements.cache import data_version
from agreements.conditional import etag_for, matches

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
        if matches(request.headers.get("If-None-Match"), etag):
            return _headers(HttpResponseNotModified(), etag)
        return _headers(HttpResponse(body, content_type=content_type), etag)

    return wrapper
