"""The FilterSet for the audit trail (page and any export)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="istartswith")
    object_type = django_filters.CharFilter(label=_("Object type"), lookup_expr="iexact")
    object_id = django_filters.CharFilter(label=_("Object id"))
    actor = django_filters.CharFilter(label=_("Actor"), field_name="actor_repr", lookup_expr="icontains")
    date_from = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")
    request_id = django_filters.CharFilter(label=_("Request id"), method="by_request")

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "object_id", "actor", "date_from", "date_to", "request_id"]

    def by_request(self, queryset: QuerySet[AuditEntry], name: str, value: str) -> QuerySet[AuditEntry]:
        value = value.strip()
        return queryset.filter(request_id=value) if value else queryset
