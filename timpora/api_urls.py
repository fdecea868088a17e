"""The read-only REST API (``/api/v1/``) and its OpenAPI schema (``/api/schema/``)."""

from django.urls import include, path
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from foreigners.api import ForeignerViewSet
from reports.api import FlagViewSet, SightingViewSet
from reports.coordination.api import (
    EnforcementActionViewSet,
    MeetingViewSet,
    OperationViewSet,
    TaskViewSet,
)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, built once per process, language and version: it depends on the code
    alone (``SERVE_PUBLIC``: the same for every reader), and drf-spectacular would otherwise
    walk every view and serializer again on each request."""

    _built: dict = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        if key not in self._built:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            self._built[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, version)
        return Response(
            data=self._built[key],
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
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
    path("schema/", SchemaView.as_view(), name="api-schema"),
]
