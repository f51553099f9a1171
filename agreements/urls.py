from rest_framework.routers import SimpleRouter

from . import changefeed, views

router = SimpleRouter()
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("parties", views.PartyViewSet, basename="party")
router.register("people", views.PersonViewSet, basename="person")
router.register("changes", changefeed.ChangeViewSet, basename="change")

urlpatterns = router.urls
