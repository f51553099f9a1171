"""Top-level URLs: admin, API v1, schema and docs, health checks, the public explorer."""

import os

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from agreements.api import urls as agreements_urls
from agreements.commitments import feeds as commitment_feeds
from agreements.sync.atom import AgreementFeed, MineralAgreementFeed, PartyAgreementFeed
from explorer import urls as explorer_urls
from minerals import urls as minerals_urls

from . import views

api_v1 = (
    [
        path("", views.api_root, name="api-root"),
        *agreements_urls.urlpatterns,
        *minerals_urls.urlpatterns,
        *explorer_urls.api_urlpatterns,
    ],
    "api",
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("feeds/agreements/", AgreementFeed(), name="feed-agreements"),
    path("feeds/parties/<str:code>/", PartyAgreementFeed(), name="feed-party"),
    path("feeds/minerals/<slug:slug>/", MineralAgreementFeed(), name="feed-mineral"),
    *commitment_feeds.urlpatterns,  # issue 17: iCalendar and Atom feeds of commitments
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # The public explorer (server-rendered pages) at the root.
    path("", include(explorer_urls)),
]

# Errors outside DRF's views (middleware, admin, feeds) in the API's error shape as well.
handler404 = "config.views.not_found"
handler500 = "config.views.server_error"

# The benchmark's hand-written SQL baseline (benchmarks/baseline.py), never mounted otherwise.
if os.environ.get("BENCHMARK_BASELINE") == "1":
    from benchmarks.baseline import urlpatterns as benchmark_urls

    urlpatterns += benchmark_urls
