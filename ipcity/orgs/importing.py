"""Entity import from .xlsx or .csv: every row is validated first; if any row is bad nothing is written
and every bad row is reported (row, column, reason in Chinese and English); otherwise all rows are
created or updated in one audited transaction. See docs/adr/0005-entity-import.md."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ipcity.core.audit import audit_record
from ipcity.core.excel import append_row
from ipcity.core.identifiers import uscc as uscc_id
from ipcity.core.spreadsheets import SpreadsheetError, TableReader, limits_for
from ipcity.core.text import has_control_characters

from .choices import CertificationKind, CertificationLevel, EntityKind
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


def header_label(key: str) -> str:
    for k, zh, en, _req in COLUMNS:
        if k == key:
            return f"{zh} / {en}"
    return key


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, zh, en, _req in COLUMNS:
        for text in (key, zh, en, f"{zh} / {en}", f"{zh}/{en}"):
            index[_norm(text)] = key
    return index


def _norm(text: Any) -> str:
    return "".join(str(text or "").split()).lower()


def _choice_index(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Accept the code, the English label or the Chinese label of a choice."""
    index: dict[str, str] = {}
    for value, label in choices:
        index[_norm(value)] = value
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                index[_norm(str(label))] = value
    return index


@dataclass
class RowError:
    row: int
    column: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message_zh} / {self.message_en}"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    certifications: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _both(message: Promise | str, **params: Any) -> tuple[str, str]:
    out = []
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            text = str(message)
            out.append(text % params if params else text)
    return out[0], out[1]


def read_rows(stream: IO[bytes], filename: str) -> list[tuple[int, list[Any]]]:
    """(row number, values) of the header and every non-blank row of the first sheet of an .xlsx or of a
    CSV (UTF-8 with/without BOM, or GB18030), through the guarded reader: a file over the entity
    import's limits (rows, columns, expanded size, …) raises SpreadsheetError and nothing is imported."""
    return list(TableReader(stream, filename, limits_for("entities")).rows())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def validate_rows(
    rows: list[tuple[int, list[Any]]],
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    errors: list[RowError] = []

    def err(rownum: int, key: str, message: Promise | str, **params: Any) -> None:
        zh, en = _both(message, **params)
        errors.append(RowError(rownum, header_label(key) if key else "", zh, en))

    if not rows:
        err(1, "", _("The file is empty."))
        return [], errors
    index = _header_index()
    positions: dict[str, int] = {}
    for i, heading in enumerate(rows[0][1]):
        key = index.get(_norm(heading))
        if key and key not in positions:
            positions[key] = i
    missing = [k for k, _zh, _en, req in COLUMNS if req and k not in positions]
    for key in missing:
        err(1, key, _("Required column is missing from the header row."))
    if missing:
        return [], errors
    data_rows = [(n, r) for n, r in rows[1:] if any(_cell(v) for v in r)]
    if not data_rows:
        err(2, "", _("The file has no data rows."))
        return [], errors

    kinds = _choice_index(EntityKind.choices)
    cert_kinds = _choice_index(CertificationKind.choices)
    cert_levels = _choice_index(CertificationLevel.choices)
    districts = {_norm(d.name): d.name for d in District.objects.all()}
    districts.update({_norm(d.name_en): d.name for d in District.objects.exclude(name_en="")})
    seen: dict[str, int] = {}
    good: list[tuple[int, dict[str, str]]] = []
    for rownum, raw in data_rows:
        before = len(errors)
        values = {key: _cell(raw[pos]) if pos < len(raw) else "" for key, pos in positions.items()}
        for key, _zh, _en, _req in COLUMNS:
            values.setdefault(key, "")
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
        kind = kinds.get(_norm(values["kind"]))
        if kind is None:
            err(rownum, "kind", _("Unknown entity kind “%(value)s”."), value=values["kind"])
        else:
            values["kind"] = kind
        if values["district"]:
            name = districts.get(_norm(values["district"]))
            if name is None:
                err(rownum, "district", _("Unknown district “%(value)s”."), value=values["district"])
            else:
                values["district"] = name
        for key, limit in (("address", 300), ("contact_name", 100), ("contact_phone", 40)):
            if len(values[key]) > limit:
                err(rownum, key, _("At most %(max)s characters."), max=limit)
        if any(values[k] for k in CERT_KEYS):
            ck = cert_kinds.get(_norm(values["cert_kind"]))
            if ck is None:
                err(
                    rownum,
                    "cert_kind",
                    _("Unknown certification kind “%(value)s”."),
                    value=values["cert_kind"],
                )
            else:
                values["cert_kind"] = ck
            cl = cert_levels.get(_norm(values["cert_level"]))
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
        if len(errors) == before:
            good.append((rownum, values))
    return good, errors


def import_entities(*, actor: Any, stream: IO[bytes], filename: str) -> ImportResult:
    """Validate every row; write nothing if any is bad; else create/update all rows in one transaction."""
    result = ImportResult()
    try:
        rows = read_rows(stream, filename)
    except (
        SpreadsheetError
    ) as exc:  # the whole file is refused (too big, a bomb, unreadable): nothing written
        zh, en = exc.both()
        result.errors.append(RowError(1, "", zh, en))
        return result
    good, errors = validate_rows(rows)
    result.rows = len(good) + len({e.row for e in errors})
    if errors:
        result.errors = errors
        return result
    with transaction.atomic():
        districts = {d.name: d for d in District.objects.all()}
        for rownum, values in good:
            fields: dict[str, Any] = {
                "name": values["name"],
                "kind": values["kind"],
                "district": districts.get(values["district"]) if values["district"] else None,
                "address": values["address"],
                "contact_name": values["contact_name"],
                "contact_phone": values["contact_phone"],
            }
            try:
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
            except ValidationError as exc:
                # Anything the row checks did not foresee: report it and roll everything back.
                for fld, messages in (
                    exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
                ):
                    key = {"uscc": "uscc", "name": "name", "kind": "kind"}.get(fld, fld)
                    for message in messages:
                        result.errors.append(RowError(rownum, header_label(key), message, message))
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.certifications = 0
            return result
        audit_record(
            actor=actor,
            action="entity.import",
            object_type="orgs.entity",
            object_repr=filename[:300],
            after={
                "file": filename,
                "rows": len(good),
                "created": result.created,
                "updated": result.updated,
                "certifications": result.certifications,
            },
        )
    return result


def template_workbook() -> bytes:
    """The downloadable .xlsx template: header row, and a sheet listing the accepted values."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "entities"
    append_row(sheet, [f"{zh} / {en}" for _k, zh, en, _r in COLUMNS])
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
