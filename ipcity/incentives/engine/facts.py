"""Facts: what an applicant states. Each scheme declares its facts; anything else is refused (a typo must
not silently pay 0). Parsing accepts JSON values and the strings of CSV cells and web forms alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import FactError, fact_error
from .money import FEN, to_decimal

FACT_TYPES = {"money", "rate", "int", "bool", "date", "choice", "items"}
TRUE = {"true", "1", "yes", "y", "是", "on"}
FALSE = {"false", "0", "no", "n", "否", "off", ""}


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    choice_labels_zh: dict[str, str] = field(default_factory=dict)
    choice_labels_en: dict[str, str] = field(default_factory=dict)
    label_zh: str = ""
    label_en: str = ""
    help_zh: str = ""
    help_en: str = ""
    item_facts: tuple[FactSpec, ...] = ()  # for type "items"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": _jsonable(self.default),
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "help_zh": self.help_zh,
            "help_en": self.help_en,
        }
        if self.choices:
            data["choices"] = [
                {
                    "value": c,
                    "label_zh": self.choice_labels_zh.get(c, c),
                    "label_en": self.choice_labels_en.get(c, c),
                }
                for c in self.choices
            ]
        if self.item_facts:
            data["item_facts"] = [f.to_dict() for f in self.item_facts]
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


COMMON_FACTS: tuple[FactSpec, ...] = (
    FactSpec(
        "credit_blocked",
        "bool",
        default=False,
        label_zh="申请人处于失信惩戒期",
        label_en="Applicant under credit punishment",
        help_zh="列入知识产权领域严重失信名单的主体不予奖励（二(一)3）。",
        help_en="Entities on the serious IP dishonesty list receive nothing (clause 二(一)3).",
    ),
    FactSpec(
        "granted_this_year",
        "money",
        default=Decimal("0.00"),
        label_zh="本年度本项目已获金额（元）",
        label_en="Already granted under this scheme this year (yuan)",
        help_zh="同一主体同一自然年度在本项目下已获得的金额，用于年度总额上限。",
        help_en="Amount this entity already received under this scheme in the same calendar year.",
    ),
    FactSpec(
        "awards_this_year",
        "int",
        default=0,
        label_zh="本年度本项目已奖励数",
        label_en="Awards already made under this scheme this year",
        help_zh="本项目在同一自然年度已作出的奖励数量，用于年度名额。",
        help_en="Number of awards already made under this scheme in the calendar year (yearly quota).",
    ),
)


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("not a date")
    return dt.date.fromisoformat(value.strip())


def _money(path: str, raw: Any, errors: list[dict[str, Any]]) -> Decimal | None:
    try:
        amount = to_decimal(raw)
    except (InvalidOperation, ValueError, TypeError):
        errors.append(
            fact_error(
                path,
                "not_a_number",
                "须为以元为单位的金额，如 12000.50",
                "must be an amount in yuan, e.g. 12000.50",
            )
        )
        return None
    if amount.copy_abs() >= Decimal("1e13"):  # copy_abs: no context, no Overflow on 1e99999999
        errors.append(fact_error(path, "too_large", "金额超出范围", "amount is out of range"))
        return None
    if amount != amount.quantize(FEN, rounding="ROUND_DOWN"):
        errors.append(
            fact_error(
                path,
                "too_many_decimals",
                "金额最多保留两位小数（分）",
                "must have at most 2 decimal places (fen)",
            )
        )
        return None
    if amount < 0:
        errors.append(fact_error(path, "negative", "金额不能为负数", "must not be negative"))
        return None
    return amount.quantize(FEN)


def parse_value(spec: FactSpec, path: str, raw: Any, errors: list[dict[str, Any]]) -> Any:
    """One fact's value, or None with an error appended."""
    kind = spec.type
    if kind == "money":
        return _money(path, raw, errors)
    if kind == "rate":
        try:
            rate = to_decimal(raw)
        except (InvalidOperation, ValueError, TypeError):
            errors.append(
                fact_error(
                    path, "not_a_number", "须为小数，如 0.0365 表示 3.65%", "must be a decimal, e.g. 0.0365"
                )
            )
            return None
        if rate < 0 or rate > 1:
            errors.append(
                fact_error(
                    path, "out_of_range", "利率须在 0 到 1 之间", "must be between 0 and 1 (0.0365 = 3.65%)"
                )
            )
            return None
        return rate
    if kind == "int":
        if isinstance(raw, bool):
            ok = False
        elif isinstance(raw, int):
            ok, value = True, raw
        else:
            try:
                number = to_decimal(raw)
                ok = number == number.to_integral_value()
                # Clamp before int(): int(Decimal("1e9999999")) builds a ten-million-digit integer (minutes
                # of CPU for one typed-in value); anything beyond the range is refused below anyway.
                value = int(max(min(number, Decimal(10**9 + 1)), Decimal(-1))) if ok else 0
            except (InvalidOperation, ValueError, TypeError):
                ok = False
        if not ok:
            errors.append(fact_error(path, "not_an_integer", "须为整数", "must be a whole number"))
            return None
        if value < 0 or value > 10**9:
            errors.append(fact_error(path, "out_of_range", "须为非负整数", "must be a non-negative number"))
            return None
        return value
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in TRUE | FALSE:
            return raw.strip().lower() in TRUE
        errors.append(fact_error(path, "not_a_boolean", "须为 是/否（true/false）", "must be true or false"))
        return None
    if kind == "date":
        try:
            return parse_date(raw)
        except (ValueError, TypeError):
            errors.append(
                fact_error(path, "not_a_date", "须为日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD")
            )
            return None
    if kind == "choice":
        if isinstance(raw, str) and raw.strip() in spec.choices:
            return raw.strip()
        allowed = ", ".join(spec.choices)
        errors.append(
            fact_error(path, "invalid_choice", f"须为以下之一：{allowed}", f"must be one of: {allowed}")
        )
        return None
    if kind == "items":
        if isinstance(raw, str):
            import json

            try:
                raw = json.loads(raw)
            except (ValueError, RecursionError):
                raw = None
        if not isinstance(raw, list) or not raw:
            errors.append(
                fact_error(path, "not_a_list", "须为至少一项的清单", "must be a list with at least one item")
            )
            return None
        if len(raw) > 10000:
            errors.append(fact_error(path, "too_many_items", "清单项目过多", "too many items"))
            return None
        items = []
        for index, item in enumerate(raw):
            items.append(parse_group(spec.item_facts, item, f"{path}.{index}", errors))
        return items
    raise ValueError(f"unknown fact type {kind}")  # pragma: no cover - the loader refuses these


def parse_group(specs: tuple[FactSpec, ...], raw: Any, prefix: str, errors: list[dict[str, Any]]) -> dict:
    """Validate a mapping of facts against specs: unknown names, missing required ones, each value."""
    if not isinstance(raw, dict):
        errors.append(
            fact_error(prefix, "not_an_object", "须为对象（名称: 值）", "must be an object of name: value")
        )
        return {}
    by_name = {s.name: s for s in specs}
    parsed: dict[str, Any] = {}
    for name in raw:
        if name not in by_name:
            errors.append(
                fact_error(
                    f"{prefix}.{name}",
                    "unknown_fact",
                    f"本项目没有名为“{name}”的事实",
                    f"this scheme has no fact named '{name}'",
                )
            )
    for spec in specs:
        path = f"{prefix}.{spec.name}"
        raw_value = raw.get(spec.name)
        if raw_value is None or (
            isinstance(raw_value, str) and raw_value.strip() == "" and spec.type != "bool"
        ):
            if spec.required:
                errors.append(fact_error(path, "missing", "必填", "this fact is required"))
            else:
                parsed[spec.name] = spec.default
            continue
        value = parse_value(spec, path, raw_value, errors)
        parsed[spec.name] = value
    return parsed


def parse_facts(specs: tuple[FactSpec, ...], raw: Any) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    parsed = parse_group(specs, raw, "facts", errors)
    if errors:
        raise FactError(errors)
    return parsed
