"""Sighting, review, alert and dashboard pages.

Thin: records come from the ``visible_*`` selectors (invisible ones answer 404), writes go
through :mod:`reports.services`, bad input re-renders the form with its messages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import access_for
from agencies.form_errors import form_errors_add
from agencies.pagination import keyset_page

from . import services
from .dashboard import dashboard_figures
from .evidence import visible_evidence
from .filters import flags_filtered
from .forms import CommentForm, FlagFilterForm, FlagResolveForm, LinkForm, ReviewForm, SightingForm
from .models import Flag, Sighting, SightingComment, SightingPhoto
from .selectors import (
    actionable_flags,
    flag_quoted_visible,
    visible_flags,
    visible_sightings,
    with_person_visibility,
    with_record_visibility,
)

QUEUE_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def sighting_create(request):
    if not access_for(request.user).can_submit_sightings:
        raise PermissionDenied
    form = SightingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sighting = services.sighting_submit(
                reporter=request.user,
                region=data["region"],
                place=data["place"],
                observed_at=data["observed_at"],
                activity=data["activity"],
                description=data["description"],
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                foreigner_id=data.get("foreigner"),
                apparent_nationality=data.get("apparent_nationality") or "",
                apparent_sex=data.get("apparent_sex") or "",
                person_count=data.get("person_count") or 1,
                unidentified_description=data.get("unidentified_description") or "",
                photos=data.get("photos") or [],
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return redirect("sighting-submitted", pk=sighting.pk)
    return render(request, "reports/sighting_form.html", {"form": form})


@login_required
@require_GET
def sighting_submitted(request, pk: int):
    sighting = get_object_or_404(visible_sightings(request.user), pk=pk)
    return render(request, "reports/sighting_submitted.html", {"sighting": sighting})


@login_required
@require_GET
def sighting_queue(request):
    if not access_for(request.user).can_review_sightings:
        raise PermissionDenied
    status = request.GET.get("status") or Sighting.ReviewStatus.PENDING
    if status not in Sighting.ReviewStatus.values:
        status = Sighting.ReviewStatus.PENDING
    qs = (
        with_person_visibility(visible_sightings(request.user), request.user)
        .filter(review_status=status)
        .select_related("region", "reporting_agency", "foreigner")
        .annotate(photo_count=Count("photos"))
        .order_by("observed_at", "id")
    )
    after = request.GET.get("after")
    page = keyset_page(
        qs,
        key="observed_at",
        size=QUEUE_PAGE,
        after=int(after) if after and after.isdigit() else None,
    )
    return render(
        request,
        "reports/sighting_queue.html",
        {
            "sightings": page.rows,
            "status": status,
            "statuses": Sighting.ReviewStatus.choices,
            "next_cursor": page.next_cursor,
        },
    )


def _sighting_context(request, sighting, **forms):
    return {
        "sighting": sighting,
        "review_form": forms.get("review_form") or ReviewForm(),
        "link_form": forms.get("link_form") or LinkForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "flags": list(
            with_record_visibility(visible_flags(request.user), request.user).filter(
                sighting=sighting
            )[:20]
        ),
    }


def _get_sighting(request, pk: int) -> Sighting:
    return get_object_or_404(
        with_person_visibility(visible_sightings(request.user), request.user)
        .select_related("region", "reporting_agency", "reporter", "foreigner", "reviewed_by")
        .prefetch_related(
            "photos",
            Prefetch(
                "comments",
                queryset=SightingComment.objects.select_related("author", "author_agency"),
            ),
        ),
        pk=pk,
    )


@login_required
@require_GET
def sighting_detail(request, pk: int):
    sighting = _get_sighting(request, pk)
    return render(request, "reports/sighting_detail.html", _sighting_context(request, sighting))


@login_required
@require_POST
def sighting_review(request, pk: int):
    sighting = _get_sighting(request, pk)
    if not access_for(request.user).can_review_sightings:
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.sighting_review(
                sighting_id=sighting.pk,
                reviewer=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("The review decision was saved."))
            return redirect("sighting-detail", pk=sighting.pk)
    ctx = _sighting_context(request, sighting, review_form=form)
    return render(request, "reports/sighting_detail.html", ctx, status=400)


@login_required
@require_POST
def sighting_link(request, pk: int):
    sighting = _get_sighting(request, pk)
    if not access_for(request.user).can_review_sightings:
        raise PermissionDenied
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.sighting_link_foreigner(
                sighting_id=sighting.pk,
                foreigner_id=form.cleaned_data["foreigner"],
                user=request.user,
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(
                request, _("The sighting was linked to the person and the rules re-run.")
            )
            return redirect("sighting-detail", pk=sighting.pk)
    ctx = _sighting_context(request, sighting, link_form=form)
    return render(request, "reports/sighting_detail.html", ctx, status=400)


@login_required
@require_POST
def sighting_comment(request, pk: int):
    sighting = _get_sighting(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.sighting_comment_add(
                sighting_id=sighting.pk, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return redirect(reverse("sighting-detail", args=[sighting.pk]) + "#komentar")
    ctx = _sighting_context(request, sighting, comment_form=form)
    return render(request, "reports/sighting_detail.html", ctx, status=400)


@login_required
@require_GET
def sighting_photo(request, pk: int):
    """A sighting photo, only for users who may see the sighting (media is never public)."""
    photo = get_object_or_404(
        SightingPhoto.objects.filter(sighting__in=visible_sightings(request.user)), pk=pk
    )
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def flag_list(request):
    """Flags through the one filter set of flags (reports.filters); by default the open ones."""
    flags = visible_flags(request.user)
    rules = list(flags.order_by("rule").values_list("rule", flat=True).distinct())
    form = FlagFilterForm(request.GET or None, rules=rules)
    qs, errors = flags_filtered(request.user, request.GET)
    for field, messages_ in errors.items():
        form.add_error(field if field in form.fields else None, messages_)
    if not request.GET.get("state"):
        qs = qs.filter(state__in=Flag.OPEN_STATES)
    qs = with_record_visibility(qs.select_related("foreigner", "sighting"), request.user)
    if "ordering" not in request.GET:
        qs = qs.order_by("-severity", "-opened_at", "-id")
    rows = list(qs[:100])
    # AUDIT hook (issue 8, audit_read): ids shown = [f.pk for f in rows].
    return render(request, "reports/flag_list.html", {"form": form, "flags": rows})


def _get_flag(request, pk: int, *, act: bool = False) -> Flag:
    """The flag if the user sees it (else 404); to act on it, routed to the user's agency
    (else 403)."""
    flag = get_object_or_404(
        with_record_visibility(visible_flags(request.user), request.user).select_related(
            "foreigner", "sighting", "permit", "closed_by"
        ),
        pk=pk,
    )
    if act and not actionable_flags(request.user).filter(pk=flag.pk).exists():
        raise PermissionDenied
    return flag


def _flag_page(request, flag, resolve_form=None, status=200):
    evidence = visible_evidence(
        access_for(request.user), flag.evidence, quoted_visible=flag_quoted_visible(flag)
    )
    # AUDIT hook (issue 8, audit_read): the id shown is `flag.pk`.
    return render(
        request,
        "reports/flag_detail.html",
        {
            "flag": flag,
            "evidence": evidence,
            "resolve_form": resolve_form or FlagResolveForm(),
            "can_act": actionable_flags(request.user).filter(pk=flag.pk).exists(),
        },
        status=status,
    )


@login_required
@require_GET
def flag_detail(request, pk: int):
    return _flag_page(request, _get_flag(request, pk))


@login_required
@require_POST
def flag_acknowledge(request, pk: int):
    flag = _get_flag(request, pk, act=True)
    try:
        services.flag_acknowledge(flag_id=flag.pk, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The flag was acknowledged."))
    return redirect("flag-detail", pk=flag.pk)


@login_required
@require_POST
def flag_resolve(request, pk: int):
    flag = _get_flag(request, pk, act=True)
    form = FlagResolveForm(request.POST)
    if form.is_valid():
        try:
            services.flag_resolve(
                flag_id=flag.pk, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("The flag was resolved."))
            return redirect("flag-detail", pk=flag.pk)
    return _flag_page(request, flag, resolve_form=form, status=400)


@login_required
@require_GET
def dashboard(request):
    figures = dashboard_figures(request.user)
    map_config = {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "center": settings.MAP_CENTER,
        "markers": figures["kecamatan_markers"],
        "points": figures.get("sighting_points", []),
    }
    return render(
        request,
        "reports/dashboard.html",
        {"f": figures, "map_config": map_config},
    )
