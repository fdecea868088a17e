"""Who must use a second factor to sign in."""

from __future__ import annotations

from django.conf import settings
from django_otp import user_has_device

from agencies.models import Officer

# Roles that manage people or see everything of an agency (ASVS 6.3.2; issue 9).
TWO_FACTOR_ROLES = (Officer.Role.SUPERVISOR, Officer.Role.AGENCY_ADMIN)


def two_factor_required(user) -> bool:
    """Supervisors, agency admins and the system admin (staff and superusers) always; everyone
    with TWO_FACTOR_FOR_ALL; and anyone who enrolled a device (once set up, it is asked for)."""
    if not user.is_authenticated:
        return False
    if settings.TWO_FACTOR_FOR_ALL or user.is_superuser or user.is_staff:
        return True
    if Officer.objects.filter(user=user, role__in=TWO_FACTOR_ROLES).exists():
        return True
    return user_has_device(user, confirmed=True)
