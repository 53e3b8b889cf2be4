from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from ipcity.orgs.choices import EntityKind
from ipcity.orgs.models import Department, District, Entity

from .choices import Role


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        help_text=_("Required for plan office, department and finance users."),
    )
    entity = forms.ModelChoiceField(
        label=_("Entity"),
        queryset=Entity.objects.all(),
        required=False,
        help_text=_("Required for applicants."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=password_validation.password_validators_help_text_html(),
    )


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    entity = forms.ModelChoiceField(label=_("Entity"), queryset=Entity.objects.all(), required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=password_validation.password_validators_help_text_html(),
    )


class RegistrationForm(forms.Form):
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, as on the business licence."),
    )
    entity_name = forms.CharField(
        label=_("Entity name"),
        max_length=200,
        required=False,
        help_text=_("Needed only if the entity is not registered yet."),
    )
    entity_kind = forms.ChoiceField(
        label=_("Entity kind"), choices=[("", "---------"), *EntityKind.choices], required=False
    )
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    display_name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput(render_value=False))
    licence = forms.FileField(
        label=_("Business licence"),
        required=False,
        help_text=_(
            "A scan or photo of the business licence (PDF, PNG or JPEG). The plan office checks it before "
            "confirming that you act for the entity; without it, they contact the entity first."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data


class PendingDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("confirm", _("Confirm")), ("reject", _("Refuse"))]
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("What you checked (confirming), or why the request is refused (required when refusing)."),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. “reporting script”.")
    )
