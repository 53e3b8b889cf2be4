"""Entity registry pages: list (shared FilterSet), detail, create/edit, certifications, import; an applicant's
own entity; departments and districts. Views parse input, call a service, render the result."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcity.accounts.choices import Role
from ipcity.core.errors import add_to_form
from ipcity.core.excel import csv_writer
from ipcity.core.permissions import role_required
from ipcity.core.uploads import SPREADSHEET_KINDS, check_upload

from . import selectors, services
from .filters import DepartmentFilter, DistrictFilter, EntityFilter
from .forms import CertificationForm, EntityContactForm, EntityForm, ImportForm
from .importing import COLUMNS, import_entities, template_workbook
from .models import Certification

READERS = selectors.ENTITY_READ_ALL
WRITERS = selectors.ENTITY_WRITE


@role_required(*READERS)
def entity_list(request: HttpRequest) -> HttpResponse:
    filterset = EntityFilter(request.GET or None, queryset=selectors.entity_list(user=request.user))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/entity_list.html",
        {"filter": filterset, "page": page, "can_write": selectors.can_write_entities(request.user)},
    )


@role_required(*READERS)
def entity_export(request: HttpRequest) -> HttpResponse:
    """CSV of the filtered list (same FilterSet as the page and the API), in the import's column layout."""
    filterset = EntityFilter(request.GET or None, queryset=selectors.entity_list(user=request.user))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="entities.csv"'
    response.write("\ufeff")  # BOM so that Excel opens UTF-8 correctly
    writer = csv_writer(response)
    writer.writerow([f"{zh} / {en}" for _k, zh, en, _r in COLUMNS[:7]])
    for e in filterset.qs:
        writer.writerow(
            [
                e.uscc,
                e.name,
                e.kind,
                e.district.name if e.district else "",
                e.address,
                e.contact_name,
                e.contact_phone,
            ]
        )
    return response


@role_required(*READERS)
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = selectors.entity_get(user=request.user, pk=pk)
    if entity is None:
        raise Http404
    return render(
        request,
        "orgs/entity_detail.html",
        {
            "entity": entity,
            "certifications": entity.certifications.all(),
            "can_write": selectors.can_write_entities(request.user),
            "cert_form": CertificationForm(),
        },
    )


@role_required(*WRITERS)
def entity_create(request: HttpRequest) -> HttpResponse:
    form = EntityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            entity = services.entity_create(
                actor=request.user,
                uscc=data.pop("uscc"),
                name=data.pop("name"),
                kind=data.pop("kind"),
                **data,
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Entity registered."))
            return redirect("orgs:entity_detail", pk=entity.pk)
    return render(request, "orgs/entity_form.html", {"form": form, "title": _("Register an entity")})


@role_required(*WRITERS)
def entity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entity = selectors.entity_get(user=request.user, pk=pk)
    if entity is None:
        raise Http404
    initial = {
        "uscc": entity.uscc,
        "name": entity.name,
        "kind": entity.kind,
        "district": entity.district_id,
        "address": entity.address,
        "contact_name": entity.contact_name,
        "contact_phone": entity.contact_phone,
    }
    form = EntityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.entity_update(actor=request.user, entity=entity, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Entity updated."))
            return redirect("orgs:entity_detail", pk=entity.pk)
    return render(
        request, "orgs/entity_form.html", {"form": form, "title": _("Edit entity"), "entity": entity}
    )


@role_required(*WRITERS)
@require_POST
def certification_add(request: HttpRequest, pk: int) -> HttpResponse:
    entity = selectors.entity_get(user=request.user, pk=pk)
    if entity is None:
        raise Http404
    form = CertificationForm(request.POST)
    if form.is_valid():
        try:
            services.certification_add(actor=request.user, entity=entity, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
    if form.errors:
        return render(
            request,
            "orgs/entity_detail.html",
            {
                "entity": entity,
                "certifications": entity.certifications.all(),
                "can_write": True,
                "cert_form": form,
            },
            status=400,
        )
    messages.success(request, _("Certification added."))
    return redirect("orgs:entity_detail", pk=entity.pk)


@role_required(*WRITERS)
@require_POST
def certification_remove(request: HttpRequest, pk: int, cert_pk: int) -> HttpResponse:
    entity = selectors.entity_get(user=request.user, pk=pk)
    if entity is None:
        raise Http404
    cert = get_object_or_404(Certification, pk=cert_pk, entity=entity)
    services.certification_remove(actor=request.user, certification=cert)
    messages.success(request, _("Certification removed."))
    return redirect("orgs:entity_detail", pk=entity.pk)


@role_required(*WRITERS)
def entity_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload, SPREADSHEET_KINDS)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            result = import_entities(actor=request.user, stream=upload, filename=upload.name or "")
            if result.ok:
                messages.success(
                    request,
                    _(
                        "Imported: %(created)s entities created, %(updated)s updated, "
                        "%(certs)s certifications added."
                    )
                    % {"created": result.created, "updated": result.updated, "certs": result.certifications},
                )
                return redirect("orgs:entity_list")
    status = 400 if (form.errors or (result is not None and not result.ok)) else 200
    return render(request, "orgs/entity_import.html", {"form": form, "result": result}, status=status)


@role_required(*WRITERS)
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="entity-import-template.xlsx"'
    return response


@role_required(Role.APPLICANT)
def my_entity(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.entity_id is None:
        return render(request, "orgs/my_entity.html", {"entity": None, "pending": user.pending_entity})
    entity = selectors.entity_get(user=user, pk=user.entity_id)
    assert entity is not None
    form = EntityContactForm(
        request.POST or None,
        initial={
            "address": entity.address,
            "contact_name": entity.contact_name,
            "contact_phone": entity.contact_phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.entity_update_contact(actor=user, entity=entity, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Contact details saved."))
            return redirect("orgs:my_entity")
    return render(
        request,
        "orgs/my_entity.html",
        {"entity": entity, "form": form, "certifications": entity.certifications.all()},
    )


def department_list(request: HttpRequest) -> HttpResponse:
    filterset = DepartmentFilter(request.GET or None, queryset=selectors.department_list())
    return render(request, "orgs/department_list.html", {"filter": filterset})


def district_list(request: HttpRequest) -> HttpResponse:
    filterset = DistrictFilter(request.GET or None, queryset=selectors.district_list())
    return render(request, "orgs/district_list.html", {"filter": filterset})
