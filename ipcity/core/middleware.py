from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
