"""Top-level URLs: admin, API v1, schema and docs, health checks."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
]
