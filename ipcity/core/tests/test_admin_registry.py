"""The admin site has no object scopes, so it shows only what the `admin` role needs: accounts, the
organisations, the plan's structure, the classification rules and login throttling records. Business data
is reached only through the product's scoped pages (docs/adr/0004, security review issue 8, finding 7)."""

from django.contrib import admin

# Changing this set is a decision: say why in docs/adr/0004 ("What the admin site shows").
ALLOWED = {
    "accounts.AccountChangeRequest",
    "accounts.ApiToken",
    "accounts.User",
    "auth.Group",
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "orgs.Department",
    "orgs.District",
    "orgs.Entity",
    "patents.SeiRule",
    "plan.Indicator",
    "plan.Measure",
    "plan.Plan",
    "plan.Programme",
    "plan.Task",
}


def test_only_configuration_is_registered_in_the_admin_site() -> None:
    registered = {model._meta.label for model in admin.site._registry}
    assert registered == ALLOWED
