from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ipcity.core.uploads import CSV, OFFICE_ZIP, FileKind, check_upload
from ipcity.orgs.models import District, Entity

from .choices import PopulationBasis
from .importing import available_mappings

JSONL = FileKind((".jsonl", ".ndjson"), ())
IMPORT_KINDS = (OFFICE_ZIP, CSV, JSONL)
IMPORT_MAX_BYTES = 2 * 1024 * 1024 * 1024  # the import streams; only the upload size is limited


class BootstrapForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ImportForm(BootstrapForm):
    file = forms.FileField(label=_("File (.csv, .xlsx or .jsonl)"))
    mapping = forms.ChoiceField(label=_("Column mapping"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = [  # type: ignore[attr-defined]
            (m, m) for m in available_mappings()
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if (upload.name or "").lower().endswith(".xls"):
            raise ValidationError(_("Old .xls files are not supported: save the file as .xlsx or .csv."))
        check_upload(upload, IMPORT_KINDS, max_bytes=IMPORT_MAX_BYTES)
        return upload


class PopulationForm(BootstrapForm):
    district = forms.ModelChoiceField(
        label=_("District (empty: the whole city)"), queryset=District.objects.all(), required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100)
    population = forms.IntegerField(label=_("Population (persons)"), min_value=1, max_value=2_000_000_000)
    basis = forms.ChoiceField(label=_("Basis"), choices=PopulationBasis.choices)
    source = forms.CharField(label=_("Source"), max_length=300)


class ProjectForm(BootstrapForm):
    name = forms.CharField(label=_("Project"), max_length=300)
    platform = forms.CharField(label=_("Platform"), max_length=200)
    responsible_entity = forms.ModelChoiceField(
        label=_("Responsible entity"), queryset=Entity.objects.all(), required=False
    )
    responsible_name = forms.CharField(
        label=_("Responsible unit (if not registered)"), max_length=200, required=False
    )
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False)
    is_fast_track = forms.BooleanField(label=_("Fast track (priority platform)"), required=False)
    start_year = forms.IntegerField(label=_("Start year"), min_value=2000, max_value=2100)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    patents = forms.CharField(
        label=_("Linked patents (application numbers, one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_patents(self) -> list[str]:
        text = self.cleaned_data.get("patents") or ""
        return [t.strip() for t in text.replace(",", "\n").replace(";", "\n").splitlines() if t.strip()]
