"""Loads a policy package's schemes: ``schemes/<id>.yaml`` (data) plus an optional ``schemes/<id>.py``
holding a small rule function ``compute(ctx) -> Decimal``. ``schemes/_policy.yaml`` gives defaults
(the period the plan is in force). The loader refuses anything it cannot explain: a parameter without a
clause reference, a value without a unit, a fact of unknown type, a condition on an unknown fact."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyError
from .facts import COMMON_FACTS, FACT_TYPES, FactSpec
from .model import AmountRule, Condition, Scheme
from .money import to_decimal
from .parameters import UNITS, DatedValue, Parameter

RULE_KINDS = {"capped_request", "per_item", "share", "custom"}
SCHEME_KEYS = {
    "id", "title_zh", "title_en", "clause", "clauses", "who", "how_much", "subject", "in_force", "facts",
    "conditions", "amount", "annual_cap", "yearly_quota", "per_entity_per_year", "parameters", "decisions",
}  # fmt: skip
FACT_KEYS = {
    "name",
    "type",
    "required",
    "default",
    "choices",
    "label_zh",
    "label_en",
    "help_zh",
    "help_en",
    "items",
}
CONDITION_KEYS = {"fact", "is", "in", "min", "reason", "clause", "zh", "en"}
PARAMETER_KEYS = {
    "unit",
    "reference",
    "label_zh",
    "label_en",
    "value",
    "values",
    "decision_zh",
    "decision_en",
    "min",
    "max",
}
AMOUNT_KEYS = {"kind", "clause", "base_fact", "rate", "cap", "cap_by"}


def _only(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    """Refuse unknown keys: a typo (or an unquoted comma in a flow mapping) must not pass silently."""
    extra = set(raw) - allowed
    if extra:
        raise PolicyError(f"{where}: unknown keys {sorted(map(str, extra))}")


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PolicyError(f"{where}: not a date: {value!r}") from None


def _number(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):
        raise PolicyError(f"{where}: write numbers as strings ('0.60'), not floats")
    try:
        return to_decimal(value)
    except (InvalidOperation, ValueError):
        raise PolicyError(f"{where}: not a number: {value!r}") from None


def load_parameter(name: str, raw: dict[str, Any], start: dt.date, end: dt.date, where: str) -> Parameter:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: parameter {name} must be a mapping")
    _only(raw, PARAMETER_KEYS, f"{where}: parameter {name}")
    reference = str(raw.get("reference") or "").strip()
    if not reference:
        raise PolicyError(f"{where}: parameter {name} has no clause reference (reference: …)")
    unit = raw.get("unit")
    if unit not in UNITS:
        raise PolicyError(f"{where}: parameter {name}: unit must be one of {sorted(UNITS)}")
    if "values" in raw:
        values = tuple(
            DatedValue(
                _date(v.get("from", start), where),
                _date(v["until"], where) if v.get("until") else None,
                _number(v.get("value"), f"{where}: {name}"),
                str(v.get("note", "")),
            )
            for v in raw["values"]
        )
    elif "value" in raw:
        values = (DatedValue(start, end, _number(raw["value"], f"{where}: {name}")),)
    else:
        raise PolicyError(
            f"{where}: parameter {name} needs value: (null if the plan leaves it open) or values:"
        )
    parameter = Parameter(
        name=name,
        unit=unit,
        reference=reference,
        label_zh=str(raw.get("label_zh", "")),
        label_en=str(raw.get("label_en", "")),
        values=values,
        decision_zh=str(raw.get("decision_zh", "")).strip(),
        decision_en=str(raw.get("decision_en", "")).strip(),
        minimum=_number(raw.get("min"), f"{where}: {name}.min"),
        maximum=_number(raw.get("max"), f"{where}: {name}.max"),
    )
    for v in values:
        problem = parameter.check(v.value)
        if problem:
            raise PolicyError(f"{where}: parameter {name} = {v.value}: {problem[1]}")
    return parameter


def load_fact(raw: dict[str, Any], where: str) -> FactSpec:
    _only(raw, FACT_KEYS, f"{where}: fact {raw.get('name')}")
    kind = raw.get("type")
    if kind not in FACT_TYPES:
        raise PolicyError(f"{where}: fact {raw.get('name')}: type must be one of {sorted(FACT_TYPES)}")
    choices = raw.get("choices") or {}
    default = raw.get("default")
    if kind == "money" and default is not None:
        default = _number(default, where)
    return FactSpec(
        name=str(raw["name"]),
        type=kind,
        required=bool(raw.get("required", False)),
        default=default,
        choices=tuple(choices),
        choice_labels_zh={k: v.get("zh", k) for k, v in choices.items()},
        choice_labels_en={k: v.get("en", k) for k, v in choices.items()},
        label_zh=str(raw.get("label_zh", "")),
        label_en=str(raw.get("label_en", "")),
        help_zh=str(raw.get("help_zh", "")),
        help_en=str(raw.get("help_en", "")),
        item_facts=tuple(load_fact(f, where) for f in raw.get("items", [])),
    )


def load_scheme(path: Path, defaults: dict[str, Any]) -> Scheme:
    where = path.name
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or "id" not in raw:
        raise PolicyError(f"{where}: not a scheme (needs id:)")
    _only(raw, SCHEME_KEYS, where)
    in_force = {**defaults.get("in_force", {}), **(raw.get("in_force") or {})}
    start = _date(in_force.get("from"), where)
    end = _date(in_force.get("until"), where)
    parameters = {
        name: load_parameter(name, spec, start, end, where)
        for name, spec in (raw.get("parameters") or {}).items()
    }
    facts = [load_fact(f, where) for f in raw.get("facts", [])]
    facts += [c for c in COMMON_FACTS if c.name not in {f.name for f in facts}]
    names = {f.name for f in facts}

    conditions = []
    for c in raw.get("conditions", []):
        _only(c, CONDITION_KEYS, f"{where}: condition on {c.get('fact')}")
        if c["fact"] not in names:
            raise PolicyError(f"{where}: condition on unknown fact {c['fact']}")
        if not c.get("clause") or not c.get("reason"):
            raise PolicyError(f"{where}: condition on {c['fact']} needs reason and clause")
        conditions.append(
            Condition(
                fact=c["fact"],
                reason=c["reason"],
                clause=str(c["clause"]),
                zh=c.get("zh", ""),
                en=c.get("en", ""),
                equals=c.get("is"),
                one_of=tuple(c.get("in", ())),
                minimum=c.get("min"),
            )
        )

    amount = raw.get("amount") or {}
    _only(amount, AMOUNT_KEYS, f"{where}: amount")
    kind = amount.get("kind")
    if kind not in RULE_KINDS:
        raise PolicyError(f"{where}: amount.kind must be one of {sorted(RULE_KINDS)}")
    compute = None
    if kind == "custom":
        module_path = path.with_suffix(".py")
        if not module_path.exists():
            raise PolicyError(f"{where}: kind custom needs {module_path.name} with compute(ctx)")
        spec = importlib.util.spec_from_file_location(f"ipcity_scheme_{raw['id']}", module_path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        compute = module.compute
    cap_by = dict(amount.get("cap_by") or {})
    cap_by_fact = cap_by.pop("fact", None)
    rule = AmountRule(
        kind=kind,
        clause=str(amount.get("clause") or raw["clause"]),
        base_fact=amount.get("base_fact", "requested_amount"),
        rate=amount.get("rate"),
        cap=amount.get("cap"),
        cap_by_fact=cap_by_fact,
        cap_by=cap_by,
        compute=compute,
    )
    per_entity_refs = [raw.get("annual_cap"), raw.get("yearly_quota"), raw.get("per_entity_per_year")]
    for ref in [rule.rate, rule.cap, *cap_by.values(), *per_entity_refs]:
        if ref and ref not in parameters:
            raise PolicyError(f"{where}: refers to undefined parameter {ref}")
    if kind in {"capped_request", "share"} and rule.base_fact not in names:
        raise PolicyError(f"{where}: base fact {rule.base_fact} is not declared")

    who = raw.get("who") or {}
    how_much = raw.get("how_much") or {}
    scheme_id = str(raw["id"])
    if path.stem != scheme_id:
        raise PolicyError(f"{where}: file name must be the scheme id ({scheme_id}.yaml)")
    return Scheme(
        id=scheme_id,
        title_zh=raw["title_zh"],
        title_en=raw["title_en"],
        clause=str(raw["clause"]),
        clauses={str(k): str(v).strip() for k, v in (raw.get("clauses") or {}).items()},
        summary_zh=f"{who.get('zh', '')}{how_much.get('zh', '')}",
        summary_en=f"{who.get('en', '')} {how_much.get('en', '')}".strip(),
        who_zh=who.get("zh", ""),
        who_en=who.get("en", ""),
        how_much_zh=how_much.get("zh", ""),
        how_much_en=how_much.get("en", ""),
        subject=dict(raw.get("subject") or {"label_zh": "申请事项", "label_en": "Application subject"}),
        in_force_from=start,
        in_force_until=end,
        facts=facts,
        conditions=tuple(conditions),
        rule=rule,
        parameters=parameters,
        annual_cap_parameter=raw.get("annual_cap"),
        yearly_quota_parameter=raw.get("yearly_quota"),
        per_entity_per_year_parameter=raw.get("per_entity_per_year"),
        decisions=tuple(raw.get("decisions") or ()),
        source=str(path),
    )


def load_schemes(directory: Path | str) -> dict[str, Scheme]:
    directory = Path(directory)
    defaults_path = directory / "_policy.yaml"
    defaults = yaml.safe_load(defaults_path.read_text(encoding="utf-8")) if defaults_path.exists() else {}
    schemes: dict[str, Scheme] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        scheme = load_scheme(path, defaults or {})
        schemes[scheme.id] = scheme
    return schemes
