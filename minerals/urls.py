from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("minerals", views.MineralViewSet, basename="mineral")
router.register("mineral-lists", views.MineralListViewSet, basename="mineral-list")

urlpatterns = router.urls
