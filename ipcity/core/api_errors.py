"""The API's error responses in the OpenAPI document.

Every error the API answers has one shape, `ErrorOut`: `detail` is a message, or a list of per-field
errors ({"field", "message", "type"}: config/api.py, ipcity.core.middleware); some carry a machine `code`.
Views return these through exceptions and JsonResponse, which ninja cannot see, so `document_errors` adds
to each operation the error statuses it can answer, by rules that hold for every operation:

- 422 for all: every request passes the edge (control characters, lone surrogates in the path or query)
  and ninja's validation of path and query parameters;
- 400 (unreadable body) and 413 (body over the size limit) where there is a request body;
- 401 and 403 (role, scope, CSRF) where the operation needs authentication;
- 403 for every write: a request carrying the session cookie needs the CSRF token, public writes included;
- 404 where the path names an object, and for writes (an object named in the body that is unknown or
  not visible to the caller);
- 409 for authenticated writes (a workflow step or limit refused in the object's current state).

A status an operation documents itself (`response={...}`) is kept as it is.
"""

from __future__ import annotations

import sys
from typing import Any

from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema

WRITE_METHODS = ("post", "put", "patch", "delete")


class FieldErrorOut(Schema):
    field: str
    message: str
    type: str


class ErrorOut(Schema):
    detail: str | list[FieldErrorOut]
    code: str | None = None


DESCRIPTIONS = {
    400: "The body cannot be read (not JSON, malformed multipart). / 请求体无法读取。",
    401: "Not authenticated: a bearer token or a signed-in session is needed. / 未认证。",
    403: "Not allowed for your role or scope, or the CSRF token is missing. / 无权操作或缺少 CSRF 令牌。",
    404: "Not found, or not visible to you. / 不存在或无权查看。",
    409: "Refused in the object's current state (workflow step, limit). / 当前状态下不允许该操作。",
    413: "The request body is over the size limit. / 请求体过大。",
    422: "Invalid input, one message per field. / 输入无效（逐字段说明）。",
}


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer, by the rules of the module's docstring."""
    write = method in WRITE_METHODS
    secured = bool(operation.get("security"))
    codes = {422}
    if "requestBody" in operation:
        codes |= {400, 413}
    if secured:
        codes |= {401, 403}
    if write:
        codes |= {403, 404}
    if "{" in path:
        codes.add(404)
    if write and secured:
        codes.add(409)
    return codes


def document_errors(schema: OpenAPISchema) -> OpenAPISchema:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    definition = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(definition.pop("$defs", {}))
    components["ErrorOut"] = definition
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in sorted(error_statuses(path, method, operation)):
                if code not in responses and str(code) not in responses:
                    responses[code] = {"description": DESCRIPTIONS[code], "content": reference}
    return schema


class DocumentedErrorsAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists each operation's error responses (`document_errors`).

    Operation ids are ninja's (`<module>_<function>`, dots as underscores), except that a module which
    moved may keep the ids clients generated from it: it names its old module in `OPENAPI_OPERATION_MODULE`
    (ipcity.reporting.api keeps `ipcity_plan_report_api_…`, ADR 0025)."""

    def get_openapi_operation_id(self, operation: Any) -> str:
        module = sys.modules.get(operation.view_func.__module__)
        old_module = getattr(module, "OPENAPI_OPERATION_MODULE", None)
        if old_module:
            return f"{old_module}_{operation.view_func.__name__}".replace(".", "_")
        return super().get_openapi_operation_id(operation)

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        return document_errors(super().get_openapi_schema(**kwargs))
