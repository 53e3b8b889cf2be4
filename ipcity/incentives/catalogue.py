"""Django-side accessor of the scheme catalogue of the default policy package (cached per process)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from ipcity.core.spreadsheets import SpreadsheetError, TableReader, limits_for

from .engine import Catalogue, FactError, UnknownScheme, applications_from_table, read_batch
from .engine.errors import fact_error


def policy_schemes_dir(policy: str | None = None) -> Path:
    return Path(settings.POLICY_ROOT) / (policy or settings.DEFAULT_POLICY) / "schemes"


@lru_cache(maxsize=4)
def _load(directory: str) -> Catalogue:
    return Catalogue.from_directory(directory)


def get_catalogue(policy: str | None = None) -> Catalogue:
    """The catalogue of ``policy`` (default: settings.DEFAULT_POLICY), loaded once per process."""
    return _load(str(policy_schemes_dir(policy)))


def reload_catalogue() -> None:
    """Forget the cached catalogue (after an analyst edited a scheme file)."""
    _load.cache_clear()


# --- Request handling shared by the API, the CLI and the pages: the same JSON everywhere. -----------------

MAX_SIMULATION_ROWS = 200_000


def error_detail(errors: list[dict[str, Any]], language: str = "zh-hans") -> dict[str, Any]:
    """The 422 body of config/api.py, with both languages: {"detail": [{field, message, type, message_zh, message_en}]}."""
    english = language.startswith("en")
    return {
        "detail": [
            {
                "field": e["field"],
                "message": e["message_en"] if english else e["message_zh"],
                "type": e["code"],
                "message_zh": e["message_zh"],
                "message_en": e["message_en"],
            }
            for e in errors
        ]
    }


def not_found(scheme_id: str) -> dict[str, Any]:
    return {
        "detail": f"unknown scheme: {scheme_id}",
        "message_zh": f"没有编号为“{scheme_id}”的奖补项目",
        "message_en": f"there is no incentive scheme '{scheme_id}'",
    }


def _missing(field_name: str) -> dict[str, Any]:
    return fact_error(field_name, "missing", "必填", "this field is required")


def calculate_payload(payload: Any, language: str = "zh-hans") -> tuple[int, dict[str, Any]]:
    """{"scheme", "date", "facts", "overrides"?, "trace"?} -> (HTTP status, JSON body)."""
    if not isinstance(payload, dict):
        return 422, error_detail(
            [fact_error("body", "not_an_object", "请求体须为 JSON 对象", "the body must be a JSON object")],
            language,
        )
    errors = []
    unknown = set(payload) - {"scheme", "date", "facts", "overrides", "trace"}
    for name in sorted(unknown):
        errors.append(fact_error(name, "unknown_field", f"未知字段“{name}”", f"unknown field '{name}'"))
    for name in ("scheme", "date"):
        if payload.get(name) in (None, ""):
            errors.append(_missing(name))
    scheme_id = payload.get("scheme")
    if scheme_id not in (None, "") and not isinstance(scheme_id, str):
        errors.append(fact_error("scheme", "not_a_string", "须为项目编号", "must be a scheme id"))
    facts = payload.get("facts", {})
    if facts is None:
        facts = {}
    trace = payload.get("trace", True)
    if not isinstance(trace, bool):
        errors.append(fact_error("trace", "not_a_boolean", "须为 true 或 false", "must be true or false"))
    catalogue = get_catalogue()
    if isinstance(scheme_id, str) and scheme_id and scheme_id not in catalogue.schemes:
        return 404, not_found(scheme_id)
    if errors and not (isinstance(scheme_id, str) and scheme_id):
        return 422, error_detail(errors, language)
    try:
        result = catalogue.calculate(
            str(scheme_id),
            payload.get("date"),
            facts,
            payload.get("overrides"),
            with_trace=trace is not False,
        )
    except UnknownScheme as exc:
        return 404, not_found(exc.scheme_id)
    except FactError as exc:
        return 422, error_detail(errors + exc.errors, language)
    if errors:
        return 422, error_detail(errors, language)
    return 200, result.to_dict()


def simulate_payload(applications: Any, reform: Any, language: str = "zh-hans") -> tuple[int, dict[str, Any]]:
    if not isinstance(applications, list):
        return 422, error_detail(
            [fact_error("applications", "not_a_list", "须为申请清单", "must be a list of applications")],
            language,
        )
    if len(applications) > MAX_SIMULATION_ROWS:
        return 422, error_detail(
            [
                fact_error(
                    "applications",
                    "too_many",
                    f"一次最多模拟 {MAX_SIMULATION_ROWS} 条",
                    f"at most {MAX_SIMULATION_ROWS} applications per simulation",
                )
            ],
            language,
        )
    try:
        return 200, get_catalogue().simulate(applications, reform)
    except UnknownScheme as exc:
        return 404, not_found(exc.scheme_id)
    except FactError as exc:
        return 422, error_detail(exc.errors, language)


def read_batch_upload(data: bytes, filename: str, language: str = "zh-hans") -> tuple[list[Any] | None, dict]:
    """Parse an uploaded JSON/CSV/Excel batch; (applications, {}) or (None, 422 body)."""
    name = filename.lower()
    is_zip = data[:2] == b"PK"
    is_json = name.endswith(".json") or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")
    try:
        if is_zip or not is_json:
            # Spreadsheets through the guarded reader: zip bombs, declared dimensions, XML entities, long
            # lines and more rows than the simulation limit refuse the file (ipcity.core.spreadsheets).
            table = TableReader(
                io.BytesIO(data), "batch.xlsx" if is_zip else "batch.csv", limits_for("simulation")
            )
            rows = [values for _number, values in table.rows()]
            return applications_from_table(rows[0], rows[1:]), {}
        return read_batch(data, filename), {}
    except SpreadsheetError as exc:
        zh, en = exc.both()
        return None, error_detail([fact_error("file", exc.code or "unreadable", zh, en)], language)
    except (
        Exception
    ) as exc:  # any unreadable upload is bad user input (csv.Error, openpyxl, zip, …), never a 500
        return None, error_detail(
            [
                fact_error(
                    "file",
                    "unreadable",
                    "无法读取文件：须为 JSON、CSV 或 Excel（.xlsx）",
                    f"cannot read the file: JSON, CSV or Excel (.xlsx) expected ({type(exc).__name__})",
                )
            ],
            language,
        )
