"""Checks uploaded files for size and real type (by content, not only by name) before they are kept."""

import re
import uuid
import zipfile
import zlib
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
    try:
        if kind is PDF:
            _check_pdf(upload)
        elif kind is OFFICE_ZIP:
            _check_office(upload, name)
    finally:
        upload.seek(0)


# ----------------------------------------------------------------------------------- structure checks
# Light checks of the file's structure, beyond its first bytes (security review, issue 8): a PDF must end
# like a PDF, an Office file must be an Office package without macros. No parser beyond the standard
# library: what a reader does with the file later (openpyxl for imports) is its own check.

_STARTXREF = re.compile(rb"startxref\s+(\d{1,12})\s+%%EOF", re.S)
_XREF_AT = re.compile(rb"\s*(xref\b|\d+\s+\d+\s+obj\b)")
OFFICE_MAX_MEMBERS = 10_000
OFFICE_MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # a zip bomb unpacks to far more than a real workbook
OFFICE_MAIN_PART = {".xlsx": "xl/workbook.xml", ".docx": "word/document.xml"}


def _check_pdf(upload: UploadedFile) -> None:
    """A PDF ends with `startxref <offset> %%EOF` (ISO 32000-1 7.5.5; readers look for it in the last
    1,024 bytes), and the offset points at a cross-reference table or stream inside the file."""
    size = upload.size or 0
    upload.seek(max(0, size - 1024))
    trailers = list(_STARTXREF.finditer(upload.read()))
    damaged = ValidationError(_("The PDF file is damaged or incomplete."), code="pdf_structure")
    if not trailers:
        raise damaged
    offset = int(trailers[-1].group(1))  # the last one counts (incremental updates append a new trailer)
    if not 0 < offset < size:
        raise damaged
    upload.seek(offset)
    if not _XREF_AT.match(upload.read(64)):
        raise damaged


def _check_office(upload: UploadedFile, name: str) -> None:
    """An .xlsx/.docx is an unencrypted zip holding `[Content_Types].xml` and its main part, with no macro
    project (vbaProject.bin, a macro-enabled content type) and a sane unpacked size."""
    invalid = ValidationError(_("The file is not a valid Office document."), code="office_structure")
    macros = ValidationError(_("Files with macros are not accepted."), code="macros")
    try:
        with zipfile.ZipFile(getattr(upload, "file", None) or upload) as package:
            members = package.infolist()
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names:
                raise invalid
            if any(m.flag_bits & 0x1 for m in members):
                raise ValidationError(_("Encrypted files are not accepted."), code="encrypted")
            if (
                len(members) > OFFICE_MAX_MEMBERS
                or sum(m.file_size for m in members) > OFFICE_MAX_UNPACKED_BYTES
            ):
                raise invalid
            if package.getinfo("[Content_Types].xml").file_size > 1024 * 1024:
                raise invalid
            content_types = package.read("[Content_Types].xml").lower()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ):
        raise invalid from None
    main = next((part for ext, part in OFFICE_MAIN_PART.items() if name.endswith(ext)), None)
    if main is not None and main not in names:
        raise invalid
    if any(n.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml") for n in names):
        raise macros
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        raise macros
