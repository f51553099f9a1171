"""Health checks and the API root."""

import sys

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from .middleware import error_response
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


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([])
def api_root(request):
    """Links to every collection of API v1."""
    return Response(
        {
            key: request.build_absolute_uri(reverse(f"api:{name}-list"))
            for key, name in ENDPOINTS.items()
        }
    )
