"""Process-wide request middleware: structured request logging and request-size limits.

Both run before any view (and before Django or DRF read the body), so an oversized request is
refused without being buffered, and every request, refused or not, leaves one log line.
"""

import io
import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.http import JsonResponse
from django.utils.cache import patch_vary_headers

request_logger = logging.getLogger("cmat.request")

# A client-supplied request id is kept (so a proxy's id follows the request) only when it is
# short and plain; anything else is replaced, so the log cannot be forged through the header.
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def error_response(
    status: int, code: str, detail: str, error_type: str = "client_error"
) -> JsonResponse:
    """The API's error shape (drf-standardized-errors), for answers given outside DRF."""
    return JsonResponse(
        {"type": error_type, "errors": [{"code": code, "detail": detail, "attr": None}]},
        status=status,
    )


def body_too_large(limit: int) -> JsonResponse:
    return error_response(
        413, "request_too_large", f"The request body is larger than {limit} bytes."
    )


class RequestLogMiddleware:
    """One JSON line per request on the ``cmat.request`` logger: method, path, status, duration
    in milliseconds, user id (or "anonymous") and request id; the id is echoed in the
    ``X-Request-ID`` response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        user = getattr(request, "user", None)
        request_logger.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user": user.pk if user is not None and user.is_authenticated else "anonymous",
                    "request_id": request.request_id,
                },
                separators=(",", ":"),
            )
        )
        return response


class RequestLimitsMiddleware:
    """Refuses oversized requests in the API's error shape before the body is read.

    - ``Content-Length`` above ``DATA_UPLOAD_MAX_MEMORY_SIZE`` → 413.
    - A chunked body (no ``Content-Length``) is read up to the limit: over it → 413, else it is
      handed on as an ordinary body of known length (Django would otherwise see it as empty).
    - A query string longer than ``MAX_QUERY_STRING_LENGTH`` → 414.
    - ``RequestDataTooBig`` raised later (a form body read by Django) → 413 as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        max_query = settings.MAX_QUERY_STRING_LENGTH
        if limit is not None:
            refusal = self._check_body(request, limit)
            if refusal is not None:
                return refusal
        if max_query and len(request.META.get("QUERY_STRING", "")) > max_query:
            return error_response(
                414,
                "request_uri_too_long",
                f"The query string is longer than {max_query} characters.",
            )
        return self.get_response(request)

    def _check_body(self, request, limit):
        raw_length = request.META.get("CONTENT_LENGTH")
        if raw_length not in (None, ""):
            try:
                length = int(raw_length)
            except ValueError:
                return error_response(400, "parse_error", "Content-Length is not a number.")
            return body_too_large(limit) if length > limit else None
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        stream = request.META.get("wsgi.input")
        if not chunked or stream is None:
            return None
        body = stream.read(limit + 1)
        if len(body) > limit:
            return body_too_large(limit)
        request.META["CONTENT_LENGTH"] = str(len(body))
        request._stream = LimitedStream(io.BytesIO(body), len(body))
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return body_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return None


class CacheHeadersMiddleware:
    """Tells shared caches (CDN, proxy) what they may keep.

    - A request with credentials (an ``Authorization`` header, a session cookie, an
      authenticated user) may see drafts: ``Cache-Control: private, no-store``.
    - An anonymous GET or HEAD answered 200, 304 or 404 is the same for everyone:
      ``public, max-age=PUBLIC_CACHE_MAX_AGE``. Other anonymous answers (errors, 429, writes)
      are ``no-store``.
    - A response that sets a cookie is never shared.

    Every response varies on ``Accept`` (JSON or the browsable API), ``Authorization`` and
    ``Cookie``. A view that sets its own
    Cache-Control (health checks, the admin) keeps it.
    """

    SHAREABLE = {200, 304, 404}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        credentials = (
            "HTTP_AUTHORIZATION" in request.META
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or (user is not None and user.is_authenticated)
        )
        if credentials or response.cookies:
            response["Cache-Control"] = "private, no-store"
        elif request.method in ("GET", "HEAD") and response.status_code in self.SHAREABLE:
            value = f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}"
            if settings.PUBLIC_CACHE_STALE_WHILE_REVALIDATE:
                value += f", stale-while-revalidate={settings.PUBLIC_CACHE_STALE_WHILE_REVALIDATE}"
            response["Cache-Control"] = value
        else:
            response["Cache-Control"] = "no-store"
        return response
