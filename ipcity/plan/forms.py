"""Plan-office forms: indicator values, work points, commendations. Validation messages are per field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcity.orgs.models import Department, District

from .choices import CommendationKind
from .models import Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Bootstrap(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class IndicatorValueForm(_Bootstrap):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("As of"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=4)
    source = forms.CharField(label=_("Source"), max_length=300)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WorkPointForm(_Bootstrap):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Work point"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    department = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Department.objects.none())
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(assignments__task=task).order_by("assignments__order")
        self.fields["department"].queryset = units  # type: ignore[attr-defined]


class CommendationForm(_Bootstrap):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CommendationKind.choices)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    person_name = forms.CharField(label=_("Person"), max_length=100, required=False)
    person_unit = forms.CharField(label=_("Person's unit"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.CharField(label=_("Document"), max_length=200, required=False)
    awarded_on = forms.DateField(label=_("Date"), widget=DATE)
