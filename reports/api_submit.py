"""Submitting a sighting through the API (``POST /api/v1/sightings/``).

The fields and their checks are the portal form's (:class:`reports.forms.SightingForm`), so a
value refused on the page is refused here with the same message, field by field. An
``Idempotency-Key`` header makes a retried request answer with the sighting the first one made
(200) instead of making another (201).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from agencies.access import access_for

from . import services
from .forms import SUBMISSION_KEY_RE, SightingForm
from .models import Sighting

_SCALARS = (str, int, float)


def _form_data(request) -> tuple[dict | None, dict]:
    """The request's fields as form data, or field errors for values of the wrong type (a JSON
    list or object where the form wants text or a number)."""
    data = request.data
    if hasattr(data, "getlist"):  # multipart or urlencoded: already text
        return data, {}
    if not isinstance(data, dict):
        return None, {"non_field_errors": [_("Send a JSON object.")]}
    errors = {
        str(name)[:100]: [_("Not a valid value: give text or a number.")]
        for name, value in data.items()
        if value is not None and (isinstance(value, bool) or not isinstance(value, _SCALARS))
    }
    return {k: ("" if v is None else str(v)) for k, v in data.items()}, errors


class SightingSubmitMixin:
    """``create`` for the sightings viewset."""

    def create(self, request, *args, **kwargs):
        if not access_for(request.user).can_submit_sightings:
            raise PermissionDenied(_("Your account may not submit sightings."))
        key = request.headers.get("Idempotency-Key", "")
        if key and not SUBMISSION_KEY_RE.fullmatch(key):
            return Response(
                {"Idempotency-Key": [_("Use 16 to 64 letters, digits, '-' or '_'.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        data, errors = _form_data(request)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        form = SightingForm(data, request.FILES or None, user=request.user)
        if not form.is_valid():
            return Response(_field_errors(form.errors), status=status.HTTP_400_BAD_REQUEST)
        cleaned = form.cleaned_data
        replay = (
            bool(key)
            and Sighting.objects.filter(reporter=request.user, submission_key=key).exists()
        )
        try:
            sighting = services.sighting_submit(
                reporter=request.user, **services.sighting_fields(cleaned), submission_key=key
            )
        except ValidationError as exc:
            body = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            )
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        body = self.get_serializer(sighting).data
        return Response(body, status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED)


def _field_errors(errors) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if name == "__all__" else name): list(messages)
        for name, messages in errors.items()
    }
