"""Health checks and the API root."""

import sys

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView

from config.api.middleware import error_response

from .routers import replica_status

ENDPOINTS = {
    "agreements": "agreement",
    "parties": "party",
    "people": "person",
    "minerals": "mineral",
    "mineral_lists": "mineral-list",
    "changes": "change",
}


@never_cache
def healthz(request):
    """The process is up; touches no database."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The process can reach its database (503 if not). The cache is reported too, but a
    cache that is down or disabled leaves the status at 200: the service works without it,
    only slower (``"cache": "degraded"``)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    ping = getattr(cache, "ping", None)
    if ping is None:
        state = "local"  # per-process memory (no REDIS_URL)
    else:
        state = "ok" if ping() else "degraded"
    body = {"status": "ok", "database": "ok", "cache": state}
    if "replica" in settings.DATABASES:
        # A replica that is down or behind leaves the status at 200: reads go to the primary.
        body.update(replica_status())
    return JsonResponse(body)


def server_error(request):
    """A 500 (or, when the database is unreachable or not answering, a 503) in the API's
    error shape, for exceptions no view handled."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return error_response(
            503,
            "database_unavailable",
            "The database is not answering; try again in a few seconds.",
            error_type="server_error",
        )
    return error_response(500, "error", "A server error occurred.", error_type="server_error")


class ApiRootView(APIRootView):
    """Links to every collection of API v1 (DRF's router root view, over the collections of
    both apps), open to everyone and never throttled."""

    permission_classes = [AllowAny]
    throttle_classes = []
    schema = None  # not an operation of the documented API


api_root = ApiRootView.as_view(
    api_root_dict={key: f"{name}-list" for key, name in ENDPOINTS.items()}
)


def not_found(request, exception):
    """A URL that matches no route: under /api/ (e.g. a slug outside the lookup pattern) a 404
    in the API's error shape, as DRF's own 404s have; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return error_response(404, "not_found", "Not found.")
    return page_not_found(request, exception)
