"""The second step of signing in, enrolling an authenticator app, and backup codes."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice

from .forms import EnrolForm, TokenForm
from .policy import two_factor_required
from .services import backup_codes_generate, totp_device_confirm, totp_device_start


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of signing in: a code of the authenticator app or a backup code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect("otp-enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("The code is not correct or was already used."))
        else:
            otp_login(request, device)
            # A new session id for the fully signed-in session (ASVS 7.2.4).
            request.session.cycle_key()
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("You signed in with a backup code; %(n)d are left.") % {"n": left},
                )
            return redirect(_next_url(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """Set up an authenticator app: scan the QR code (drawn here, no outside service), enter a
    code, receive the backup codes once. Someone who already set one up but has not given it
    this session is sent to the code page: enrolling is no way around the second factor."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect("otp-verify")
    if user.is_verified():
        return render(request, "accounts/otp_status.html", {"required": two_factor_required(user)})
    try:
        device = totp_device_start(user=user)
    except PermissionDenied:
        return redirect("otp-verify")
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = totp_device_confirm(user=user, token=form.cleaned_data["token"])
        except ValidationError as exc:
            for message in exc.message_dict.get("token", []):
                form.add_error("token", message)
        else:
            otp_login(request, device)
            request.session.cycle_key()
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next_url(request), "enrolled": True},
            )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, dark="#102a43", light="#ffffff"),
            "secret": _spaced(_base32(device)),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["POST"])
def backup_codes_new(request):
    """A new set of backup codes (the old ones stop working); only in a verified session."""
    if not request.user.is_verified():
        return redirect("otp-verify")
    codes = backup_codes_generate(user=request.user)
    return render(
        request, "accounts/backup_codes.html", {"codes": codes, "next": settings.LOGIN_REDIRECT_URL}
    )


def _base32(device) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def _spaced(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
