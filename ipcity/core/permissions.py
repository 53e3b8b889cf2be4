"""Role checks shared by pages and API endpoints. Object scope lives in each app's selectors."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

F = TypeVar("F", bound=Callable[..., HttpResponse])


def user_has_role(user: Any, *roles: str) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and getattr(user, "role", "") in roles
    )


def role_required(*roles: str) -> Callable[[F], F]:
    """Page decorator: anonymous users go to the login page; signed-in users of another role get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
