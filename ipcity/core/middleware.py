import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

from .request_context import reset_request_id, set_request_id
from .text import has_control_characters


class RequestIdMiddleware:
    """Gives every request an id (or keeps the proxy's X-Request-ID) and echoes it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")[:64]
        token = set_request_id(incoming if incoming.isalnum() else None)
        try:
            response = self.get_response(request)
        finally:
            from .request_context import current_request_id

            request_id = current_request_id()
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


CONTROL_MESSAGE = (
    "must not contain control characters such as NUL (\\x00) / 不能包含控制字符（如空字符 \\x00）"
)
MALFORMED_MULTIPART_MESSAGE = "Malformed multipart/form-data body. / multipart/form-data 请求体格式错误。"


def error_body(field: str, message: str, kind: str) -> dict[str, Any]:
    """The API's error shape (config/api.py): {"detail": [{"field", "message", "type"}]}."""
    return {"detail": [{"field": field, "message": message, "type": kind}]}


def _too_big_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return (
        f"The request body is larger than {limit:,} bytes; upload a file instead. / "
        f"请求体超过 {limit:,} 字节，请改为上传文件。"
    )


def _json_field_with_control(value: Any, path: str) -> str | None:
    """The dotted path of the first string (or key) holding a control character in decoded JSON, else None."""
    if isinstance(value, str):
        return path if has_control_characters(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if has_control_characters(str(key)):
                return here
            found = _json_field_with_control(item, here)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _json_field_with_control(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


def _field_with_control(request: HttpRequest) -> str | None:
    """Which part of the request carries a control character: "path", a query or form field name, a
    JSON path ("facts.outcome", "applications.1.scheme"), or None."""
    if has_control_characters(request.path):
        return "path"
    for key, values in request.GET.lists():
        if has_control_characters(key) or any(has_control_characters(v) for v in values):
            return key
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    content_type = request.content_type or ""
    if content_type == "application/json":
        # Raw control characters are not valid JSON (the view answers 400); escaped ones (\u0000 … \u001f,
        # \b, \f) are decoded first. The byte test only spares the common case a second parse.
        body = request.body  # too large: RequestDataTooBig, answered in __call__
        if not any(escape in body for escape in (b"\\u00", b"\\b", b"\\f")):
            return None
        try:
            data = json.loads(body)
        except ValueError:
            return None
        return _json_field_with_control(data, "")
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.POST.lists():  # a malformed multipart body raises: see __call__
            if has_control_characters(key) or any(has_control_characters(v) for v in values):
                return key
    return None


class RejectControlCharactersMiddleware:
    """Refuses any request whose path, query, form or JSON text holds a control character (NUL and the
    other C0 controls except tab and line breaks), before a view runs.

    The API answers 422 in its usual per-field shape; pages answer 400. Files are not inspected: they
    are checked by type and size where they are uploaded (ipcity.core.uploads).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        try:
            field = _field_with_control(request)
        except RequestDataTooBig:
            if api:
                return JsonResponse(error_body("", _too_big_message(), "too_large"), status=413)
            raise  # Django answers 400 for pages
        except MultiPartParserError:
            # Django marks the body as unparsable, so a view would see an empty form: answer here.
            if api:
                return JsonResponse(error_body("", MALFORMED_MULTIPART_MESSAGE, "multipart"), status=400)
            raise  # Django answers 400 for pages
        if field is None:
            return self.get_response(request)
        if api:
            return JsonResponse(error_body(field, CONTROL_MESSAGE, "control_character"), status=422)
        raise BadRequest(f"{field}: {CONTROL_MESSAGE}")


class SecurityHeadersMiddleware:
    """Adds the response headers Django has no setting for (security review, issue 8):

    - `Content-Security-Policy` (settings.CONTENT_SECURITY_POLICY): scripts only from our own origin, so no
      inline script or event handler runs; templates put behaviour in static files (core/ipcity.js).
    - `Permissions-Policy` (settings.PERMISSIONS_POLICY): no camera, microphone, geolocation, payment ….
    - `Cache-Control: private, no-store` on every response to a signed-in user or a bearer-token client,
      so no proxy or shared browser cache keeps a page of personal or unpublished data.

    A view that sets one of these headers itself keeps its own. Static files never reach this middleware
    (WhiteNoise answers them first) and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        permissions = getattr(settings, "PERMISSIONS_POLICY", "")
        if permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if signed_in or "Authorization" in request.headers:
            response["Cache-Control"] = "private, no-store"
        return response
