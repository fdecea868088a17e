"""Writes to officer accounts and the agencies' auth groups."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from ..models import Agency, Officer, Region


@transaction.atomic
def officer_create(
    *,
    username: str,
    password: str,
    agency: Agency,
    role: str = Officer.Role.OFFICER,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    kecamatan: Region | None = None,
    nip: str = "",
    password_hash: str = "",
) -> Officer:
    """Create (or, for an existing username, update) a user account and its officer profile.

    ``password_hash`` (from ``make_password``) replaces hashing ``password`` for each account:
    many accounts sharing one password (the demo) are then hashed once, not once each."""
    User = get_user_model()
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "is_active": True,
        },
    )
    if _created or not user.has_usable_password():
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
    officer, _ = Officer.objects.update_or_create(
        user=user,
        defaults={"agency": agency, "role": role, "kecamatan": kecamatan, "nip": nip},
    )
    return officer


def agency_group(agency: Agency) -> Group:
    """The agency's auth group (created on first use) with its officers as members, so guardian
    group shares reach every officer of the agency."""
    if agency.group_id:
        return agency.group
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        if agency.group_id is None:
            agency.group = Group.objects.create(name=f"agency:{agency.pk}")
            agency.save(update_fields=["group"])
            agency.group.user_set.add(*agency.officers.values_list("user_id", flat=True))
    return agency.group


def agency_supervisors(agency: Agency):
    """The active supervisors of ``agency`` (a user queryset)."""
    return get_user_model().objects.filter(
        officer__agency=agency, officer__role=Officer.Role.SUPERVISOR, is_active=True
    )
