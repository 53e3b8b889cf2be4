"""Login, self-registration, API tokens, and user management for administrators.
Views parse input, call a service, render the result (STYLE rule 1)."""

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcity.core.errors import add_to_form, message_text
from ipcity.core.permissions import role_required
from ipcity.core.throttle import limit_for, throttle_hit, throttled_page

from . import selectors, services
from .choices import CHANGE_WORKFLOW, ChangeKind, ChangeStatus, Role
from .filters import UserFilter
from .forms import (
    ApiTokenForm,
    PasswordResetForm,
    PendingDecisionForm,
    RegistrationForm,
    UserCreateForm,
    UserEditForm,
)
from .models import ApiToken, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")
    if request.method == "POST" and not throttle_hit(
        request, "registration", limit_for("THROTTLE_REGISTRATIONS_PER_HOUR")
    ):
        return throttled_page(request)
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_register(
                username=data["username"],
                password=data["password"],
                email=data["email"],
                display_name=data["display_name"],
                uscc=data["uscc"],
                entity_name=data["entity_name"],
                entity_kind=data["entity_kind"],
                district=data["district"],
                contact_phone=data["contact_phone"],
                licence=data["licence"],
            )
        except ValidationError as exc:
            add_to_form(form, exc, {"name": "entity_name", "kind": "entity_kind"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # The same answer whether or not the entity was already registered (ADR 0006).
            messages.info(
                request,
                _(
                    "Your account has been created. The plan office will confirm that you belong to the "
                    "entity before you can act for it or apply for incentives."
                ),
            )
            return redirect("accounts:profile")
    return render(request, "accounts/register.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own form (checks the old password), written through the service so the change is audited
    and the user's API tokens are revoked (ADR 0004)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_changed")

    def form_valid(self, form: Any) -> HttpResponse:
        user = services.user_change_password(
            actor=self.request.user, user=form.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)  # this session stays; the user's other sessions end
        return HttpResponseRedirect(self.get_success_url())


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"profile": request.user})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None)
    raw_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw_token = services.api_token_create(
                actor=user, user=user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "raw_token": raw_token,
            "tokens": user.api_tokens.order_by("-created_at"),
            "lifetime": settings.API_TOKEN_LIFETIME_DAYS,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:tokens")


# --- administrators: user management -----------------------------------------------------------


@role_required(Role.ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    filterset = UserFilter(request.GET or None, queryset=selectors.user_list(user=request.user))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"filter": filterset, "page": page})


@role_required(Role.ADMIN)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            if not user.is_active:
                messages.info(
                    request,
                    _("The account stays inactive until a second administrator confirms its activation."),
                )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@role_required(Role.ADMIN)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(selectors.user_list(user=request.user), pk=pk)
    edit_form = UserEditForm(
        request.POST or None,
        initial={
            "display_name": target.display_name,
            "email": target.email,
            "role": target.role,
            "department": target.department_id,
            "entity": target.entity_id,
        },
    )
    if request.method == "POST" and edit_form.is_valid():
        try:
            change = services.user_edit(actor=request.user, user=target, **edit_form.cleaned_data)
        except ValidationError as exc:
            add_to_form(edit_form, exc)
        else:
            if change is not None:
                messages.info(
                    request, _("The role change has been filed: a second administrator must confirm it.")
                )
            else:
                messages.success(request, _("The user has been updated."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "form": edit_form,
            "password_form": PasswordResetForm(),
            "is_self": target.pk == request.user.pk,
            "changes": selectors.change_requests(user=request.user).filter(user=target)[:20],
        },
    )


@role_required(Role.ADMIN)
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(selectors.user_list(user=request.user), pk=pk)
    active = request.POST.get("active") == "1"
    kind = ChangeKind.ACTIVATE if active else ChangeKind.DEACTIVATE
    try:
        if target.pk != request.user.pk and services.second_person_needed(user=target, kind=kind):
            services.account_change_request(actor=request.user, user=target, kind=kind)
            messages.info(request, _("The request has been filed: a second administrator must confirm it."))
        else:
            services.user_set_active(actor=request.user, user=target, active=active)
            messages.success(
                request, _("The user has been activated.") if active else _("The user has been deactivated.")
            )
    except ValidationError as exc:
        messages.error(request, message_text(exc))
    return redirect("accounts:user_detail", pk=target.pk)


@role_required(Role.ADMIN)
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(selectors.user_list(user=request.user), pk=pk)
    form = PasswordResetForm(request.POST or None)
    needs_second = target.pk != request.user.pk and services.second_person_needed(
        user=target, kind=ChangeKind.PASSWORD
    )
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        try:
            if needs_second:
                services.account_change_request(
                    actor=request.user, user=target, kind=ChangeKind.PASSWORD, password=password
                )
            else:
                services.user_reset_password(actor=request.user, user=target, password=password)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            if needs_second:
                messages.info(
                    request, _("The new password has been filed: a second administrator must confirm it.")
                )
            else:
                messages.success(request, _("The password has been reset. Hand it to the user in person."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_password.html",
        {"target": target, "form": form, "needs_second": needs_second},
    )


@role_required(Role.ADMIN)
def change_list(request: HttpRequest) -> HttpResponse:
    """Account changes waiting for a second administrator, and the recent decisions (ADR 0007)."""
    changes = selectors.change_requests(user=request.user)
    pending = list(changes.filter(status=ChangeStatus.PENDING))
    for change in pending:  # the buttons are the workflow's actions for this administrator
        change.actions = CHANGE_WORKFLOW.actions_for(change, request.user)  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/change_list.html",
        {
            "pending": pending,
            "decided": changes.exclude(status=ChangeStatus.PENDING)[:50],
        },
    )


@role_required(Role.ADMIN)
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(selectors.change_requests(user=request.user), pk=pk)
    try:
        if request.POST.get("decision") == "confirm":
            services.account_change_confirm(actor=request.user, change=change)
            messages.success(request, _("The change has been confirmed and applied."))
        else:
            services.account_change_reject(actor=request.user, change=change)
            messages.success(request, _("The request has been closed without a change."))
    except ValidationError as exc:
        messages.error(request, message_text(exc))
    return redirect("accounts:changes")


# --- plan office: confirm self-registered applicants ---------------------------------------------


@role_required(Role.PLAN_OFFICE)
def pending_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/pending_list.html",
        {"pending": selectors.pending_applicants(user=request.user), "form": PendingDecisionForm()},
    )


@role_required(Role.PLAN_OFFICE)
@require_POST
def pending_decide(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(selectors.pending_applicants(user=request.user), pk=pk)
    form = PendingDecisionForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if form.cleaned_data["decision"] == "confirm":
                services.user_confirm_entity(actor=request.user, user=target, reason=reason)
                messages.success(request, _("The applicant now belongs to the entity."))
            else:
                services.user_reject_entity(actor=request.user, user=target, reason=reason)
                messages.success(request, _("The request was refused and the account deactivated."))
        except ValidationError as exc:
            messages.error(request, message_text(exc))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("accounts:pending")


@login_required
def pending_licence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The business licence a pending applicant uploaded; only the plan office sees it (the selector
    finds nothing for anyone else: 404)."""
    target = get_object_or_404(selectors.pending_applicants(user=request.user), pk=pk)
    if not target.registration_licence:
        raise Http404
    return FileResponse(
        target.registration_licence.open("rb"),
        as_attachment=True,
        filename=PurePath(target.registration_licence.name or "licence").name,
    )
