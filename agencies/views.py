"""Small pages of the access layer: request access to a record, decide requests, share and
revoke. Thin: parse, call a service, render. Denials answer 404 (no existence leak)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from agencies.paging import Sort, list_page

from .access import access_for
from .form_errors import form_errors_add
from .forms import AccessDecisionForm, AccessRequestForm, ShareForm
from .models import AccessRequest, RecordShare
from .notification_kinds import notification_kind_label, notification_kinds
from .registry import is_shareable, shareable
from .selectors import notifications_of
from .services import (
    access_request_create,
    access_request_decide,
    notification_mark_read,
    notifications_mark_all_read,
    share_grant,
    share_revoke,
    subject_url,
    subject_visible,
)


def _officer_access(request):
    access = access_for(request.user)
    if not access.is_active:
        raise Http404
    return access


def _subject(subject_type: str) -> str:
    if not is_shareable(subject_type):
        raise Http404
    return subject_type


@login_required
def access_request_new(request, subject_type: str, pk: int):
    """An officer asks, with a purpose, to see parts of a record they see masked. A record the
    officer cannot see answers 404 exactly like a missing one (no existence oracle)."""
    access = _officer_access(request)
    _subject(subject_type)
    if not access.can_request_access or not subject_visible(request.user, subject_type, pk):
        raise Http404
    form = AccessRequestForm(
        request.POST or None,
        categories=shareable(subject_type).categories,
        initial={"categories": request.GET.getlist("kategori")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            access_request_create(
                requester=request.user,
                subject_type=subject_type,
                subject_id=pk,
                purpose=form.cleaned_data["purpose"],
                categories=form.cleaned_data["categories"],
            )
        except ValidationError as err:
            form_errors_add(form, err)
        else:
            messages.success(request, _("Your request was sent to the owning agency."))
            return redirect("access-request-list")
    return render(
        request,
        "agencies/access_request_form.html",
        {"form": form, "subject_type": subject_type, "subject_id": pk},
    )


@login_required
def access_request_list(request):
    """An officer's own requests; for a supervisor also the requests their agency decides."""
    access = _officer_access(request)
    to_decide = AccessRequest.objects.none()
    if access.is_supervisor:
        to_decide = AccessRequest.objects.filter(status=AccessRequest.Status.PENDING)
        if not access.is_system_admin:
            to_decide = to_decide.filter(owning_agency_id=access.agency_id)
        to_decide = to_decide.select_related("requester__officer__agency")
    mine = AccessRequest.objects.filter(requester=request.user).select_related(
        "owning_agency", "share"
    )
    to_decide = [(r, AccessDecisionForm(asked=r.categories, prefix=f"r{r.pk}")) for r in to_decide]
    return render(
        request,
        "agencies/access_request_list.html",
        {"to_decide": to_decide, "mine": mine[:100]},
    )


@login_required
@require_POST
def access_request_decide_view(request, pk: int):
    access = _officer_access(request)
    qs = AccessRequest.objects.filter(status=AccessRequest.Status.PENDING)
    if not access.is_system_admin:
        if not access.is_supervisor:
            raise Http404
        qs = qs.filter(owning_agency_id=access.agency_id)
    access_request = get_object_or_404(qs, pk=pk)
    form = AccessDecisionForm(
        request.POST, asked=access_request.categories, prefix=f"r{access_request.pk}"
    )
    if not any(k.startswith(f"r{access_request.pk}-") for k in request.POST):
        # Posted without the per-request prefix (scripts, older pages).
        form = AccessDecisionForm(request.POST, asked=access_request.categories)
    if not form.is_valid():
        messages.error(request, _("Check the decision: %s") % form.errors.as_text())
        return redirect("access-request-list")
    try:
        access_request_decide(
            request=access_request,
            decided_by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
            expires_at=form.expires_at(),
            categories=form.cleaned_data["categories"] if access_request.categories else None,
        )
    except (ValidationError, PermissionDenied, Http404) as err:
        messages.error(request, _("The request could not be decided: %s") % err)
    else:
        messages.success(request, _("Decision recorded; the requester was notified."))
    return redirect("access-request-list")


def _supervisor(request):
    access = _officer_access(request)
    if not access.can_share:
        raise Http404
    return access


@login_required
def share_list(request):
    """Live shares granted by the supervisor's agency, with a revoke button each."""
    access = _supervisor(request)
    shares = RecordShare.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    if not access.is_system_admin:
        shares = shares.filter(granted_by__officer__agency_id=access.agency_id)
    shares = shares.select_related("user", "agency", "granted_by")
    return render(request, "agencies/share_list.html", {"shares": shares[:200]})


@login_required
def share_new(request, subject_type: str, pk: int):
    """A supervisor shares one record in their own scope with an officer or an agency."""
    _supervisor(request)
    _subject(subject_type)
    if not subject_visible(request.user, subject_type, pk, shares=False):
        raise Http404
    form = ShareForm(request.POST or None, categories=shareable(subject_type).categories)
    if request.method == "POST" and form.is_valid():
        try:
            share_grant(
                granted_by=request.user,
                subject_type=subject_type,
                subject_id=pk,
                reason=form.cleaned_data["reason"],
                expires_at=form.expires_at(),
                user=form.cleaned_data.get("user"),
                agency=form.cleaned_data.get("agency"),
                categories=form.cleaned_data.get("categories") or (),
            )
        except ValidationError as err:
            form_errors_add(form, err)
        else:
            messages.success(request, _("The record was shared."))
            return redirect("share-list")
    return render(
        request,
        "agencies/share_form.html",
        {
            "form": form,
            "subject_type": subject_type,
            "subject_id": pk,
            "subject_url": subject_url(subject_type, pk),
        },
    )


@login_required
@require_POST
def share_revoke_view(request, pk: int):
    access = _supervisor(request)
    shares = RecordShare.objects.filter(revoked_at__isnull=True)
    if not access.is_system_admin:
        shares = shares.filter(
            Q(granted_by=request.user) | Q(granted_by__officer__agency_id=access.agency_id)
        )
    share = get_object_or_404(shares, pk=pk)
    share_revoke(share=share, revoked_by=request.user)
    messages.success(request, _("The share was revoked."))
    return redirect("share-list")


# --- The notification centre ---------------------------------------------------------------

NOTIFICATION_SORTS = {"created": ("created_at", "id")}


@login_required
def notification_list(request):
    """The signed-in user's notifications, newest first, paged; filter by kind or unread."""
    unread = request.GET.get("unread") == "1"
    kinds = notification_kinds()
    kind = request.GET.get("kind", "")
    kind = kind if kind in kinds else ""
    sort = Sort.from_request(request, NOTIFICATION_SORTS, default="-created")
    qs = notifications_of(request.user, unread=unread, kind=kind).order_by(*sort.ordering)
    # The reader's own rows by an indexed key: counted exactly (agencies.paging).
    page = list_page(request, qs, exact_total=True)
    for notification in page.rows:
        notification.kind_label = notification_kind_label(notification.kind)
    return render(
        request,
        "agencies/notification_list.html",
        {
            "page": page,
            "sort": sort,
            "unread": unread,
            "kind": kind,
            "kinds": sorted((code, str(label)) for code, label in kinds.items()),
        },
    )


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark the notification read and go to what it is about (or back to the list)."""
    notification = notification_mark_read(user=request.user, notification_id=pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notification-list")


@login_required
@require_POST
def notification_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("notification-list")
