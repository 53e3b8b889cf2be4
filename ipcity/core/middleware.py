import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

from .request_context import reset_request_id, set_request_id
from .text import has_control_characters, has_surrogates


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
SURROGATE_MESSAGE = (
    "must not contain an unpaired UTF-16 surrogate (\\ud800–\\udfff) / "
    "不能包含不成对的 UTF-16 代理项（\\ud800–\\udfff）"
)
OBJECT_EXPECTED_MESSAGE = "The request body must be a JSON object. / 请求体必须是 JSON 对象。"
MALFORMED_MULTIPART_MESSAGE = "Malformed multipart/form-data body. / multipart/form-data 请求体格式错误。"

# What each refusal says, by its "type" in the API's error shape.
REFUSALS = {
    "control_character": CONTROL_MESSAGE,
    "surrogate": SURROGATE_MESSAGE,
    "object_expected": OBJECT_EXPECTED_MESSAGE,
}

# Raw JSON bytes that may decode to a refused character: a \u0000–\u001f, \b or \f escape, a surrogate
# escape (\ud800–\udfff), or a surrogate encoded directly (0xED 0xA0–0xBF, which json.loads lets through).
# Anything else cannot, so the common body is not parsed a second time.
_JSON_MAY_HOLD_REFUSED = re.compile(rb"\\u00[01]|\\[bf]|\\u[dD][89abcdefABCDEF]|\xed[\xa0-\xbf]")


def error_body(field: str, message: str, kind: str) -> dict[str, Any]:
    """The API's error shape (config/api.py): {"detail": [{"field", "message", "type"}]}."""
    return {"detail": [{"field": field, "message": message, "type": kind}]}


def _too_big_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return (
        f"The request body is larger than {limit:,} bytes; upload a file instead. / "
        f"请求体超过 {limit:,} 字节，请改为上传文件。"
    )


def _refused_text(text: str) -> str | None:
    """The refusal's type for one piece of text, or None if it may pass."""
    if has_control_characters(text):
        return "control_character"
    if has_surrogates(text):
        return "surrogate"
    return None


def _field_name(name: str) -> str:
    """A field name as the answer can carry it (a refused key is named with the offending part escaped)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _json_field_with_control(value: Any, path: str) -> tuple[str, str] | None:
    """The dotted path and refusal type of the first string (or key), in document order, holding a control
    character or a lone surrogate in decoded JSON, else None. Iterative: JSON nested as deep as json.loads
    allows cannot exhaust the stack here."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        here, item = stack.pop()
        if isinstance(item, str):
            kind = _refused_text(item)
            if kind is not None:
                return _field_name(here), kind
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                where = f"{here}.{key}" if here else str(key)
                kind = _refused_text(str(key))
                if kind is not None:
                    return _field_name(where), kind
                children.append((where, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(
                reversed([(f"{here}.{i}" if here else str(i), child) for i, child in enumerate(item)])
            )
    return None


def _field_with_control(request: HttpRequest, api: bool = False) -> tuple[str, str] | None:
    """Which part of the request is refused, and why: ("path" | a query or form field name | a JSON path
    such as "facts.outcome" or "applications.1.scheme" | "body" for the whole body, a type of REFUSALS); or None.

    For the API, a JSON body must also be an object: every operation's body schema is one, and a list or a
    scalar would otherwise be read as an object with every field left out."""
    kind = _refused_text(request.path)
    if kind is not None:
        return "path", kind
    for key, values in request.GET.lists():
        for text in (key, *values):
            kind = _refused_text(text)
            if kind is not None:
                return _field_name(key), kind
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    content_type = request.content_type or ""
    if content_type == "application/json":
        # Raw control characters are not valid JSON (the view answers 400); escaped ones (\u0000 … \u001f,
        # \b, \f) and surrogates are decoded first. The byte test spares the common case a second parse.
        body = request.body  # too large: RequestDataTooBig, answered in __call__
        not_an_object = api and bool(body.strip()) and not body.lstrip().startswith(b"{")
        if not not_an_object and not _JSON_MAY_HOLD_REFUSED.search(body):
            return None
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return None  # not JSON: the view answers 400
        if api and not isinstance(data, dict):
            return "body", "object_expected"
        return _json_field_with_control(data, "")
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.POST.lists():  # a malformed multipart body raises: see __call__
            for text in (key, *values):
                kind = _refused_text(text)
                if kind is not None:
                    return _field_name(key), kind
    return None


class RejectControlCharactersMiddleware:
    """Refuses any request whose path, query, form or JSON text holds a control character (NUL and the
    other C0 controls except tab and line breaks) or a lone UTF-16 surrogate, before a view runs; and, for
    the API, a JSON body that is not an object.

    The API answers 422 in its usual per-field shape; pages answer 400. Files are not inspected: they
    are checked by type and size where they are uploaded (ipcity.core.uploads).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        try:
            refused = _field_with_control(request, api)
        except RequestDataTooBig:
            if api:
                return JsonResponse(error_body("", _too_big_message(), "too_large"), status=413)
            raise  # Django answers 400 for pages
        except MultiPartParserError:
            # Django marks the body as unparsable, so a view would see an empty form: answer here.
            if api:
                return JsonResponse(error_body("", MALFORMED_MULTIPART_MESSAGE, "multipart"), status=400)
            raise  # Django answers 400 for pages
        if refused is None:
            return self.get_response(request)
        field, kind = refused
        if api:
            return JsonResponse(error_body(field, REFUSALS[kind], kind), status=422)
        raise BadRequest(f"{field}: {REFUSALS[kind]}")


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
