"""Template context every portal page needs: what the signed-in user may read and write."""

from agencies.access import access_for


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from foreigners.views import permissions
    from reports.coordination.selectors import can_coordinate
    from reports.services import can_review_sightings

    access = access_for(user)
    return {
        "nav": {
            **permissions(access),
            "review": can_review_sightings(user),
            "active": access.is_active,
            "enforcement": access.can_read("enforcement"),
            "coordinate": can_coordinate(access),
        }
    }
