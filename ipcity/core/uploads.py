"""Checks uploaded files for size and real type (by content, not only by name) before they are kept."""

import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

_SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


@deconstructible
class UnguessableName:
    """A FileField's `upload_to`: `<prefix>/<yyyy>/<uuid4 hex><ext>` (docs/adr/0008).

    Nobody can guess a stored name from an original name, a date or a neighbour's; the original name is
    kept in the model (`original_name`) and given back as the download's file name.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        ext = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
        if not _SAFE_EXTENSION.fullmatch(ext):
            ext = ""
        return f"{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnguessableName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    signatures: tuple[bytes, ...]  # empty: plain text, checked for decodability instead


PDF = FileKind((".pdf",), (b"%PDF-",))
PNG = FileKind((".png",), (b"\x89PNG\r\n\x1a\n",))
JPEG = FileKind((".jpg", ".jpeg"), (b"\xff\xd8\xff",))
OFFICE_ZIP = FileKind((".xlsx", ".docx"), (b"PK\x03\x04",))
CSV = FileKind((".csv",), ())
TEXT = FileKind((".txt",), ())

EVIDENCE_KINDS = (PDF, PNG, JPEG, OFFICE_ZIP)
SPREADSHEET_KINDS = (OFFICE_ZIP, CSV)


def check_upload(upload: UploadedFile, kinds: tuple[FileKind, ...], max_bytes: int | None = None) -> None:
    """Raise ValidationError (translated) if the file is too big or not one of `kinds`."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    name = (upload.name or "").lower()
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes).")
            % {"size": upload.size, "limit": limit},
            code="too_large",
        )
    kind = next((k for k in kinds if name.endswith(k.extensions)), None)
    if kind is None:
        allowed = ", ".join(ext for k in kinds for ext in k.extensions)
        raise ValidationError(
            _("This file type is not accepted. Accepted types: %(allowed)s.") % {"allowed": allowed},
            code="type",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if kind.signatures:
        if not any(head.startswith(sig) for sig in kind.signatures):
            raise ValidationError(_("The file's content does not match its extension."), code="content")
    else:
        if b"\x00" in head:
            raise ValidationError(_("The file's content does not match its extension."), code="content")
