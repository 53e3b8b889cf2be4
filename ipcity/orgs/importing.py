"""Entity import from .xlsx or .csv: every row is validated first; if any row is bad nothing is written
and every bad row is reported (row, column, reason in Chinese and English); otherwise all rows are
created or updated in one audited transaction. See docs/adr/0005-entity-import.md.

Built on the import idiom of ipcity.core.importing (policy ALL_OR_NOTHING)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ipcity.core.audit import audit_record
from ipcity.core.excel import append_row
from ipcity.core.identifiers import uscc as uscc_id
from ipcity.core.importing import (
    Column,
    Columns,
    ImportResult,
    Policy,
    RowErrors,
    normalise_header,
    run_import,
)
from ipcity.core.spreadsheets import TableReader, limits_for
from ipcity.core.text import has_control_characters

from .choices import AuditAction, CertificationKind, CertificationLevel, EntityKind
from .models import Certification, District, Entity, validate_uscc
from .services import certification_add, entity_create, entity_update

# (key, Chinese header, English header, required)
COLUMNS: list[tuple[str, str, str, bool]] = [
    ("uscc", "统一社会信用代码", "USCC", True),
    ("name", "名称", "Name", True),
    ("kind", "类型", "Kind", True),
    ("district", "区市", "District", False),
    ("address", "地址", "Address", False),
    ("contact_name", "联系人", "Contact person", False),
    ("contact_phone", "联系电话", "Contact phone", False),
    ("cert_kind", "认定类型", "Certification kind", False),
    ("cert_level", "认定级别", "Certification level", False),
    ("cert_year", "认定年度", "Certification year", False),
    ("cert_source", "认定文件", "Certification source", False),
]
CERT_KEYS = ("cert_kind", "cert_level", "cert_year", "cert_source")
IMPORT_COLUMNS = Columns(Column(key, zh, en, required) for key, zh, en, required in COLUMNS)


def header_label(key: str) -> str:
    return IMPORT_COLUMNS.label(key)


def _choice_index(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Accept the code, the English label or the Chinese label of a choice."""
    index: dict[str, str] = {}
    for value, label in choices:
        index[normalise_header(value)] = value
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                index[normalise_header(str(label))] = value
    return index


@dataclass
class EntityImportResult(ImportResult):
    certifications: int = 0

    def reset_writes(self) -> None:
        super().reset_writes()
        self.certifications = 0


def _row_parser() -> Callable[[int, dict[str, str], RowErrors], dict[str, str] | None]:
    """Checks one row (the lookups are loaded once; duplicates are found across rows)."""
    kinds = _choice_index(EntityKind.choices)
    cert_kinds = _choice_index(CertificationKind.choices)
    cert_levels = _choice_index(CertificationLevel.choices)
    districts = {normalise_header(d.name): d.name for d in District.objects.all()}
    districts.update({normalise_header(d.name_en): d.name for d in District.objects.exclude(name_en="")})
    seen: dict[str, int] = {}

    def parse_row(rownum: int, values: dict[str, str], errors: RowErrors) -> dict[str, str] | None:
        err = errors.add
        for key, value in values.items():
            if has_control_characters(value):
                err(rownum, key, _("Contains a control character (such as NUL); remove it."))
        # USCC
        code = uscc_id.normalise(values["uscc"])
        if not code:
            err(rownum, "uscc", _("This field is required."))
        else:
            try:
                validate_uscc(code)
            except ValidationError as exc:
                err(rownum, "uscc", exc.error_list[0].message)  # lazy: rendered in both languages
            else:
                if code in seen:
                    err(
                        rownum,
                        "uscc",
                        _("Duplicate code: the same code is already on row %(row)s of this file."),
                        row=seen[code],
                    )
                else:
                    seen[code] = rownum
        values["uscc"] = code
        if not values["name"]:
            err(rownum, "name", _("This field is required."))
        elif len(values["name"]) > 200:
            err(rownum, "name", _("At most %(max)s characters."), max=200)
        kind = kinds.get(normalise_header(values["kind"]))
        if kind is None:
            err(rownum, "kind", _("Unknown entity kind “%(value)s”."), value=values["kind"])
        else:
            values["kind"] = kind
        if values["district"]:
            name = districts.get(normalise_header(values["district"]))
            if name is None:
                err(rownum, "district", _("Unknown district “%(value)s”."), value=values["district"])
            else:
                values["district"] = name
        for key, limit in (("address", 300), ("contact_name", 100), ("contact_phone", 40)):
            if len(values[key]) > limit:
                err(rownum, key, _("At most %(max)s characters."), max=limit)
        if any(values[k] for k in CERT_KEYS):
            ck = cert_kinds.get(normalise_header(values["cert_kind"]))
            if ck is None:
                err(
                    rownum,
                    "cert_kind",
                    _("Unknown certification kind “%(value)s”."),
                    value=values["cert_kind"],
                )
            else:
                values["cert_kind"] = ck
            cl = cert_levels.get(normalise_header(values["cert_level"]))
            if cl is None:
                err(
                    rownum,
                    "cert_level",
                    _("Unknown certification level “%(value)s”."),
                    value=values["cert_level"],
                )
            else:
                values["cert_level"] = cl
            year = values["cert_year"]
            # isascii: "²".isdigit() is true but int("²") raises (as does int() of 5,000 digits).
            if not (year.isascii() and year.isdigit() and len(year) == 4 and 1990 <= int(year) <= 2100):
                err(rownum, "cert_year", _("Enter a year between 1990 and 2100."))
            if not values["cert_source"]:
                err(rownum, "cert_source", _("Name the document or list that granted the certification."))
            elif len(values["cert_source"]) > 300:
                err(rownum, "cert_source", _("At most %(max)s characters."), max=300)
        return values

    return parse_row


def _write_row(actor: Any) -> Callable[[dict[str, str], EntityImportResult], None]:
    districts = {d.name: d for d in District.objects.all()}

    def write_row(values: dict[str, str], result: EntityImportResult) -> None:
        fields: dict[str, Any] = {
            "name": values["name"],
            "kind": values["kind"],
            "district": districts.get(values["district"]) if values["district"] else None,
            "address": values["address"],
            "contact_name": values["contact_name"],
            "contact_phone": values["contact_phone"],
        }
        existing = Entity.objects.filter(uscc=values["uscc"]).first()
        if existing is None:
            name = fields.pop("name")
            kind = fields.pop("kind")
            entity = entity_create(actor=actor, uscc=values["uscc"], name=name, kind=kind, **fields)
            result.created += 1
        else:
            entity = entity_update(actor=actor, entity=existing, **fields)
            result.updated += 1
        if values["cert_kind"]:
            year = int(values["cert_year"])
            if not Certification.objects.filter(
                entity=entity, kind=values["cert_kind"], level=values["cert_level"], year=year
            ).exists():
                certification_add(
                    actor=actor,
                    entity=entity,
                    kind=values["cert_kind"],
                    level=values["cert_level"],
                    year=year,
                    source=values["cert_source"],
                )
                result.certifications += 1

    return write_row


def _refused(rownum: int, exc: Exception, errors: RowErrors) -> None:
    """Anything the row checks did not foresee: reported per field (and everything is rolled back)."""
    if not isinstance(exc, ValidationError):
        raise exc
    for fld, messages in exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]:
        for message in messages:
            errors.add_text(rownum, fld, message, message)


def import_entities(*, actor: Any, stream: IO[bytes], filename: str) -> EntityImportResult:
    """Validate every row; write nothing if any is bad; else create/update all rows in one transaction.

    The file is read through the guarded reader (an .xlsx, or a CSV in UTF-8 with/without BOM or
    GB18030): a file over the entity import's limits (rows, columns, expanded size, …) is refused whole."""

    def audit(result: EntityImportResult) -> None:
        audit_record(
            actor=actor,
            action=AuditAction.ENTITY_IMPORT,
            object_type="orgs.entity",
            object_repr=filename[:300],
            after={
                "file": filename,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "certifications": result.certifications,
            },
        )

    return run_import(
        TableReader(stream, filename, limits_for("entities")),
        columns=IMPORT_COLUMNS,
        parse_row=_row_parser(),
        write_row=_write_row(actor),
        policy=Policy.ALL_OR_NOTHING,
        result=EntityImportResult(),
        unknown_headers="ignore",
        on_refusal=_refused,
        on_written=audit,
    )


def template_workbook() -> bytes:
    """The downloadable .xlsx template: header row, and a sheet listing the accepted values."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "entities"
    append_row(sheet, IMPORT_COLUMNS.headings())
    for i in range(len(COLUMNS)):
        sheet.column_dimensions[chr(ord("A") + i)].width = 24
    help_sheet = workbook.create_sheet("说明 help")
    append_row(help_sheet, ["列 / column", "必填 / required", "可用值 / accepted values"])
    values: dict[str, str] = {
        "uscc": "18 位，含校验位 / 18 characters incl. check character",
        "kind": "; ".join(f"{v} = {_zh_label(lbl)}" for v, lbl in EntityKind.choices),
        "district": "; ".join(District.objects.values_list("name", flat=True)),
        "cert_kind": "; ".join(f"{v} = {_zh_label(lbl)}" for v, lbl in CertificationKind.choices),
        "cert_level": "; ".join(f"{v} = {_zh_label(lbl)}" for v, lbl in CertificationLevel.choices),
        "cert_year": "1990–2100",
    }
    for key, zh, en, required in COLUMNS:
        append_row(help_sheet, [f"{zh} / {en}", "是 / yes" if required else "", values.get(key, "")])
    help_sheet.column_dimensions["A"].width = 36
    help_sheet.column_dimensions["C"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zh_label(label: Any) -> str:
    with translation.override("zh-hans"):
        return str(label)
