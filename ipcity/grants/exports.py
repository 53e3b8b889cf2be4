"""Excel exports of a call's applications and awards (the same FilterSet as the pages and API)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ipcity.core.excel import append_row

from . import engine
from .choices import AWARDED_STATUSES, ApplicationStatus
from .models import Application, Call

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _response(wb: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _money(value: Any) -> float | None:
    # openpyxl stores numbers; the Decimal has 2 places, shown with a 0.00 format.
    return None if value is None else float(value)


def applications_xlsx(call: Call, queryset: QuerySet[Application]) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "applications"
    append_row(
        ws,
        [
            _("No."),
            _("entity"),
            _("unified social credit code"),
            _("district"),
            _("scheme"),
            _("subject reference"),
            _("status"),
            _("computed amount"),
            _("amount proposed by the reviewer"),
            _("approved amount"),
            _("submitted at"),
        ],
    )
    for app in queryset.select_related("entity", "entity__district").order_by("id").iterator(chunk_size=2000):
        append_row(
            ws,
            [
                app.pk,
                app.entity.name,
                app.entity.uscc,
                app.entity.district.name if app.entity.district else "",
                engine.scheme_title(app.scheme_id),
                app.subject_ref,
                str(ApplicationStatus(app.status).label),
                _money(app.computed_amount),
                _money(app.proposed_amount),
                _money(app.approved_amount),
                app.submitted_at.isoformat() if app.submitted_at else "",
            ],
        )
    for col in "HIJ":
        for cell in ws[col][1:]:
            cell.number_format = "#,##0.00"
    return _response(wb, f"call-{call.pk}-applications.xlsx")


def awards_xlsx(call: Call, queryset: QuerySet[Application]) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "awards"
    append_row(
        ws,
        [
            _("No."),
            _("entity"),
            _("unified social credit code"),
            _("scheme"),
            _("approved amount"),
            _("status"),
            _("announced from"),
            _("announced until"),
            _("payment date"),
            _("voucher number"),
        ],
    )
    rows = queryset.filter(status__in=AWARDED_STATUSES).select_related("entity", "payment").order_by("id")
    for app in rows:
        payment = getattr(app, "payment", None)
        append_row(
            ws,
            [
                app.pk,
                app.entity.name,
                app.entity.uscc,
                engine.scheme_title(app.scheme_id),
                _money(app.approved_amount),
                str(ApplicationStatus(app.status).label),
                app.announced_from.isoformat() if app.announced_from else "",
                app.announced_until.isoformat() if app.announced_until else "",
                payment.paid_on.isoformat() if payment else "",
                payment.voucher if payment else "",
            ],
        )
    for cell in ws["E"][1:]:
        cell.number_format = "#,##0.00"
    return _response(wb, f"call-{call.pk}-awards.xlsx")
