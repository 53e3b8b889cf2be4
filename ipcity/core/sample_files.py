"""Small, structurally valid files for tests and the demo data (they pass ipcity.core.uploads.check_upload)."""

import io
import zipfile


def minimal_pdf(note: str = "test document") -> bytes:
    """A one-line PDF with a cross-reference table, `startxref` and `%%EOF`, as check_upload requires."""
    body = f"%PDF-1.4\n% {note}\n".encode()
    return (
        body
        + b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n"
        + str(len(body)).encode()
        + b"\n%%EOF\n"
    )


def minimal_office(
    kind: str = "docx", extra: dict[str, bytes] | None = None, content_types: bytes = b""
) -> bytes:
    """A zip shaped like an Office package (`[Content_Types].xml` + the main part), plus `extra` members."""
    main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            content_types
            or b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        package.writestr(main, b"<?xml version='1.0'?><document/>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()
