"""Forms for progress reporting pages. They parse input; report_services decides and writes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcity.plan.choices import PeriodFrequency, TaskStatus
from ipcity.plan.models import WorkPoint


def parse_figures(text: str) -> list[dict[str, str]]:
    """One figure per line: `name = value unit`, e.g. `审结案件 = 15 件`."""
    figures = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if "=" not in line:
            raise forms.ValidationError(
                _("Line %(n)s: write a figure as “name = value unit”, e.g. “审结案件 = 15 件”.") % {"n": n}
            )
        name, rest = (part.strip() for part in line.split("=", 1))
        value, _sep, unit = rest.partition(" ")
        try:
            Decimal(value)
        except InvalidOperation:
            raise forms.ValidationError(
                _("Line %(n)s: the value “%(value)s” is not a number.") % {"n": n, "value": value}
            ) from None
        if not name:
            raise forms.ValidationError(_("Line %(n)s: the figure needs a name.") % {"n": n})
        figures.append({"name": name, "value": value, "unit": unit.strip()})
    return figures


def figures_text(figures: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{f.get('name', '')} = {f.get('value', '')} {f.get('unit', '')}".rstrip() for f in figures or []
    )


class ReportForm(forms.Form):
    progress = forms.ChoiceField(
        label=_("Task status"), choices=TaskStatus.choices, initial=TaskStatus.ON_TRACK
    )
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100, initial=0)
    narrative = forms.CharField(
        label=_("Progress this period"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("What was done, what is planned next, problems met."),
    )
    figures = forms.CharField(
        label=_("Figures achieved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "审结案件 = 15 件"}),
        help_text=_("One per line: name = value unit."),
    )
    work_point = forms.ModelChoiceField(
        label=_("Work point"), queryset=WorkPoint.objects.none(), required=False
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_(
            "PDF, PNG, JPEG, XLSX or DOCX. You can add more files later while the report is a draft."
        ),
    )

    def __init__(self, *args: Any, task: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if task is not None:
            wp_field: Any = self.fields["work_point"]
            wp_field.queryset = WorkPoint.objects.filter(task=task)
        for name, field in self.fields.items():
            css = "form-select" if name in {"progress", "work_point"} else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"id_{name}")

    def clean_figures(self) -> list[dict[str, str]]:
        return parse_figures(self.cleaned_data.get("figures", ""))


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )
    make_public = forms.BooleanField(label=_("Publish on the public plan pages"), required=False)


class ReportingSettingsForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Reporting frequency"),
        choices=PeriodFrequency.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    due_days = forms.IntegerField(
        label=_("Reports are due this many days after a period ends"),
        min_value=0,
        max_value=90,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )
