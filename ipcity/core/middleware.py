import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

from .request_context import reset_request_id, set_request_id


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


NUL = "\x00"
NUL_MESSAGE = "must not contain NUL (\\x00) characters / 不能包含空字符（\\x00）"


def _nul_field(value: Any, path: str) -> str | None:
    """The dotted path of the first string (or key) holding a NUL character in decoded JSON, else None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here
            found = _nul_field(item, here)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_field(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


def _nul_in_request(request: HttpRequest) -> str | None:
    """Which part of the request carries a NUL: "path", a query or form field name, a JSON path, or None."""
    if NUL in request.path:
        return "path"
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return key
    if request.method in ("POST", "PUT", "PATCH"):
        content_type = request.content_type or ""
        if content_type == "application/json" and (b"\\u0000" in request.body or b"\x00" in request.body):
            try:
                data = json.loads(request.body)
            except ValueError:
                return None  # not JSON: the view answers with its own 400
            return _nul_field(data, "")
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                form = request.POST
            except MultiPartParserError:
                return None  # the API's handler answers 400
            for key, values in form.lists():
                if NUL in key or any(NUL in v for v in values):
                    return key
    return None


class RejectNulMiddleware:
    """Refuses any request whose path, query, form or JSON text holds a NUL character, before a view runs.

    PostgreSQL cannot store NUL in text or jsonb and raises a DataError: without this, any field a
    user can type would be a 500 on PostgreSQL (and silently stored on SQLite). The API answers 422 in
    its usual per-field shape; pages answer 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = _nul_in_request(request)
        if field is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            body = {"detail": [{"field": field, "message": NUL_MESSAGE, "type": "nul_character"}]}
            return JsonResponse(body, status=422)
        raise BadRequest(f"{field}: {NUL_MESSAGE}")
