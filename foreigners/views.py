"""Foreign-national pages: search, detail, record maintenance, photo.

Thin: records come from :func:`visible_foreigners` (invisible ones answer 404), sections are
masked with ``access.can_read``, writes go through :mod:`foreigners.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import Category, access_for
from agencies.form_errors import form_errors_add

from . import services
from .forms import (
    DocumentForm,
    DocumentNumberSearchForm,
    FirstResidenceForm,
    ForeignerForm,
    PermitForm,
    ResidenceForm,
    SearchForm,
)
from .models import Residence, StayPermit, TravelDocument
from .registry import related_panels
from .selectors import (
    foreigner_by_document_number,
    foreigner_page,
    foreigner_search,
    name_filter,
    visible_foreigners,
)


def _require_write(request, category: str) -> None:
    if not access_for(request.user).can_write(category):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def foreigner_list(request):
    access = access_for(request.user)
    form = SearchForm(
        request.GET or None,
        user=request.user,
        can_filter_permits=access.can_read(Category.PERMIT),
        can_filter_residence=access.can_read(Category.RESIDENCE),
    )
    number_form = DocumentNumberSearchForm(request.POST or None)
    page = None
    number_results = None
    searched = False
    if request.method == "POST":
        if not access.can_read(Category.DOCUMENT):
            raise PermissionDenied
        if number_form.is_valid():
            number_results = list(
                foreigner_by_document_number(
                    request.user, number_form.cleaned_data["document_number"]
                )[:20]
            )
    elif form.is_bound and form.is_valid():
        data = form.cleaned_data
        searched = True
        page = foreigner_page(
            foreigner_search(
                request.user,
                name=data.get("q") or "",
                nationality=data.get("nationality") or "",
                permit_kind=data.get("permit_kind") or "",
                permit_status=data.get("permit_status") or "",
                kecamatan=data.get("kecamatan") or "",
            ),
            after=data.get("after"),
            before=data.get("before"),
        )
    elif not form.is_bound:
        page = foreigner_page(visible_foreigners(request.user))
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("before", None)
    return render(
        request,
        "foreigners/foreigner_list.html",
        {
            "form": form,
            "number_form": number_form,
            "page": page,
            "number_results": number_results,
            "searched": searched,
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def foreigner_lookup(request):
    """Up to ten visible foreign nationals whose name words start with ``q`` (for pickers)."""
    q = (request.GET.get("q") or "").strip()
    rows = []
    if len(q) >= 2:
        qs = name_filter(visible_foreigners(request.user), q).order_by("search_name", "id")[:10]
        rows = [
            {
                "id": f.pk,
                "name": f.full_name,
                "nationality": f.nationality,
                "born": f.birth_date.year,
            }
            for f in qs
        ]
    return JsonResponse({"results": rows})


@login_required
@require_GET
def foreigner_detail(request, pk: int):
    foreigner = get_object_or_404(
        visible_foreigners(request.user).select_related("residence_region"), pk=pk
    )
    access = access_for(request.user)
    ctx = {"foreigner": foreigner}
    if access.can_read(Category.DOCUMENT):
        ctx["documents"] = list(foreigner.documents.all())
    if access.can_read(Category.PERMIT):
        permits = list(
            foreigner.permits.select_related("sponsor", "extends").order_by("valid_from", "id")
        )
        ctx["permits"] = permits
        ctx["movements"] = list(foreigner.movements.all()[:50])
    if access.can_read(Category.RESIDENCE):
        ctx["residences"] = list(foreigner.residences.select_related("region"))
    # Sections other apps add about the person (reports: sightings, flags), see registry.py.
    for panel in related_panels():
        if access.can_read(panel.category):
            ctx[panel.name] = panel.rows(request.user, foreigner)
    return render(request, "foreigners/foreigner_detail.html", ctx)


@login_required
@require_GET
def foreigner_photo(request, pk: int):
    foreigner = get_object_or_404(visible_foreigners(request.user), pk=pk)
    if not foreigner.photo:
        raise Http404
    response = FileResponse(foreigner.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def foreigner_create(request):
    """A new foreign national with their first residence (in the creator's scope, so the
    record is visible where the form redirects)."""
    _require_write(request, Category.IDENTITY)
    access = access_for(request.user)
    form = ForeignerForm(
        request.POST or None,
        request.FILES or None,
        can_edit_employment=access.can_write(Category.EMPLOYMENT),
    )
    residence_form = FirstResidenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and all([form.is_valid(), residence_form.is_valid()]):
        try:
            foreigner = services.foreigner_create(
                data=form.cleaned_data,
                residence=residence_form.cleaned_data,
                photo=form.cleaned_data.get("photo"),
                user=request.user,
            )
        except ValidationError as exc:
            form_errors_add(form, exc, prefixed={services.RESIDENCE_ERROR_PREFIX: residence_form})
        else:
            messages.success(request, _("The record was created."))
            return redirect("foreigner-detail", pk=foreigner.pk)
    return render(
        request,
        "foreigners/record_form.html",
        {
            "form": form,
            "residence_form": residence_form,
            "title": _("New foreign national"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def foreigner_edit(request, pk: int):
    _require_write(request, Category.IDENTITY)
    foreigner = get_object_or_404(visible_foreigners(request.user), pk=pk)
    access = access_for(request.user)
    form = ForeignerForm(
        request.POST or None,
        request.FILES or None,
        instance=foreigner,
        can_edit_employment=access.can_write(Category.EMPLOYMENT),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.foreigner_update(
                foreigner_id=foreigner.pk,
                expected_version=form.cleaned_data.get("version") or 0,
                data=form.cleaned_data,
                photo=form.cleaned_data.get("photo") or None,
            )
        except services.StaleEdit as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("foreigner-detail", pk=foreigner.pk)
    return render(
        request,
        "foreigners/record_form.html",
        {"form": form, "foreigner": foreigner, "title": _("Edit identity")},
    )


# Child records: one generic create/edit view per kind, configured here.
CHILDREN = {
    "document": {
        "model": TravelDocument,
        "form": DocumentForm,
        "category": Category.DOCUMENT,
        "create": services.document_create,
        "update": services.document_update,
        "id_arg": "document_id",
        "title_new": _("New travel document"),
        "title_edit": _("Edit travel document"),
    },
    "permit": {
        "model": StayPermit,
        "form": PermitForm,
        "category": Category.PERMIT,
        "create": services.permit_create,
        "update": services.permit_update,
        "id_arg": "permit_id",
        "title_new": _("New stay permit"),
        "title_edit": _("Edit stay permit"),
    },
    "residence": {
        "model": Residence,
        "form": ResidenceForm,
        "category": Category.RESIDENCE,
        "create": services.residence_create,
        "update": services.residence_update,
        "id_arg": "residence_id",
        "title_new": _("New residence"),
        "title_edit": _("Edit residence"),
    },
}


def _child_form(kind, request, foreigner, instance=None):
    conf = CHILDREN[kind]
    kwargs = {"instance": instance}
    if kind == "permit":
        kwargs["foreigner"] = foreigner
    if kind == "residence":
        kwargs["user"] = request.user
    return conf["form"](request.POST or None, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request, pk: int, kind: str, child_pk: int | None = None):
    conf = CHILDREN[kind]
    _require_write(request, conf["category"])
    foreigner = get_object_or_404(visible_foreigners(request.user), pk=pk)
    instance = None
    if child_pk is not None:
        instance = get_object_or_404(conf["model"].objects.filter(foreigner=foreigner), pk=child_pk)
    form = _child_form(kind, request, foreigner, instance)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        try:
            if instance is None:
                conf["create"](foreigner=foreigner, data=data)
            else:
                conf["update"](
                    **{conf["id_arg"]: instance.pk},
                    expected_updated_at=form.token_value(),
                    data=data,
                )
        except services.StaleEdit as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("foreigner-detail", pk=foreigner.pk)
    title = conf["title_edit"] if instance else conf["title_new"]
    return render(
        request,
        "foreigners/record_form.html",
        {"form": form, "foreigner": foreigner, "title": title},
    )
