from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CertificationKind, CertificationLevel, EntityKind
from .models import District


class EntityForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntityKind.choices)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)


class EntityContactForm(forms.Form):
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CertificationKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=CertificationLevel.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    source = forms.CharField(
        label=_("Source"), max_length=300, help_text=_("The document or list that granted it.")
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
