"""Throttles: every API request per account or per API token, and a lower rate for name and
passport lookups per account (API and pages). Rates are read on each request, so settings
overrides apply. DRF's counters are not atomic: a brake on harvesting, not an access control."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    def __init__(self):
        # The rate is parsed per request (allow_request), not once when the class is loaded.
        pass

    def allow_request(self, request, view):
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def _ident(self, request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user-{user.pk}"
        return f"ip-{self.get_ident(request)}"


class UserOrTokenThrottle(_SettingsRateThrottle):
    """One budget per API token when a token authenticated the request (each service token is
    counted apart), else per signed-in account, else per client address."""

    scope = "user_or_token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is not None and getattr(token, "pk", None) is not None:
            ident = f"token-{token.pk}"
        else:
            ident = self._ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LookupThrottle(_SettingsRateThrottle):
    """Name and passport lookups per account: an API view or action opts in with
    ``throttle_scope = "lookup"``; pages are listed in ``LOOKUP_THROTTLED_PAGES``."""

    scope = "lookup"

    def get_cache_key(self, request, view):
        if view is not None and getattr(view, "throttle_scope", None) != self.scope:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self._ident(request)}


class LookupThrottleMiddleware:
    """The lookup rate for pages: ``settings.LOOKUP_THROTTLED_PAGES`` maps a URL name to the
    parameters that make a request to it a lookup (GET or POST)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        params = settings.LOOKUP_THROTTLED_PAGES.get(match.url_name if match else None)
        if not params or not request.user.is_authenticated:
            return None
        data = request.POST if request.method == "POST" else request.GET
        if not any(data.get(name) for name in params):
            return None
        throttle = LookupThrottle()
        if throttle.allow_request(request, None):
            return None
        wait = int(throttle.wait() or 60)
        response = render(
            request,
            "accounts/throttled.html",
            {"message": _("Too many searches. Wait %(s)d seconds and try again.") % {"s": wait}},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
