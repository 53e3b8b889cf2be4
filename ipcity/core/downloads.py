"""Uploaded files leave the server only through views that first check the user's right to the object.

Nothing under MEDIA_ROOT has a public URL (docs/adr/0008-serving-uploaded-files.md). A download view
finds the object through the app's selectors (the user's scope), then calls `stored_file_response`
with the stored name, which either streams the file from Django or, behind a proxy, hands the proxy an
internal location to send (settings.MEDIA_SERVE_MODE):

- "django" (default): a streamed FileResponse.
- "x-accel": nginx — an empty response with `X-Accel-Redirect: <MEDIA_INTERNAL_PREFIX><name>`; nginx
  serves the file from an `internal` location (docs/operations.md).
- "x-sendfile": Apache mod_xsendfile / lighttpd — an empty response with `X-Sendfile: <absolute path>`.

Every download is `Content-Disposition: attachment` with `X-Content-Type-Options: nosniff` and
`Cache-Control: private, no-store`: a browser never renders an uploaded file as a page of ours.
"""

import mimetypes
import os
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

SERVE_MODES = ("django", "x-accel", "x-sendfile")


def _mode() -> str:
    mode = str(getattr(settings, "MEDIA_SERVE_MODE", "django"))
    if mode not in SERVE_MODES:
        raise ImproperlyConfigured(f"MEDIA_SERVE_MODE must be one of {', '.join(SERVE_MODES)}, not {mode!r}.")
    return mode


def _protect(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(
    name: str | None, *, filename: str, storage: Storage | None = None
) -> HttpResponseBase:
    """The file stored under `name` (a FileField's `.name`), downloaded as `filename`; 404 if it is gone.

    Call it only after the caller has checked the user may see the object the file belongs to.
    """
    storage = storage or default_storage
    if not name:
        raise Http404
    try:
        if not storage.exists(name):
            raise Http404
    except SuspiciousFileOperation:
        raise Http404 from None
    content_type = mimetypes.guess_type(filename or name)[0] or "application/octet-stream"
    mode = _mode()
    if mode == "django":
        streamed = FileResponse(
            storage.open(name, "rb"), as_attachment=True, filename=filename, content_type=content_type
        )
        return _protect(streamed)
    response = HttpResponse(b"", content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    if mode == "x-accel":
        prefix = str(settings.MEDIA_INTERNAL_PREFIX).rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
    else:
        # The path's bytes as they are on disk (a WSGI header is Latin-1: each byte one character).
        response["X-Sendfile"] = os.fsencode(storage.path(name)).decode("latin-1")
    return _protect(response)
