"""check_upload looks past the first bytes: a PDF must end like a PDF (startxref → xref, %%EOF), an Office
file must be an unencrypted Office package without macros (security review, issue 8)."""

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ipcity.core import uploads
from ipcity.core.sample_files import minimal_office, minimal_pdf
from ipcity.core.uploads import EVIDENCE_KINDS, SPREADSHEET_KINDS, check_upload


def _code(name: str, content: bytes, kinds: Any = EVIDENCE_KINDS) -> str | None:
    try:
        check_upload(SimpleUploadedFile(name, content), kinds)
    except ValidationError as exc:
        return exc.code
    return None


def _zip(members: dict[str, bytes], encrypted: str = "") -> bytes:
    """A stored zip; the member named `encrypted` gets the "encrypted" flag in its headers."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for member, data in members.items():
            package.writestr(member, data)
    raw = bytearray(buffer.getvalue())
    if encrypted:
        name = encrypted.encode()
        at = raw.find(b"PK\x01\x02")  # central directory entries: flags at +8, name at +46
        while at != -1:
            length = int.from_bytes(raw[at + 28 : at + 30], "little")
            if bytes(raw[at + 46 : at + 46 + length]) == name:
                raw[at + 8] |= 0x1
            at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------ PDF


def test_a_well_formed_pdf_is_accepted_also_after_an_incremental_update() -> None:
    assert _code("a.pdf", minimal_pdf()) is None
    first = minimal_pdf("v1")
    update = b"2 0 obj\n<< >>\nendobj\n"
    second_xref = len(first) + len(update)
    updated = first + update + b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Prev 20 >>\nstartxref\n"
    updated += str(second_xref).encode() + b"\n%%EOF\n"
    assert _code("b.pdf", updated) is None


def test_a_pdf_ending_with_an_xref_stream_object_is_accepted() -> None:
    body = b"%PDF-1.5\n% objects\n"
    pdf = body + b"5 0 obj\n<< /Type /XRef >>\nstream\nendstream\nendobj\nstartxref\n"
    assert _code("s.pdf", pdf + str(len(body)).encode() + b"\n%%EOF\r\n") is None


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n% only a header\n",  # no trailer at all (what the magic-bytes check let through)
        minimal_pdf()[: len(minimal_pdf()) // 2],  # truncated upload
        minimal_pdf().replace(b"%%EOF", b"%%EOX"),  # no end-of-file marker
        b"%PDF-1.4\nxref\nstartxref\n999999\n%%EOF\n",  # offset beyond the file
        b"%PDF-1.4\n<html><script>alert(1)</script>\nstartxref\n9\n%%EOF\n",  # offset at no xref
        b"%PDF-1.4\nstartxref\n0\n%%EOF\n",
    ],
)
def test_a_pdf_without_a_readable_trailer_is_refused(content: bytes) -> None:
    assert _code("bad.pdf", content) == "pdf_structure"


def test_a_pdf_whose_trailer_is_not_in_its_last_kilobyte_is_refused() -> None:
    assert _code("tail.pdf", minimal_pdf() + b" " * 2000) == "pdf_structure"
    assert _code("tail.pdf", minimal_pdf() + b" " * 500) is None


# --------------------------------------------------------------------------------------------- Office


def test_real_office_files_are_accepted() -> None:
    assert _code("book.xlsx", _xlsx()) is None
    assert _code("book.xlsx", _xlsx(), SPREADSHEET_KINDS) is None
    assert _code("letter.docx", minimal_office("docx")) is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("garbage.xlsx", b"PK\x03\x04garbage"),  # the magic bytes, nothing else
        ("a.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        ("nocontenttypes.docx", _zip({"word/document.xml": b"<d/>"})),
        ("letter.xlsx", minimal_office("docx")),  # a document calling itself a workbook
        ("book.docx", _xlsx()),
    ],
)
def test_what_is_not_an_office_package_is_refused(name: str, content: bytes) -> None:
    assert _code(name, content) == "office_structure"


def test_macros_are_refused() -> None:
    assert (
        _code("m.xlsx", minimal_office("xlsx", extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})) == "macros"
    )
    assert _code("m.docx", minimal_office("docx", extra={"word/vbaProject.bin": b"x"})) == "macros"
    macro_types = (
        b'<Types><Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
    )
    assert _code("m.xlsx", minimal_office("xlsx", content_types=macro_types)) == "macros"


def test_encrypted_members_and_ole_containers_are_refused() -> None:
    content_types = b"<Types/>"
    encrypted = _zip(
        {"[Content_Types].xml": content_types, "xl/workbook.xml": b"<w/>"}, encrypted="xl/workbook.xml"
    )
    assert _code("e.xlsx", encrypted) == "encrypted"
    # A password-protected .xlsx is an OLE compound file, not a zip.
    assert _code("protected.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600) == "content"


def test_a_package_that_unpacks_to_too_much_is_refused(monkeypatch: Any) -> None:
    monkeypatch.setattr(uploads, "OFFICE_MAX_UNPACKED_BYTES", 10_000)
    assert _code("small.xlsx", minimal_office("xlsx", extra={"xl/a.xml": b"0" * 5_000})) is None
    assert _code("bomb.xlsx", minimal_office("xlsx", extra={"xl/a.xml": b"0" * 20_000})) == "office_structure"


def test_the_upload_is_rewound_after_the_check() -> None:
    upload = SimpleUploadedFile("a.pdf", minimal_pdf())
    check_upload(upload, EVIDENCE_KINDS)
    assert upload.read(5) == b"%PDF-"
