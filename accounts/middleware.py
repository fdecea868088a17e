"""Request safeguards: no caching of pages, session time limits, the second factor, and clean
refusals of unusable API parameters."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_otp import user_has_device

from agencies.validators import unusable_text

from .policy import two_factor_required

SESSION_LOGIN_AT = "accounts_login_at"
SESSION_SEEN_AT = "accounts_seen_at"
# The "last seen" mark is rewritten at most this often (each rewrite is a session write).
SEEN_RESOLUTION_SECONDS = 60


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (and private, no-cache) on every page and API answer: they
    hold personal data, and a shared or back-button cache must not keep them (ASVS 14.3.2).
    Static files are answered by whitenoise above this middleware and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class SessionLimitsMiddleware:
    """Ends a session idle for SESSION_IDLE_SECONDS or older than SESSION_ABSOLUTE_SECONDS since
    sign-in, whatever the cookie says (ASVS 7.3.1, 7.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session, now = request.session, time.time()
        login_at = session.get(SESSION_LOGIN_AT)
        seen_at = session.get(SESSION_SEEN_AT, login_at)
        if login_at is None:
            # A session made without our sign-in signal (older than this code): starts now.
            session[SESSION_LOGIN_AT] = session[SESSION_SEEN_AT] = now
            return
        if (
            now - login_at > settings.SESSION_ABSOLUTE_SECONDS
            or now - seen_at > settings.SESSION_IDLE_SECONDS
        ):
            logout(request)
            return
        if now - seen_at >= SEEN_RESOLUTION_SECONDS:
            session[SESSION_SEEN_AT] = now


# Pages a signed-in user who still owes the second factor may open.
TWO_FACTOR_OPEN_URL_NAMES = frozenset(
    {"otp-verify", "otp-enrol", "logout", "set_language", "healthz", "login"}
)


class TwoFactorMiddleware:
    """A signed-in user who must use a second factor and has not given it this session gets
    only the code page (or the enrolment page when no device is set up yet); the API answers
    403. Runs after django-otp's middleware, which sets ``request.user.is_verified()``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.TWO_FACTOR_ENFORCED:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in TWO_FACTOR_OPEN_URL_NAMES:
            return None
        if not two_factor_required(user):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Sign in with your second factor (authenticator code) first.")},
                status=403,
            )
        target = "otp-verify" if user_has_device(user, confirmed=True) else "otp-enrol"
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(target)}?{query}")


API_PARAM_MAX_CHARS = 200


class ApiInputMiddleware:
    """API query parameters with NUL or control characters, or longer than API_PARAM_MAX_CHARS,
    are refused with a field-by-field 400 before any view or filter sees them (PostgreSQL cannot
    store or compare a NUL, which used to answer 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            errors = {}
            for name, values in request.GET.lists():
                for value in values:
                    problem = unusable_text(name) or unusable_text(value, API_PARAM_MAX_CHARS)
                    if problem:
                        errors[name[:100]] = [problem]
                        break
            if errors:
                return JsonResponse(errors, status=400)
        return self.get_response(request)
