"""Foreign-national pages: search, detail, record maintenance, photo.

Thin: records come from :func:`visible_foreigners` (invisible ones answer 404), sections are
masked with ``access.can_read``, writes go through :mod:`foreigners.services`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import Category, access_for
from agencies.audit import audit_read, may_see_accesses, record_accesses, shown_rows
from agencies.choices import FixedSelect
from agencies.form_errors import form_errors_add
from agencies.history import timeline, writes_no_history

from . import services
from .countries import COUNTRY_ANY_CHOICES
from .filters import ForeignerFilterSet, foreigners_filtered
from .forms import (
    DocumentForm,
    DocumentNumberSearchForm,
    FirstResidenceForm,
    ForeignerForm,
    PermitForm,
    ResidenceForm,
    kecamatan_choices,
)
from .models import Residence, StayPermit, TravelDocument
from .registry import related_panels
from .row_access import foreigner_row_access
from .selectors import PERSON_ROWS, foreigner_page, person_history, visible_foreigners


def _require_write(request, category: str) -> None:
    if not access_for(request.user).can_write(category):
        raise PermissionDenied


def _list_form(filterset, user):
    """The filter set's form, showing only the filters offered to this user (a refused one
    still reports its error on the page)."""
    form = filterset.form
    offered = set(filterset.offered()) - {"name", "ordering"}
    for name in list(form.fields):
        if name not in offered and name not in form.errors:
            form.fields[name].widget = forms.HiddenInput()
    for name in ("permit_kind", "permit_status"):
        if name in form.fields and name in offered:
            field = form.fields[name]
            field.widget = forms.Select(choices=[("", _("Any")), *field.choices[1:]])
    if "nationality" in form.fields and "nationality" in offered:
        form.fields["nationality"].widget = FixedSelect(choices=COUNTRY_ANY_CHOICES)
    if "kecamatan" in offered:
        choices = [("", _("Any")), *kecamatan_choices(user)]
        form.fields["kecamatan"].widget = forms.Select(choices=choices)
    return form


def _cursor(value) -> int | None:
    # A cursor is a primary key: at most 18 digits (and int() of a huge string raises).
    return int(value) if value and str(value).isdigit() and len(str(value)) <= 18 else None


@writes_no_history
@login_required
@require_http_methods(["GET", "POST"])
def foreigner_list(request):
    """The list and its search: one filter set (foreigners.filters) for every criterion,
    the passport number posted (never in a URL)."""
    access = access_for(request.user)
    posted = request.method == "POST"
    if posted and not access.can_read(Category.DOCUMENT):
        raise PermissionDenied
    params = request.POST if posted else request.GET
    filterset = ForeignerFilterSet(
        params if (posted or request.GET) else None,
        visible_foreigners(request.user),
        user=request.user,
        in_body=posted,
    )
    qs, errors = filterset.result()
    number_form = DocumentNumberSearchForm(request.POST or None)
    page = number_results = None
    if posted:
        if number_form.is_valid() and not errors:
            number_results = list(qs[:20])
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("before", None)
    if not posted and not errors:
        page = foreigner_page(
            qs,
            after=_cursor(params.get("after")),
            before=_cursor(params.get("before")),
            memo=f"foreigner-list:{request.user.pk}:{query.urlencode()}",
        )
    shown = [f.pk for f in number_results or ()] + [f.pk for f in (page.rows if page else ())]
    audit_read(request, shown={"foreigner": shown})
    return render(
        request,
        "foreigners/foreigner_list.html",
        {
            "form": _list_form(filterset, request.user),
            "errors": errors,
            "number_form": number_form,
            "page": page,
            "number_results": number_results,
            "searched": bool(request.GET) and not posted,
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def foreigner_lookup(request):
    """Up to ten visible foreign nationals whose name matches ``q``, best first (for pickers)."""
    q = (request.GET.get("q") or "").strip()
    rows = []
    if len(q) >= 2:
        qs, errors = foreigners_filtered(request.user, {"q": q[:100]})
        rows = [
            {
                "id": f.pk,
                "name": f.full_name,
                "nationality": f.nationality,
                "born": f.birth_date.year,
            }
            for f in qs[:10]  # best match first (name_filter)
        ]
    audit_read(request, shown={"foreigner": [row["id"] for row in rows]})
    return JsonResponse({"results": rows})


@login_required
@require_GET
def foreigner_detail(request, pk: int):
    """A person's page. Each related row keeps its own scope: residences only where the user
    may read that residence (in scope, or opened by a share), sightings and flags through their
    own selectors, permits split into type/validity and detail by the field-level policy."""
    foreigner = get_object_or_404(
        visible_foreigners(request.user).select_related("residence_region"), pk=pk
    )
    row = foreigner_row_access(request.user, foreigner.pk)
    access = row.access
    can = row.template_flags
    ctx = {"foreigner": foreigner, "can": can}
    if row.can_read(Category.DOCUMENT):
        ctx["documents"] = list(foreigner.documents.all())
    if row.can_read(Category.PERMIT_STATUS) or row.can_read(Category.PERMIT):
        permits = foreigner.permits.order_by("valid_from", "id")
        if row.can_read(Category.PERMIT):
            permits = permits.select_related("sponsor", "extends")
        ctx["permits"] = list(permits)
    if row.can_read(Category.PERMIT):
        ctx["movements"] = list(foreigner.movements.all()[:50])
    if row.can_read(Category.RESIDENCE):
        ctx["residences"] = [
            r
            for r in foreigner.residences.select_related("region")
            if row.reads_region(Category.RESIDENCE, r.region_id)
        ]
        # Said whatever the rows are: a count of the hidden ones would itself reveal them.
        ctx["residences_partial"] = not (
            Category.RESIDENCE in row.shared or row.access.is_system_admin
        )
    # Sections other apps add about the person (reports: sightings, flags through their own
    # selectors, so each row keeps its own scope), see registry.py.
    panels = []
    for panel in related_panels():
        if row.can_read(panel.category):
            ctx[panel.name] = panel.rows(request.user, foreigner)
            panels.append(panel.name)
    # The history through the same row access as the sections above (shares, row scope).
    ctx["history"] = timeline(row, person_history(foreigner), among=PERSON_ROWS, user=request.user)
    # "Who accessed this record" (see record_accesses for who may know what); reading it is
    # itself a read of those log rows.
    if may_see_accesses(access):
        ctx["show_accesses"] = True
        ctx["accesses"] = list(record_accesses(access, "foreigner", foreigner.pk))
    sections = ("documents", "permits", "movements", "residences", "accesses", *panels)
    audit_read(request, shown=shown_rows([foreigner], *(ctx.get(key, ()) for key in sections)))
    return render(request, "foreigners/foreigner_detail.html", ctx)


@login_required
@require_GET
def foreigner_photo(request, pk: int):
    foreigner = get_object_or_404(visible_foreigners(request.user), pk=pk)
    if not foreigner.photo:
        raise Http404
    audit_read(request, shown={"foreigner": [foreigner.pk]})
    # A photo is personal data: no-store like every page (accounts.middleware.NoStoreMiddleware).
    return FileResponse(foreigner.photo.open("rb"), content_type="image/jpeg")


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
    audit_read(request, shown={"foreigner": [foreigner.pk]})
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
        # "Extend" on a permit opens the new-permit form filled from it (?extends=<permit id>).
        extends = _cursor(request.GET.get("extends"))
        if instance is None and extends is not None:
            previous = foreigner.permits.filter(pk=extends).first()
            if previous is not None:
                kwargs["initial"] = services.extension_initial(previous)
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
    shown = {"foreigner": [foreigner.pk]}
    if instance is not None:
        shown[conf["model"]] = [instance.pk]
    audit_read(request, shown=shown)
    return render(
        request,
        "foreigners/record_form.html",
        {"form": form, "foreigner": foreigner, "title": title},
    )
