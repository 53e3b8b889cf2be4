"""/api/patents: search, one patent with its high-value determination at a date, and the KPIs.

Route order matters: /kpi and /high-value are declared before /{number} so they are not taken for
application numbers."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ipcity.core.errors import Invalid, NotFound
from ipcity.core.identifiers import patent_number
from ipcity.core.pagination import BoundedLimitOffsetPagination
from ipcity.orgs.models import District

from . import kpi as kpi_mod
from .analysis import evaluate
from .choices import ErrorCode
from .filters import PatentFilter
from .models import Patent
from .params import current as current_params
from .selectors import patent_by_number, patents_for

router = Router(tags=["patents"])


class CriterionOut(Schema):
    code: str
    met: bool
    since: dt.date | None
    explanation: str


class PatentOut(Schema):
    application_number: str
    type: str
    title: str
    filing_date: dt.date
    grant_date: dt.date | None
    legal_status: str
    ipc_main: str
    ipc: list[str]
    holders: str
    district: str | None
    sei: list[str]
    patent_intensive: str
    overseas_family_granted: bool
    date: dt.date
    is_valid: bool
    is_high_value: bool
    high_value_criteria: list[str]
    criteria: list[CriterionOut]
    summary: str


class PatentListItem(Schema):
    application_number: str
    type: str
    title: str
    filing_date: dt.date
    grant_date: dt.date | None
    legal_status: str
    ipc_main: str
    holders: str
    district: str | None
    sei: list[str]

    @staticmethod
    def resolve_district(obj: Patent) -> str | None:
        return obj.district.name if obj.district else None

    @staticmethod
    def resolve_sei(obj: Patent) -> list[str]:
        return obj.sei_list


class KpiOut(Schema):
    date: dt.date
    district: str | None
    district_code: str | None
    valid_invention_patents: int
    high_value_invention_patents: int
    population: int | None
    population_year: int | None
    population_basis: str
    population_source: str
    valid_invention_per_10k: float | None
    high_value_per_10k: float | None
    computed_at: dt.datetime
    source: str


def patent_out(patent: Patent, date: dt.date) -> dict[str, Any]:
    result = evaluate(patent, date, current_params())
    return {
        "application_number": patent.application_number,
        "type": patent.type,
        "title": patent.title,
        "filing_date": patent.filing_date,
        "grant_date": patent.grant_date,
        "legal_status": patent.legal_status,
        "ipc_main": patent.ipc_main,
        "ipc": patent.ipc_list,
        "holders": patent.holders,
        "district": patent.district.name if patent.district else None,
        "sei": patent.sei_list,
        "patent_intensive": patent.patent_intensive,
        "overseas_family_granted": patent.overseas_family_granted,
        "date": date,
        "is_valid": result.is_valid,
        "is_high_value": result.is_high_value,
        "high_value_criteria": result.met if result.is_high_value else [],
        "criteria": [
            {"code": c.code, "met": c.met, "since": c.since, "explanation": c.explanation}
            for c in result.criteria
        ],
        "summary": result.summary,
    }


def _invalid(*errors: tuple[str, str]) -> Invalid:
    """Bad query parameters, one message per (field, message) pair (422, config/api.py)."""
    fields: dict[str, list[str]] = {}
    for field, message in errors:
        fields.setdefault(field, []).append(message)
    return Invalid(ErrorCode.INVALID, " ".join(m for _f, m in errors), fields=fields)


def _district(text: str | None) -> District | None:
    if not text:
        return None
    found = District.objects.filter(code=text).first() or District.objects.filter(name=text).first()
    if found is None:
        raise _invalid(("district", _("Unknown district: %(value)s.") % {"value": text}))
    return found


@router.get("/kpi", response=KpiOut, summary="KPIs per 10,000 people (city, or one district)")
def kpi(request: HttpRequest, date: dt.date | None = None, district: str | None = None) -> dict[str, Any]:
    day = date or timezone.localdate()
    found = _district(district)
    row = kpi_mod.kpi_at(day, district=found)
    return {
        "date": day,
        "district": row.name if found else None,
        "district_code": found.code if found else None,
        "valid_invention_patents": row.valid,
        "high_value_invention_patents": row.high_value,
        "population": row.population,
        "population_year": row.population_year,
        "population_basis": row.population_basis,
        "population_source": row.population_source,
        "valid_invention_per_10k": float(row.valid_per_10k) if row.valid_per_10k is not None else None,
        "high_value_per_10k": float(row.high_value_per_10k) if row.high_value_per_10k is not None else None,
        "computed_at": timezone.now(),
        "source": "ipcity patent registry (KPI ledger of valid and high-value domestic invention patents)",
    }


class FilterParams(Schema):
    q: str | None = None
    number: str | None = None
    title: str | None = None
    holder: str | None = None
    ipc: str | None = None
    sei: str | None = None
    district: str | None = None
    type: str | None = None
    legal_status: str | None = None
    patent_intensive: str | None = None
    high_value: bool | None = None
    date: dt.date | None = None


def _filtered(request: HttpRequest, filters: FilterParams) -> Any:
    data = {
        k: ("true" if v is True else "false" if v is False else str(v))
        for k, v in filters.dict().items()
        if v is not None
    }
    filterset = PatentFilter(data, queryset=patents_for(request.user))
    if not filterset.is_valid():
        raise _invalid(
            *[(field, " ".join(str(m) for m in messages)) for field, messages in filterset.errors.items()]
        )
    return filterset.qs


@router.get("/", response=list[PatentListItem], summary="Search patents (the same filters as the page)")
@paginate(BoundedLimitOffsetPagination)
def patent_list(request: HttpRequest, filters: Query[FilterParams]) -> Any:
    return _filtered(request, filters)


@router.get("/{number}", response=PatentOut, summary="One patent with its high-value determination at a date")
def patent_detail(request: HttpRequest, number: str, date: dt.date | None = None) -> dict[str, Any]:
    try:
        patent = patent_by_number(request.user, number)
    except patent_number.InvalidPatentNumber as exc:
        raise _invalid(
            ("number", _("Not a valid patent application number (%(reason)s).") % {"reason": exc})
        ) from None
    if patent is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("No patent with this application number is in the registry."))
    return patent_out(patent, date or timezone.localdate())
