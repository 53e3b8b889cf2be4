"""The calculator form, built from a scheme's facts. Values are handed to the engine as typed, so the
engine's per-field messages (both languages) are the ones the page shows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .engine import FactSpec, Scheme


def english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def label(spec: FactSpec) -> str:
    return spec.label_en if english() else spec.label_zh


class CalculatorForm(forms.Form):
    date = forms.CharField(
        label=_("Date the entitlement arises"),
        help_text=_("Recognition, certificate, loan start or issuance date, as YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        for spec in scheme.facts:
            self.fields[f"fact_{spec.name}"] = self._field(spec)

    @staticmethod
    def _field(spec: FactSpec) -> forms.Field:
        help_text = spec.help_en if english() else spec.help_zh
        common: dict[str, Any] = {"label": label(spec), "required": False, "help_text": help_text}
        if spec.type == "bool":
            return forms.ChoiceField(
                choices=[("", _("(not stated)")), ("true", _("Yes")), ("false", _("No"))], **common
            )
        if spec.type == "choice":
            labels = spec.choice_labels_en if english() else spec.choice_labels_zh
            return forms.ChoiceField(
                choices=[("", "—")] + [(c, labels.get(c, c)) for c in spec.choices], **common
            )
        if spec.type == "items":
            common["help_text"] = _("One requested amount in yuan per line, e.g. 25000.00")
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
        if spec.type == "date":
            return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)

    def payload(self) -> dict[str, Any]:
        """The request for the engine, from the raw values: empty fields are left out."""
        data = self.data
        facts: dict[str, Any] = {}
        for spec in self.scheme.facts:
            raw = (data.get(f"fact_{spec.name}") or "").strip()
            if not raw:
                continue
            if spec.type == "items":
                facts[spec.name] = [
                    {"requested_amount": line.strip()} for line in raw.splitlines() if line.strip()
                ]
            else:
                facts[spec.name] = raw
        return {"scheme": self.scheme.id, "date": (data.get("date") or "").strip(), "facts": facts}

    def add_engine_errors(self, detail: list[dict[str, Any]]) -> None:
        for error in detail:
            parts = error["field"].split(".")
            name = "date" if parts[0] == "date" else f"fact_{parts[1]}" if len(parts) > 1 else None
            message = error["message"]
            if len(parts) > 3:  # an item: facts.items.0.requested_amount
                message = _("Line %(line)s: %(message)s") % {"line": int(parts[2]) + 1, "message": message}
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, f"{error['field']}: {message}")


REFORM_ROWS = 3


class SimulationForm(forms.Form):
    """A batch of applications and up to three parameter changes ("what if …")."""

    file = forms.FileField(
        label=_("Applications (JSON, CSV or Excel)"),
        help_text=_(
            'Columns: scheme, date, and one column per fact; items as JSON, e.g. [{"requested_amount": "25000"}].'
        ),
    )

    def __init__(self, *args: Any, schemes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(REFORM_ROWS):
            self.fields[f"scheme_{row}"] = forms.ChoiceField(
                label=_("Scheme"), required=False, choices=[("", "—"), *schemes]
            )
            self.fields[f"parameter_{row}"] = forms.CharField(
                label=_("Parameter"), required=False, max_length=60
            )
            self.fields[f"value_{row}"] = forms.CharField(label=_("New value"), required=False, max_length=30)
            self.fields[f"from_{row}"] = forms.CharField(
                label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields[f"until_{row}"] = forms.CharField(
                label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{name}_{row}"] for name in ("scheme", "parameter", "value", "from", "until")]
            for row in range(REFORM_ROWS)
        ]

    def reform(self) -> list[dict[str, Any]]:
        changes = []
        for row in range(REFORM_ROWS):
            scheme = self.cleaned_data.get(f"scheme_{row}")
            if not scheme:
                continue
            value = (self.cleaned_data.get(f"value_{row}") or "").strip()
            changes.append(
                {
                    "scheme": scheme,
                    "parameter": (self.cleaned_data.get(f"parameter_{row}") or "").strip(),
                    "value": value or None,
                    "from": (self.cleaned_data.get(f"from_{row}") or "").strip() or None,
                    "until": (self.cleaned_data.get(f"until_{row}") or "").strip() or None,
                }
            )
        return changes

    def add_engine_errors(self, detail: list[dict[str, Any]]) -> None:
        names = {
            "scheme": "scheme",
            "parameter": "parameter",
            "value": "value",
            "from": "from",
            "until": "until",
        }
        for error in detail:
            parts = error["field"].split(".")
            if parts[0] == "reform" and len(parts) >= 3 and parts[1].isdigit():
                index = self._row_of_change(int(parts[1]))
                field = f"{names.get(parts[2], 'value')}_{index}"
                if field in self.fields:
                    self.add_error(field, error["message"])
                    continue
            if parts[0] == "file":
                self.add_error("file", error["message"])
                continue
            self.add_error(None, f"{error['field']}: {error['message']}")

    def _row_of_change(self, change: int) -> int:
        """The form row of the n-th non-empty change."""
        seen = -1
        for row in range(REFORM_ROWS):
            if self.cleaned_data.get(f"scheme_{row}"):
                seen += 1
                if seen == change:
                    return row
        return 0
