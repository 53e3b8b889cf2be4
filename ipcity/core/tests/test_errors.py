"""The shared error hierarchy: status per kind, messages in both languages, one API shape, form errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcity.core.errors import NON_FIELD, Conflict, Invalid, NotAllowed, NotFound, add_to_form, api_body


def test_each_kind_carries_its_status():
    assert NotAllowed("role", "x").status == 403
    assert NotFound("missing", "x").status == 404
    assert Invalid("invalid", "x").status == 422
    assert Conflict("wrong_status", "x").status == 409


def test_message_reads_in_each_language_and_fills_parameters():
    err = Conflict("wrong_status", _("This action is not allowed for your role."))
    assert err.message_in("en") == "This action is not allowed for your role."
    assert err.message_in("zh-hans") != err.message_in("en")
    assert Conflict("x", "%(n)s left", params={"n": 3}).message == "3 left"


def test_api_body_lists_field_messages_for_422_and_a_message_otherwise():
    err = Invalid("invalid", "bad", fields={"amount": ["too big"]})
    assert api_body(err) == {
        "detail": [{"field": "amount", "message": "too big", "type": "invalid"}],
        "code": "invalid",
    }
    assert api_body(Invalid("invalid", "bad")) == {
        "detail": [{"field": "", "message": "bad", "type": "invalid"}],
        "code": "invalid",
    }
    assert api_body(Conflict("wrong_status", "not now")) == {"detail": "not now", "code": "wrong_status"}


def test_add_to_form_puts_messages_on_known_fields_and_the_rest_on_the_form():
    class F(forms.Form):
        amount = forms.CharField()

    form = F(data={"amount": "1"})
    form.is_valid()
    add_to_form(form, Invalid("invalid", "bad", fields={"amount": ["too big"], "other": ["odd"]}))
    assert form.errors["amount"] == ["too big"]
    assert form.errors[NON_FIELD] == ["odd"]


def test_django_refusals_become_domain_errors_with_the_same_messages():
    from django.core.exceptions import PermissionDenied, ValidationError

    from ipcity.core.errors import as_domain_error, message_text

    per_field = as_domain_error(ValidationError({"year": ["Enter a year."]}))
    assert isinstance(per_field, Invalid) and per_field.message_dict == {"year": ["Enter a year."]}
    whole = as_domain_error(ValidationError(["One.", "Two."]))
    assert whole.field_messages() == {NON_FIELD: ["One.", "Two."]} and message_text(whole) == "One. Two."
    denied = as_domain_error(PermissionDenied("Only the plan office."))
    assert (
        isinstance(denied, NotAllowed) and denied.status == 403 and denied.message == "Only the plan office."
    )
    assert isinstance(NotAllowed("role", "x"), PermissionDenied)  # a page that does not catch it answers 403


def test_full_clean_raises_invalid_with_the_model_field_messages():
    import pytest

    from ipcity.core.errors import full_clean
    from ipcity.orgs.models import District

    with pytest.raises(Invalid) as info:
        full_clean(District(code="", name="", kind="district"))
    assert {"code", "name"} <= set(info.value.fields) and info.value.status == 422
