"""Project-level pages that belong to no single app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from agencies.access import Category, access_for
from reports.models import Flag, Sighting
from reports.selectors import visible_flags, visible_sightings, with_person_visibility

HOME_ROWS = 8


@login_required
def home(request):
    """What needs the user's attention: open flags routed to their agency, sightings waiting
    for review (reviewers), their own recent sightings."""
    access = access_for(request.user)
    ctx = {"access": access}
    if access.can_read(Category.FLAG):
        open_flags = visible_flags(request.user).filter(state__in=Flag.OPEN_STATES)
        ctx["open_flags"] = list(
            with_person_visibility(open_flags, request.user)
            .select_related("foreigner")
            .order_by("-severity", "-opened_at", "-id")[:HOME_ROWS]
        )
    if access.can_review_sightings:
        ctx["pending_sightings"] = list(
            visible_sightings(request.user)
            .filter(review_status=Sighting.ReviewStatus.PENDING)
            .select_related("region")
            .order_by("observed_at", "id")[:HOME_ROWS]
        )
    if access.can_write(Category.SIGHTING):
        ctx["my_sightings"] = list(
            visible_sightings(request.user)
            .filter(reporter=request.user)
            .select_related("region")
            .order_by("-created_at", "-id")[:5]
        )
    return render(request, "home.html", ctx)
