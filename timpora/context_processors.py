"""Template context every portal page needs: what the signed-in user may read and write."""

from agencies.access import access_for


def portal(request):
    """``can``: the user's capability flags (``can.read.permit``, ``can.write.identity``,
    ``can.review``, ``can.submit``…), computed once per Access (``Access.template_flags``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can": access_for(user).template_flags}
