"""One FilterSet per listed model, shared by the pages, the API and the CSV export (STYLE rule 9)."""

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import CertificationKind, CertificationLevel, DistrictKind, EntityKind
from .models import Certification, Department, District, Entity


class EntityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EntityKind.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=District.objects.all())
    certification = django_filters.ChoiceFilter(
        label=_("Certification"), choices=CertificationKind.choices, method="certified"
    )
    is_demo = django_filters.BooleanFilter(label=_("Demo data"))

    class Meta:
        model = Entity
        fields = ["q", "kind", "district", "certification", "is_demo"]

    def search(self, queryset: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))

    def certified(self, queryset: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        if not value:
            return queryset
        # Exists, not a join: a join would repeat rows and inflate the list's certification counts.
        return queryset.filter(Exists(Certification.objects.filter(entity=OuterRef("pk"), kind=value)))


class CertificationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CertificationKind.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=CertificationLevel.choices)
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = Certification
        fields = ["kind", "level", "year"]


class DepartmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search")
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Department
        fields = ["q", "is_active"]

    def search(self, queryset: QuerySet[Department], name: str, value: str) -> QuerySet[Department]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value)) if value else queryset


class DistrictFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DistrictKind.choices)

    class Meta:
        model = District
        fields = ["kind"]
