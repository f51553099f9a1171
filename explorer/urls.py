from django.urls import path

from . import api, views

app_name = "explorer"

urlpatterns = [
    path("", views.home, name="home"),
    path("agreements/<slug:slug>/", views.agreement, name="agreement"),
    path("parties/", views.party_index, name="parties"),
    path("parties/<str:code>/", views.party, name="party"),
    path("minerals/", views.mineral_index, name="minerals"),
    path("minerals/<slug:slug>/", views.mineral, name="mineral"),
    path("coverage/", views.coverage, name="coverage"),
    path("insights/concentration/", views.concentration, name="concentration"),
    path("timeline/", views.timeline, name="timeline"),
]

# Mounted under /api/v1/ with the other API routes (config/urls.py).
api_urlpatterns = [
    path(
        "insights/concentration/",
        api.ConcentrationView.as_view(),
        name="insights-concentration",
    ),
]
