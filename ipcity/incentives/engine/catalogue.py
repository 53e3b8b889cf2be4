"""The catalogue: all schemes of one policy package, with calculate / simulate and the cap accessors the
grants workflow enforces at approval time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import FactError, UnknownScheme, fact_error
from .facts import parse_date, parse_facts
from .loader import load_schemes
from .model import Result, Scheme
from .money import ZERO, to_decimal
from .parameters import Override, Parameter
from .rules import evaluate


def _parse_on(on: Any, field_name: str = "date") -> dt.date:
    try:
        return parse_date(on)
    except (ValueError, TypeError):
        raise FactError(
            [fact_error(field_name, "not_a_date", "须为日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD")]
        ) from None


def parse_overrides(raw: Any, scheme_id: str | None = None, prefix: str = "overrides") -> list[Override]:
    """Overrides as ``{param: value}``, ``{param: {"value", "from", "until"}}`` (one scheme) or a list of
    ``{"scheme", "parameter", "value", "from", "until"}`` (any scheme)."""
    if raw is None:
        return []
    items: list[tuple[str, dict[str, Any]]] = []
    if isinstance(raw, Mapping):
        for name, spec in raw.items():
            body = dict(spec) if isinstance(spec, Mapping) else {"value": spec}
            body.setdefault("scheme", scheme_id)
            body["parameter"] = name
            items.append((f"{prefix}.{name}", body))
    elif isinstance(raw, list):
        for index, spec in enumerate(raw):
            if isinstance(spec, Override):
                items.append((f"{prefix}.{index}", spec.__dict__))
            elif isinstance(spec, Mapping):
                items.append((f"{prefix}.{index}", dict(spec)))
            else:
                raise FactError(
                    [fact_error(f"{prefix}.{index}", "not_an_object", "须为对象", "must be an object")]
                )
    else:
        raise FactError(
            [fact_error(prefix, "not_an_object", "须为对象或列表", "must be an object or a list")]
        )
    result: list[Override] = []
    errors: list[dict[str, Any]] = []
    for path, body in items:
        value = body.get("value")
        number: Decimal | None = None
        if value is not None:
            try:
                number = to_decimal(value)
                if number < 0:
                    raise InvalidOperation
            except (InvalidOperation, ValueError, TypeError):
                errors.append(
                    fact_error(f"{path}.value", "not_a_number", "须为非负数", "must be a non-negative number")
                )
                continue
        dates: list[dt.date | None] = []
        for key in ("from", "until", "start", "end"):
            if body.get(key) in (None, ""):
                dates.append(None)
                continue
            try:
                dates.append(parse_date(body[key]))
            except (ValueError, TypeError):
                errors.append(
                    fact_error(f"{path}.{key}", "not_a_date", "须为日期 YYYY-MM-DD", "must be a date")
                )
                dates.append(None)
        start = dates[0] or dates[2]
        end = dates[1] or dates[3]
        result.append(
            Override(str(body.get("scheme") or ""), str(body.get("parameter") or ""), number, start, end)
        )
    if errors:
        raise FactError(errors)
    return result


@dataclass
class Catalogue:
    schemes: dict[str, Scheme]
    source: str = ""
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_directory(cls, directory: Path | str) -> Catalogue:
        return cls(load_schemes(directory), source=str(directory))

    def scheme(self, scheme_id: str) -> Scheme:
        try:
            return self.schemes[scheme_id]
        except (KeyError, TypeError):
            raise UnknownScheme(str(scheme_id)) from None

    def _parameters(self, scheme: Scheme, overrides: Iterable[Override]) -> dict[str, Parameter]:
        params = scheme.parameters
        changed = None
        for o in overrides:
            if o.scheme and o.scheme != scheme.id:
                continue
            if o.parameter not in params:
                raise FactError(
                    [
                        fact_error(
                            f"overrides.{o.parameter}",
                            "unknown_parameter",
                            f"本项目没有参数“{o.parameter}”",
                            f"this scheme has no parameter '{o.parameter}'",
                        )
                    ]
                )
            problem = params[o.parameter].check(o.value)
            if problem:
                raise FactError(
                    [
                        fact_error(
                            f"overrides.{o.parameter}",
                            "out_of_range",
                            f"参数 {o.parameter} {problem[0]}",
                            f"parameter {o.parameter} {problem[1]}",
                        )
                    ]
                )
            if changed is None:
                changed = dict(params)
            changed[o.parameter] = changed[o.parameter].overridden(o.value, o.start, o.end)
        return changed if changed is not None else params

    def calculate(
        self,
        scheme_id: str,
        on: Any,
        facts: Any,
        overrides: Any = None,
        with_trace: bool = True,
    ) -> Result:
        scheme = self.scheme(scheme_id)
        errors: list[dict[str, Any]] = []
        try:
            day = _parse_on(on)
        except FactError as exc:
            errors += exc.errors
        try:
            parsed = parse_facts(scheme.fact_specs, facts if facts is not None else {})
        except FactError as exc:
            errors += exc.errors
        if errors:
            raise FactError(errors)
        override_list = parse_overrides(overrides, scheme.id) if overrides else []
        return evaluate(scheme, day, parsed, self._parameters(scheme, override_list), with_trace=with_trace)

    def annual_cap(self, scheme_id: str, on: Any) -> Decimal | None:
        scheme = self.scheme(scheme_id)
        if not scheme.annual_cap_parameter:
            return None
        return scheme.parameters[scheme.annual_cap_parameter].value_at(_parse_on(on))

    def yearly_quota(self, scheme_id: str, on: Any) -> int | None:
        scheme = self.scheme(scheme_id)
        if not scheme.yearly_quota_parameter:
            return None
        value = scheme.parameters[scheme.yearly_quota_parameter].value_at(_parse_on(on))
        return None if value is None else int(value)

    def per_entity_per_year(self, scheme_id: str, on: Any) -> int | None:
        """Awards one entity may receive under the scheme in a year (None: no such limit)."""
        scheme = self.scheme(scheme_id)
        if not scheme.per_entity_per_year_parameter:
            return None
        value = scheme.parameters[scheme.per_entity_per_year_parameter].value_at(_parse_on(on))
        return None if value is None else int(value)

    def simulate(
        self, applications: Iterable[Mapping[str, Any]], reform: Any = None, with_trace: bool = False
    ) -> dict[str, Any]:
        """Evaluate a batch under the current rules and under ``reform`` (a list of overrides)."""
        overrides = parse_overrides(reform, None, "reform") if reform else []
        problems = []
        for index, o in enumerate(overrides):
            if not o.scheme:
                problems.append(
                    fact_error(
                        f"reform.{index}.scheme",
                        "missing",
                        "每项改动须指明 scheme",
                        "each change must name its scheme",
                    )
                )
                continue
            param = self.scheme(o.scheme).parameters.get(o.parameter)
            problem = param.check(o.value) if param is not None else None
            if problem:
                problems.append(
                    fact_error(
                        f"reform.{index}.value",
                        "out_of_range",
                        f"参数 {o.parameter} {problem[0]}",
                        f"parameter {o.parameter} {problem[1]}",
                    )
                )
            if param is None:
                problems.append(
                    fact_error(
                        f"reform.{index}.parameter",
                        "unknown_parameter",
                        f"项目 {o.scheme} 没有参数“{o.parameter}”",
                        f"scheme {o.scheme} has no parameter '{o.parameter}'",
                    )
                )
        if problems:
            raise FactError(problems)
        per_scheme: dict[str, dict[str, Any]] = {}
        totals = {"baseline": ZERO, "reform": ZERO}
        counts = {"baseline": 0, "reform": 0}
        errors: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        n = 0
        for index, app in enumerate(applications):
            n += 1
            if not isinstance(app, Mapping):
                errors.append(
                    {
                        "row": index + 1,
                        "errors": [fact_error("row", "not_an_object", "须为对象", "must be an object")],
                    }
                )
                continue
            scheme_id = app.get("scheme")
            try:
                base = self.calculate(
                    str(scheme_id), app.get("date"), app.get("facts"), with_trace=with_trace
                )
                new = self.calculate(str(scheme_id), app.get("date"), app.get("facts"), overrides, with_trace)
            except UnknownScheme:
                errors.append(
                    {
                        "row": index + 1,
                        "errors": [fact_error("scheme", "unknown_scheme", "未知项目", "unknown scheme")],
                    }
                )
                continue
            except FactError as exc:
                errors.append({"row": index + 1, "errors": exc.errors})
                continue
            row = per_scheme.setdefault(
                base.scheme,
                {
                    "applications": 0,
                    "baseline": ZERO,
                    "reform": ZERO,
                    "eligible_baseline": 0,
                    "eligible_reform": 0,
                },
            )
            row["applications"] += 1
            row["baseline"] += base.amount
            row["reform"] += new.amount
            row["eligible_baseline"] += base.eligible
            row["eligible_reform"] += new.eligible
            totals["baseline"] += base.amount
            totals["reform"] += new.amount
            counts["baseline"] += base.eligible
            counts["reform"] += new.eligible
            if base.amount != new.amount and len(changed) < 100:
                changed.append(
                    {
                        "row": index + 1,
                        "id": app.get("id"),
                        "scheme": base.scheme,
                        "baseline": str(base.amount),
                        "reform": str(new.amount),
                    }
                )

        def money(value: Decimal) -> str:
            return format(value.quantize(Decimal("0.01")), "f")

        return {
            "applications": n,
            "evaluated": n - len(errors),
            "reform": [
                {
                    "scheme": o.scheme,
                    "parameter": o.parameter,
                    "value": None if o.value is None else format(o.value, "f"),
                    "from": o.start.isoformat() if o.start else None,
                    "until": o.end.isoformat() if o.end else None,
                }
                for o in overrides
            ],
            "currency": "CNY",
            "total": {
                "baseline": money(totals["baseline"]),
                "reform": money(totals["reform"]),
                "difference": money(totals["reform"] - totals["baseline"]),
                "eligible_baseline": counts["baseline"],
                "eligible_reform": counts["reform"],
            },
            "per_scheme": {
                sid: {
                    "applications": row["applications"],
                    "eligible_baseline": row["eligible_baseline"],
                    "eligible_reform": row["eligible_reform"],
                    "baseline": money(row["baseline"]),
                    "reform": money(row["reform"]),
                    "difference": money(row["reform"] - row["baseline"]),
                }
                for sid, row in sorted(per_scheme.items())
            },
            "changed": changed,
            "errors": errors[:100],
            "error_count": len(errors),
        }
