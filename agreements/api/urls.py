from rest_framework.routers import SimpleRouter

from agreements.api import views
from agreements.commitments import views as commitment_views
from agreements.sync import changes_api

router = SimpleRouter()
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("parties", views.PartyViewSet, basename="party")
router.register("people", views.PersonViewSet, basename="person")
router.register("commitments", commitment_views.CommitmentViewSet, basename="commitment")
router.register("changes", changes_api.ChangeViewSet, basename="change")

urlpatterns = router.urls
