"""Forms. The application form is generated from the scheme's FactSpecs (labels and help from the clause)."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ipcity.core.money import InvalidMoney, parse_money
from ipcity.core.pagination import MAX_SQL_INT
from ipcity.orgs.models import Department

from . import engine


def _en() -> bool:
    return (get_language() or "zh").startswith("en")


def _label(spec: Any) -> str:
    return str((spec.label_en if _en() else spec.label_zh) or spec.name)


def _help(spec: Any, clause: str) -> str:
    text = str((spec.help_en if _en() else spec.help_zh) or "")
    cite = _("Clause %(clause)s") % {"clause": clause}
    return f"{text} ({cite})" if text else cite


class MoneyField(forms.CharField):
    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return parse_money(value)
        except InvalidMoney:
            raise forms.ValidationError(
                _("Enter an amount in yuan with at most 2 decimal places."), code="money"
            ) from None


class ItemsField(forms.CharField):
    """Per-item schemes: one requested amount per line (or JSON for items with several facts)."""

    def __init__(self, *args: Any, item_names: list[str], **kwargs: Any) -> None:
        self.item_names = item_names
        super().__init__(*args, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)

    def _well_formed(self, items: Any) -> bool:
        """A list of objects of the scheme's item facts with scalar values: anything else was saved as a
        draft's facts (and a NUL written as \\u0000 is refused by PostgreSQL's jsonb, a 500)."""

        def scalar(v: Any) -> bool:
            if isinstance(v, str):
                return "\x00" not in v
            return isinstance(v, int) or (isinstance(v, float) and math.isfinite(v))

        names = self.item_names or ["requested_amount"]
        return isinstance(items, list) and all(
            isinstance(item, dict) and all(k in names and scalar(v) for k, v in item.items())
            for item in items
        )

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return []
        if value.strip().startswith("["):
            try:
                items = json.loads(value)
            except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested thousands deep
                raise forms.ValidationError(_("Enter one amount per line."), code="items") from None
            if not self._well_formed(items):
                raise forms.ValidationError(_("Enter one amount per line."), code="items")
            return items
        name = self.item_names[0] if self.item_names else "requested_amount"
        items = []
        for line in value.splitlines():
            if line.strip():
                try:
                    items.append({name: str(parse_money(line.strip()))})
                except InvalidMoney:
                    raise forms.ValidationError(
                        _("Line “%(line)s” is not an amount in yuan.") % {"line": line.strip()}, code="items"
                    ) from None
        return items


def fact_field(spec: Any, clause: str) -> forms.Field:
    common: dict[str, Any] = {"label": _label(spec), "help_text": _help(spec, clause), "required": False}
    kind = spec.type
    field: forms.Field
    if kind == "money":
        field = MoneyField(**common)
    elif kind == "rate":
        field = forms.DecimalField(max_digits=8, decimal_places=6, **common)
    elif kind == "int":
        field = forms.IntegerField(min_value=0, **common)
    elif kind == "bool":
        field = forms.BooleanField(**common)
    elif kind == "date":
        field = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), **common)
    elif kind == "choice":
        labels = spec.choice_labels_en if _en() else spec.choice_labels_zh
        field = forms.ChoiceField(
            choices=[("", "—")] + [(c, labels.get(c, c)) for c in spec.choices], **common
        )
    elif kind == "items":
        names = [f.name for f in getattr(spec, "item_facts", ())]
        field = ItemsField(item_names=names, **common)
    else:
        field = forms.CharField(**common)
    field.widget.attrs.setdefault("class", "form-check-input" if kind == "bool" else "form-control")
    if spec.required and kind != "bool":
        field.label = f"{field.label} *"
    return field


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class ApplicationForm(forms.Form):
    """Subject reference, entitlement date and the scheme's own facts (platform facts are never asked)."""

    title = forms.CharField(label=gettext_lazy("Project title"), max_length=200, required=False)
    subject_ref = forms.CharField(label=gettext_lazy("Subject reference"), max_length=200)
    entitlement_date = forms.DateField(
        label=gettext_lazy("Date the entitlement arose"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=gettext_lazy("e.g. the date of the certificate, the judgment or the loan"),
    )

    def __init__(self, *args: Any, scheme_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme_id = scheme_id
        scheme = engine.scheme(scheme_id)
        clause = getattr(scheme, "clause", "")
        subject = getattr(scheme, "subject", {}) or {}
        label = subject.get("label_en" if _en() else "label_zh")
        if label:
            self.fields["subject_ref"].label = label
            self.fields["subject_ref"].help_text = _(
                "One entity can hold only one live application per scheme and %(what)s."
            ) % {"what": label}
        self.fact_names: list[str] = []
        for spec in engine.applicant_facts(scheme_id):
            self.fields[f"fact_{spec.name}"] = fact_field(spec, clause)
            self.fact_names.append(spec.name)
        for name, field in self.fields.items():
            if not name.startswith("fact_"):
                field.widget.attrs.setdefault("class", "form-control")

    @classmethod
    def initial_from(cls, application: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": application.title,
            "subject_ref": application.subject_ref,
            "entitlement_date": application.entitlement_date,
        }
        for name, value in (application.facts or {}).items():
            if name == "items" and isinstance(value, list):
                if all(isinstance(i, dict) and len(i) == 1 for i in value):
                    data["fact_items"] = "\n".join(str(next(iter(i.values()))) for i in value)
                else:
                    data["fact_items"] = json.dumps(value, ensure_ascii=False)
            else:
                data[f"fact_{name}"] = value
        return data

    def facts(self) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        for name in self.fact_names:
            value = self.cleaned_data.get(f"fact_{name}")
            if value in (None, "") or value == []:
                continue
            facts[name] = _jsonable(value)
        return facts

    def field_for(self, key: str) -> str:
        """The form field showing an engine's or service's field key ("facts.legal_fees" → "fact_legal_fees")."""
        name = key.split(".")[1] if key.startswith("facts.") else key
        return f"fact_{name}" if f"fact_{name}" in self.fields else name


class AttachmentForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("Kind"))
    file = forms.FileField(label=gettext_lazy("File"), help_text=gettext_lazy("PDF, PNG, JPEG, XLSX or DOCX"))

    def __init__(self, *args: Any, call: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key = "label_en" if _en() else "label_zh"
        self.fields["code"].choices = [  # type: ignore[attr-defined]
            (a["code"], a.get(key) or a["code"]) for a in call.attachment_items
        ] + [("other", _("Other"))]
        self.fields["code"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    amount = forms.CharField(label=gettext_lazy("Amount (yuan)"), required=False)

    def clean_amount(self) -> Decimal | None:
        value = self.cleaned_data.get("amount")
        if not value:
            return None
        try:
            return parse_money(value)
        except InvalidMoney:
            raise forms.ValidationError(_("Enter an amount in yuan with at most 2 decimal places.")) from None


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=gettext_lazy("Payment date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    amount = forms.CharField(label=gettext_lazy("Amount (yuan)"))
    voucher = forms.CharField(label=gettext_lazy("Voucher number"), max_length=60)

    def clean_amount(self) -> Decimal:
        try:
            return parse_money(self.cleaned_data["amount"])
        except InvalidMoney:
            raise forms.ValidationError(_("Enter an amount in yuan with at most 2 decimal places.")) from None


class ObjectionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=100)
    contact = forms.CharField(label=gettext_lazy("Contact (phone or e-mail)"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("Objection"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ResolveForm(forms.Form):
    uphold = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("0", gettext_lazy("Dismiss: the award stands")),
            ("1", gettext_lazy("Uphold: revoke the award")),
        ],
        coerce=lambda v: v == "1",
    )
    resolution = forms.CharField(label=gettext_lazy("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """An id beyond a 64-bit integer is an invalid choice, not an overflow in the database driver (a 500):
    Django sends the `pk__in` values as typed."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                too_large = abs(int(str(pk))) > MAX_SQL_INT
            except ValueError:
                continue  # Django refuses it itself (invalid_pk_value)
            if too_large:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)


class CallForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    title_en = forms.CharField(label=gettext_lazy("English title"), max_length=300, required=False)
    year = forms.IntegerField(label=gettext_lazy("Budget year"), min_value=2000, max_value=2100)
    schemes = forms.MultipleChoiceField(label=gettext_lazy("Schemes"), widget=forms.CheckboxSelectMultiple)
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens at"),
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes at"),
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    budget = forms.CharField(label=gettext_lazy("Budget (yuan)"))
    reviewing_departments = BoundedModelMultipleChoiceField(
        label=gettext_lazy("Reviewing departments"), queryset=Department.objects.filter(is_active=True)
    )
    required_attachments = forms.CharField(
        label=gettext_lazy("Required attachments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line: code | Chinese name | English name"),
    )
    rules_zh = forms.CharField(
        label=gettext_lazy("Rules (Chinese)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    rules_en = forms.CharField(
        label=gettext_lazy("Rules (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    announcement_days = forms.IntegerField(
        label=gettext_lazy("Announcement period (working days)"), initial=5, min_value=1, max_value=30
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schemes"].choices = [  # type: ignore[attr-defined]
            (s, engine.scheme_title(s, "en" if _en() else "zh")) for s in engine.scheme_ids()
        ]
        for name, field in self.fields.items():
            if name != "schemes":
                field.widget.attrs.setdefault("class", "form-control")

    def clean_budget(self) -> Decimal:
        try:
            return parse_money(self.cleaned_data["budget"])
        except InvalidMoney:
            raise forms.ValidationError(_("Enter an amount in yuan with at most 2 decimal places.")) from None

    def clean_required_attachments(self) -> list[dict[str, str]]:
        rows = []
        for line in (self.cleaned_data.get("required_attachments") or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if not parts[0].isidentifier():
                raise forms.ValidationError(
                    _("Line “%(line)s”: the code must be letters, digits or _.") % {"line": line}
                )
            rows.append(
                {
                    "code": parts[0],
                    "label_zh": parts[1] if len(parts) > 1 else parts[0],
                    "label_en": parts[2] if len(parts) > 2 else parts[0],
                }
            )
        return rows
