"""The read-only REST API (``/api/v1/``) and its OpenAPI schema (``/api/schema/``)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from foreigners.api import ForeignerViewSet
from reports.api import FlagViewSet, SightingViewSet
from reports.coordination.api import (
    EnforcementActionViewSet,
    MeetingViewSet,
    OperationViewSet,
    TaskViewSet,
)

router = SimpleRouter()
router.register("foreigners", ForeignerViewSet, basename="api-foreigner")
router.register("sightings", SightingViewSet, basename="api-sighting")
router.register("flags", FlagViewSet, basename="api-flag")
router.register("meetings", MeetingViewSet, basename="api-meeting")
router.register("tasks", TaskViewSet, basename="api-task")
router.register("operations", OperationViewSet, basename="api-operation")
router.register("enforcement-actions", EnforcementActionViewSet, basename="api-enforcement")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
