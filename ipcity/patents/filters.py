"""The one FilterSet of patents, shared by the search page, the API and the Excel export (STYLE rule 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipcity.core.identifiers import patent_number
from ipcity.orgs.models import District

from .choices import LegalStatus, PatentIntensive, PatentType
from .models import Patent


def alive_on(date: dt.date) -> Q:
    return Q(valid_from__lte=date) & (Q(valid_until__isnull=True) | Q(valid_until__gt=date))


def high_value_on(date: dt.date) -> Q:
    return alive_on(date) & Q(hv_from__lte=date)


class PatentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number, title or holder"), method="filter_q")
    number = django_filters.CharFilter(label=_("Application number"), method="filter_number")
    title = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    holder = django_filters.CharFilter(label=_("Holder"), field_name="holders", lookup_expr="icontains")
    ipc = django_filters.CharFilter(label=_("IPC (prefix, e.g. G06F)"), method="filter_ipc")
    sei = django_filters.CharFilter(label=_("SEI code (e.g. 1.5)"), method="filter_sei")
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), to_field_name="code"
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=PatentType.choices)
    legal_status = django_filters.ChoiceFilter(label=_("Legal status"), choices=LegalStatus.choices)
    patent_intensive = django_filters.ChoiceFilter(
        label=_("Patent-intensive industry"), choices=[c for c in PatentIntensive.choices if c[0]]
    )
    high_value = django_filters.BooleanFilter(label=_("High-value on the date"), method="filter_high_value")
    date = django_filters.DateFilter(label=_("Reference date"), method="filter_noop")

    class Meta:
        model = Patent
        fields: list[str] = []

    def reference_date(self) -> dt.date:
        value = self.form.cleaned_data.get("date") if hasattr(self.form, "cleaned_data") else None
        return value or timezone.localdate()

    def filter_noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        try:
            return queryset.filter(application_number=patent_number.validate(value))
        except patent_number.InvalidPatentNumber:
            return queryset.filter(Q(title__icontains=value) | Q(holders__icontains=value))

    def filter_number(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        try:
            return queryset.filter(application_number=patent_number.validate(value))
        except patent_number.InvalidPatentNumber:
            digits = "".join(ch for ch in value if ch.isdigit())
            return queryset.filter(application_number__startswith=digits) if digits else queryset.none()

    def filter_ipc(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        prefix = "".join(value.split()).upper()
        if not prefix:
            return queryset
        return queryset.filter(Q(ipc_main__startswith=prefix) | Q(ipc__contains=prefix))

    def filter_sei(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        code = value.strip()
        if not code:
            return queryset
        if "." in code:
            return queryset.filter(sei_codes__contains=f"|{code}|")
        return queryset.filter(sei_codes__contains=f"|{code}.")

    def filter_high_value(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        condition = high_value_on(self.reference_date()) & Q(type=PatentType.INVENTION)
        return queryset.filter(condition) if value else queryset.exclude(condition)
