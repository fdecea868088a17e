"""One way to show a service's ValidationError on the form(s) that collected the input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def form_errors_add(
    form: forms.BaseForm,
    exc: ValidationError,
    *,
    prefixed: dict[str, forms.BaseForm] | None = None,
) -> None:
    """Put ``exc`` on ``form``: each field's errors beside that field, errors of names the form
    has no field for (and errors without a field) at the top. ``prefixed`` routes errors whose
    name starts with a prefix to another form of the same page (``{"residence-": form}``)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target, field = form, name
        for prefix, other in (prefixed or {}).items():
            if name.startswith(prefix):
                target, field = other, name.removeprefix(prefix)
                break
        target.add_error(field if field in target.fields else None, errors)
