"""Health checks and the API root."""

from django.db import connection
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

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
    """The process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


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
