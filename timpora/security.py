"""Login lockout glue for django-axes: the client address and the authentication backend."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The address a login attempt came from, as seen by our outermost proxy.

    With ``PROXY_COUNT = n`` our own proxies append n addresses to X-Forwarded-For, so the n-th
    from the right is the one our outermost proxy saw; anything left of it is client-supplied and
    could be forged to dodge the lockout.
    """
    count = settings.PROXY_COUNT
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


class LockoutBackend(AxesStandaloneBackend):
    """axes' lockout check, for web logins only.

    Every login form (ours, the admin's) passes the request. ``authenticate()`` without one is not
    a web login (the test client's ``login()``, a management command): there is no address to
    lock, so this backend steps aside instead of raising as axes' own backend does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page a locked-out sign-in gets: 429, in the user's language, saying how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
