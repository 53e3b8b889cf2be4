"""The REST API (django-ninja). OpenAPI docs at /api/docs. Each app owns its router."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja.errors import ValidationError as NinjaValidationError

from ipcity.accounts.api import router as accounts_router
from ipcity.accounts.api_auth import TokenExpired
from ipcity.core.api_errors import DocumentedErrorsAPI
from ipcity.core.errors import DomainError, api_body, as_domain_error
from ipcity.core.middleware import MALFORMED_MULTIPART_MESSAGE, error_body
from ipcity.grants.api import router as grants_router
from ipcity.incentives.api import router as incentives_router
from ipcity.orgs.api import router as orgs_router
from ipcity.patents.api import router as patents_router
from ipcity.plan.api import router as plan_router
from ipcity.protection.api import router as protection_router
from ipcity.reporting.api import router as reporting_router

api = DocumentedErrorsAPI(
    title="ipcity API",
    version="1",
    description="烟台市知识产权行动方案平台 / ipcity — the platform a city runs its IP action plan on.",
    urls_namespace="api",
)


@api.exception_handler(NinjaValidationError)
def validation_errors(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 with one message per field: {"detail": [{"field": "facts.principal", "message": ...}]}."""
    detail = []
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", []) if p not in ("body", "query", "path", "payload")]
        detail.append(
            {"field": ".".join(loc), "message": error.get("msg", ""), "type": error.get("type", "")}
        )
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(DomainError)
def domain_errors(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A service's refusal: its status and ErrorOut shape, in the request's language (ADR 0016)."""
    return api.create_response(request, api_body(exc), status=exc.status)


@api.exception_handler(ValidationError)
def django_validation_errors(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A Django ValidationError a service let through (model clean, a validator): 422 per field."""
    return domain_errors(request, as_domain_error(exc))


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A PermissionDenied (a role check outside the hierarchy): 403 with its message."""
    return domain_errors(request, as_domain_error(exc))


@api.exception_handler(MultiPartParserError)
def malformed_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A multipart body that cannot be parsed (no boundary, truncated) is the client's error: 400, not 500."""
    return api.create_response(request, error_body("", MALFORMED_MULTIPART_MESSAGE, "multipart"), status=400)


@api.exception_handler(TokenExpired)
def token_expired(request: HttpRequest, exc: TokenExpired) -> HttpResponse:
    """An expired bearer token: 401 in the per-field shape, saying what to do (ADR 0004)."""
    response = api.create_response(request, error_body("", exc.message, "token_expired"), status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


api.add_router("/accounts", accounts_router)
api.add_router("/orgs", orgs_router)
# Reports are mounted inside the plan's router (its tags, /api/plan/reports) as when they were part of the
# plan app; the plan itself does not import reporting (ADR 0025).
plan_router.add_router("/reports", reporting_router)
api.add_router("/plan", plan_router)
api.add_router("/incentives", incentives_router)
api.add_router("/grants", grants_router)
api.add_router("/patents", patents_router)
api.add_router("/protection", protection_router)
