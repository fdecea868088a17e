"""Sighting, review, alert and dashboard pages.

Thin: records come from the ``visible_*`` selectors (invisible ones answer 404), writes go
through :mod:`reports.services`, bad input re-renders the form with its messages.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pghistory.models import Events

from agencies.access import Category, RowAccess, access_for
from agencies.audit import audit_read, shown_rows
from agencies.choices import FixedSelect
from agencies.form_errors import form_errors_add
from agencies.formats import moment_text
from agencies.history import timeline
from agencies.links import url_of_id
from agencies.paging import Sort, list_page
from foreigners.countries import COUNTRY_ANY_CHOICES
from foreigners.forms import kecamatan_choices

from . import services
from .coordination.selectors import task_on_time_rates
from .dashboard_cache import dashboard_figures_cached
from .evidence import visible_evidence
from .figures import flag_evidence_live
from .filters import flag_filterset, sighting_filterset
from .forms import (
    CommentForm,
    DashboardForm,
    FlagResolveForm,
    LinkForm,
    ReviewForm,
    SightingForm,
)
from .models import Flag, Sighting, SightingComment, SightingPhoto, rule_title
from .rules import RULES
from .selectors import (
    actionable_flags,
    flag_quoted_visible,
    visible_flags,
    visible_sightings,
    with_person_visibility,
    with_record_visibility,
)
from .services.held_photos import HeldPhoto, photos_held, photos_hold, photos_release


@login_required
@require_http_methods(["GET", "POST"])
def sighting_create(request):
    """The camat's form. Photos of a form with errors are held (reports.services.held_photos)
    and offered again with a "keep" box, so a slow phone does not upload them twice."""
    if not access_for(request.user).can_submit_sightings:
        raise PermissionDenied
    form = SightingForm(request.POST or None, request.FILES or None, user=request.user)
    held: list[HeldPhoto] = []
    if request.method == "POST":
        held, lost = photos_held(user=request.user, tokens=request.POST.getlist("held_photo"))
        if lost:
            messages.warning(
                request,
                _("A photo kept from your last attempt has expired: please choose it again."),
            )
        valid = form.is_valid()
        # Before a service error on the photo field takes them out of cleaned_data.
        uploads = form.cleaned_data.get("photos") or []
        if valid:
            data = form.cleaned_data
            try:
                sighting = services.sighting_submit(
                    reporter=request.user,
                    **services.sighting_fields(data),
                    kept_photos=[photo.image for photo in held],
                    submission_key=data.get("submission_key") or "",
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                photos_release(held=held)
                return redirect("sighting-submitted", pk=sighting.pk)
        held += _photos_hold(request, form, uploads[: max(services.MAX_PHOTOS - len(held), 0)])
    return render(
        request,
        "reports/sighting_form.html",
        {
            "form": form,
            "held_photos": held,
            "max_photos": services.MAX_PHOTOS,
            "max_photo_bytes": settings.UPLOAD_MAX_BYTES,
            "max_photo_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
            "pick_map": _map_base(),
        },
    )


def _map_base() -> dict:
    """What every map starts from: the approximate region outlines (static/geo, written by
    ``manage.py region_outlines``; the base layer when no tile server is configured, drawn over
    the tiles otherwise), the tile server if one is configured, and the centre."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "center": settings.MAP_CENTER,
        "outlines": static("geo/region-outlines.geojson"),
        "outlines_attribution": _("Approximate boundaries (from kelurahan centre points)"),
        # Leaflet's own control labels are English.
        "controls": {"zoom_in": _("Zoom in"), "zoom_out": _("Zoom out"), "close": _("Close")},
    }


def _dashboard_map(figures: dict, access) -> dict:
    """The dashboard map's data: the figures' kecamatan markers and sighting points, each
    with the links its popup offers. A link is a read like the figure itself: the people of a
    kecamatan only where the user reads residences there (the list refuses the filter outside
    the user's area), its sightings and a sighting's page only with the sighting category (the
    points are visible sightings already). Links keep the dashboard's period and area."""
    area = figures["area"]
    period = {key: figures[key].isoformat() for key in ("date_from", "date_to")}
    reads_residence = access.can_read(Category.RESIDENCE)
    reads_sightings = "sighting_points" in figures
    rows = RowAccess(access)
    people_url, sightings_url = reverse("foreigner-list"), reverse("sighting-list")
    markers = []
    for marker in figures["kecamatan_markers"]:
        # A kelurahan chosen as the area is narrower than its kecamatan's marker.
        where = area if len(area) > len(marker["code"]) else marker["code"]
        links = {}
        if rows.reads_region(Category.RESIDENCE, marker["code"]):
            links["people_url"] = f"{people_url}?{urlencode({'kecamatan': where})}"
        if reads_sightings:
            query = urlencode({"kecamatan": where, **period})
            links["sightings_url"] = f"{sightings_url}?{query}"
        markers.append({**marker, **links})
    # Hundreds of points: the URL and the activity's label are looked up once (reverse() per
    # point was a quarter of the dashboard's time), the times kept per value (moment_text).
    detail_url = url_of_id("sighting-detail")
    activities = {value: str(label) for value, label in Sighting.Activity.choices}
    points = [
        {
            "lat": point["lat"],
            "lon": point["lon"],
            "ref": point["ref"],
            "activity": activities.get(point["activity"], point["activity"]),
            "observed": moment_text(point["observed_at"]),
            "url": detail_url(point["id"]),
        }
        for point in figures.get("sighting_points", [])
    ]
    return {
        **_map_base(),
        "markers": markers,
        "points": points,
        "show": {"residents": reads_residence, "sightings": reads_sightings},
        "text": {
            "residents": _("Foreign residents"),
            "sightings": _("Sightings in the period"),
            "people_link": _("Foreign residents of this kecamatan"),
            "sightings_link": _("Sightings here in the period"),
            "sighting": _("Sighting report"),
            "open_sighting": _("Open the report"),
            "cluster": _("{n} sighting reports close together: zoom in to see them"),
        },
    }


def _photos_hold(request, form, uploads: list) -> list[HeldPhoto]:
    """Hold the new photos of a form with errors (none when the photo field itself was refused,
    e.g. too many); a refused photo is named beside the photo field."""
    if not uploads:
        return []
    held, refused = photos_hold(user=request.user, uploads=uploads)
    if refused and "photos" not in form.errors:
        form.add_error("photos", refused)
    return held


@login_required
@require_GET
def sighting_submitted(request, pk: int):
    sighting = get_object_or_404(visible_sightings(request.user), pk=pk)
    audit_read(request, shown={"sighting": [sighting.pk]})
    return render(request, "reports/sighting_submitted.html", {"sighting": sighting})


SIGHTING_SORTS = {
    "observed": ("observed_at", "id"),
    "reference": ("reference", "id"),
    "status": ("review_status", "observed_at", "id"),
}


def _filter_form(filterset, user):
    """The filter set's form as the page shows it: only the filters offered to this user (a
    refused one reports its message above the form), the kecamatan picked from the user's area;
    the page sorts with ``sort`` (agencies.paging), not the filter set's ``ordering``."""
    form = filterset.form
    offered = set(filterset.offered()) - {"ordering"}
    for name in [name for name in form.fields if name not in offered]:
        del form.fields[name]
    if "kecamatan" in form.fields:
        choices = [("", _("Any")), *kecamatan_choices(user)]
        form.fields["kecamatan"].widget = forms.Select(choices=choices)
    if "nationality" in form.fields:
        # The ~250 countries rendered once per value and language, as on the foreigner list.
        form.fields["nationality"].widget = FixedSelect(choices=COUNTRY_ANY_CHOICES)
    return form


def _sighting_list(request, *, template: str, queue: bool = False, mine: bool = False):
    """One list behind "Sightings", "My reports" and the review queue, through the one filter
    set of sightings (reports.filters): paged with a total, filters and sort in the URL. The
    queue starts on the reports waiting for review."""
    query = request.GET.copy()
    if queue and "status" not in query and "review_status" not in query:
        query["status"] = Sighting.ReviewStatus.PENDING
    if mine:
        query["mine"] = "on"
    filterset = sighting_filterset(request.user, query)
    form = _filter_form(filterset, request.user)
    qs, _errors = filterset.result()
    qs = (
        with_person_visibility(qs, request.user)
        .select_related("region", "reporting_agency", "foreigner")
        .annotate(photo_count=Count("photos"))
    )
    sort = Sort.from_request(request, SIGHTING_SORTS, default="-observed")
    page = list_page(request, qs.order_by(*sort.ordering))
    audit_read(request, shown=shown_rows(page.rows, _people_named(page.rows)))
    return render(
        request,
        template,
        {
            "form": form,
            "sightings": page.rows,
            "page": page,
            "sort": sort,
            "queue": queue,
            "mine": mine,
        },
    )


def _people_named(rows) -> list:
    """The people whose name rows print (``person_visible``, see ``with_person_visibility``):
    shown with the rows, for the access log."""
    return [
        row.foreigner for row in rows if row.foreigner_id and getattr(row, "person_visible", False)
    ]


@login_required
@require_GET
def sighting_queue(request):
    if not access_for(request.user).can_review_sightings:
        raise PermissionDenied
    return _sighting_list(request, template="reports/sighting_list.html", queue=True)


@login_required
@require_GET
def sighting_list(request):
    if not access_for(request.user).is_active:
        raise Http404
    return _sighting_list(request, template="reports/sighting_list.html")


@login_required
@require_GET
def sighting_mine(request):
    """The reporter's own reports with their review status, searchable by reference number."""
    if not access_for(request.user).can_submit_sightings:
        raise Http404
    return _sighting_list(request, template="reports/sighting_list.html", mine=True)


def _sighting_context(request, sighting, **forms):
    access = access_for(request.user)
    flags = list(
        with_record_visibility(visible_flags(request.user), request.user).filter(sighting=sighting)[
            :20
        ]
    )
    audit_read(request, shown=shown_rows([sighting], _people_named([sighting]), flags))
    return {
        "sighting": sighting,
        "review_form": forms.get("review_form") or ReviewForm(),
        "link_form": forms.get("link_form") or LinkForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "flags": flags,
        "history": timeline(
            RowAccess(access), Events.objects.tracks(sighting), among=[Sighting], user=request.user
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
    audit_read(request, shown={"sighting": [photo.sighting_id], "sightingphoto": [photo.pk]})
    # A photo is personal data: no-store like every page (accounts.middleware.NoStoreMiddleware).
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")


FLAG_SORTS = {
    "severity": ("severity", "opened_at", "id"),
    "opened": ("opened_at", "id"),
    "rule": ("rule", "opened_at", "id"),
}


@login_required
@require_GET
def flag_list(request):
    """Flags through the one filter set of flags (reports.filters: rule, severity, state,
    period, kecamatan and nationality, each checked against the policy), its form on the page;
    by default the open ones; paged with a total and sortable."""
    filterset = flag_filterset(request.user, request.GET)
    form = _filter_form(filterset, request.user)
    # Every rule of the registry: a DISTINCT over the visible flags scanned all of them (a
    # million at national scale) on each visit, and listing a rule reveals nothing.
    if "rule" in form.fields:
        form.fields["rule"].widget = forms.Select(
            choices=[("", _("Any")), *((code, rule_title(code)) for code in sorted(RULES))]
        )
    qs, _errors = filterset.result()
    if not request.GET.get("state"):
        qs = qs.filter(state__in=Flag.OPEN_STATES)
    qs = with_record_visibility(qs.select_related("foreigner", "sighting"), request.user)
    sort = Sort.from_request(request, FLAG_SORTS, default="-severity")
    page = list_page(request, qs.order_by(*sort.ordering))
    audit_read(request, shown=shown_rows(page.rows, _people_named(page.rows)))
    return render(
        request,
        "reports/flag_list.html",
        {"form": form, "flags": page.rows, "page": page, "sort": sort},
    )


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
    access = access_for(request.user)
    evidence = visible_evidence(
        access, flag_evidence_live(flag), quoted_visible=flag_quoted_visible(flag)
    )
    audit_read(request, shown=shown_rows([flag], _people_named([flag])))
    return render(
        request,
        "reports/flag_detail.html",
        {
            "flag": flag,
            "evidence": evidence,
            "resolve_form": resolve_form or FlagResolveForm(),
            "can_act": actionable_flags(request.user).filter(pk=flag.pk).exists(),
            "history": timeline(
                RowAccess(access), Events.objects.tracks(flag), among=[Flag], user=request.user
            ),
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
    """The dashboard for a period and an area (reports.forms.DashboardForm: bad input is shown
    as form errors and the default period used); every figure links to the list it counts with
    the same period and area."""
    access = access_for(request.user)
    form = DashboardForm(
        request.GET or None, user=request.user, area=access.can_read(Category.RESIDENCE)
    )
    date_from, date_to = form.period
    area = form.area
    figures = dashboard_figures_cached(
        request.user, date_from=date_from, date_to=date_to, area=area, default=form.is_default
    )
    # Where each figure drills down, in the lists' own parameter names: people by residence,
    # permits on the period's last day, alerts and sightings in the period (a figure's own
    # criterion is appended to these prefixes).
    area_q = {"kecamatan": area} if area else {}
    queries = {
        "people": (reverse("foreigner-list"), area_q),
        "permits": (reverse("foreigner-list"), {**area_q, "as_of": date_to.isoformat()}),
        "flags": (
            reverse("flag-list"),
            {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), **area_q},
        ),
        "sightings": (reverse("sighting-list"), area_q),
    }
    drill = {
        name: f"{url}?{urlencode(query)}{'&' if query else ''}"
        for name, (url, query) in queries.items()
    }
    drill["people_base"] = reverse("foreigner-list") + "?"  # the by-kecamatan rows' own area
    # Counts are aggregates; the expiring-permits list names people, the map shows sightings.
    audit_read(
        request,
        shown={
            "staypermit": [p.pk for p in figures.get("expiring", ())],
            "foreigner": [p.foreigner_id for p in figures.get("expiring", ())],
            "sighting": [point["id"] for point in figures.get("sighting_points", ())],
        },
    )
    map_config = _dashboard_map(figures, access)
    return render(
        request,
        "reports/dashboard.html",
        {
            "f": figures,
            "form": form,
            "drill": drill,
            "map_config": map_config,
            "task_rates": task_on_time_rates(request.user),
        },
    )
