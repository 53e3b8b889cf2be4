"""One FilterSet per listed model, shared by the pages, the API and the exports (STYLE rule 9)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ipcity.core.pagination import MAX_SQL_INT

from .choices import ApplicationStatus, CallStatus
from .models import Application, Call


class ApplicationFilter(django_filters.FilterSet):
    # Bounded: a call id beyond a 64-bit integer overflows the database driver (a 500).
    call = django_filters.NumberFilter(
        field_name="call_id", label=_("call"), min_value=1, max_value=MAX_SQL_INT
    )
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("status"))
    scheme_id = django_filters.CharFilter(label=_("scheme"))
    year = django_filters.NumberFilter(field_name="call__year", label=_("year"))
    q = django_filters.CharFilter(method="search", label=_("search"))

    class Meta:
        model = Application
        fields = ["call", "status", "scheme_id", "year", "q"]

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        value = value.strip()
        if not value:
            return queryset
        query = Q(entity__name__icontains=value) | Q(subject_ref__icontains=value) | Q(title__icontains=value)
        # ASCII digits only: "²".isdigit() is true but int("²") raises.
        if value.isascii() and value.isdigit():
            query |= Q(pk=int(value))
        return queryset.filter(query)


class CallFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CallStatus.choices, label=_("status"))
    year = django_filters.NumberFilter(label=_("year"))

    class Meta:
        model = Call
        fields = ["status", "year"]
