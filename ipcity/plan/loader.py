"""Load a policy package (policies/<plan>/{organisations,plan,indicators}.yaml) into the database.

The package is parsed and validated completely (pydantic schemas, then cross-file checks) before
anything is written; every problem is reported as `<file>: <entry>: <what is wrong>`. The write is
one transaction with one audit record, and is skipped when the package's digest (sha256 of its
canonical JSON) equals the digest stored on the plan. See docs/policy-package.md and ADR 0010.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from ipcity.core.audit import audit_record

from .choices import AssignmentRole, AuditAction, Comparison, PeriodFrequency

FILES = ("organisations.yaml", "plan.yaml", "indicators.yaml")
CN_NUMERALS = "一二三四五六七八九十"


class PolicyPackageError(Exception):
    """A package that cannot be loaded. `problems` lists every problem as `file: entry: message`."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# --- schemas ---------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DepartmentIn(_Strict):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=200)


class DistrictIn(_Strict):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=200)
    kind: Literal["district", "county_city", "management_committee"]
    division_code: str = Field(default="", pattern=r"^(\d{6})?$")


class OrganisationsIn(_Strict):
    departments: list[DepartmentIn] = Field(min_length=1)
    districts: list[DistrictIn] = Field(default_factory=list)


class MeasureIn(_Strict):
    number: int = Field(ge=1, le=99)
    code: str = Field(pattern=r"^\d+\.\d+$")
    title: str = Field(min_length=1, max_length=200)
    title_en: str = Field(default="", max_length=300)
    clause: str = Field(min_length=1, max_length=30)
    main_text: str = Field(min_length=1)
    main_text_units: list[str] = Field(default_factory=list)


class ProgrammeIn(_Strict):
    number: int = Field(ge=1, le=99)
    title: str = Field(min_length=1, max_length=200)
    title_en: str = Field(default="", max_length=300)
    clause: str = Field(default="", max_length=30)
    measures: list[MeasureIn] = Field(min_length=1)


class TaskIn(_Strict):
    code: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    text: str = Field(min_length=1)
    text_en: str = ""
    responsible_units: list[str] = Field(min_length=1)


class PlanIn(_Strict):
    code: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, max_length=200)
    title_en: str = Field(default="", max_length=300)
    subtitle: str = Field(default="", max_length=200)
    document_number: str = Field(min_length=1, max_length=60)
    issuer: str = Field(min_length=1, max_length=100)
    issued_on: dt.date
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    report_frequency: PeriodFrequency = PeriodFrequency.QUARTERLY
    report_due_days: int = Field(default=10, ge=0, le=90)
    preamble: str = ""
    goals_text: str = ""
    safeguards_text: str = ""
    programmes: list[ProgrammeIn] = Field(min_length=1)
    tasks: list[TaskIn] = Field(min_length=1)


class IndicatorIn(_Strict):
    code: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=300)
    clause: str = Field(min_length=1)
    unit: str = Field(default="", max_length=40)
    unit_en: str = Field(default="", max_length=60)
    comparison: Comparison
    target: Decimal | None = Field(default=None, max_digits=20, decimal_places=4)
    target_year: int = Field(ge=2000, le=2100)
    baseline: Decimal | None = Field(default=None, max_digits=20, decimal_places=4)
    baseline_year: int | None = Field(default=None, ge=2000, le=2100)
    computed_by: str = Field(default="", max_length=100)
    notes: str = ""

    @field_validator("target", "baseline", mode="before")
    @classmethod
    def _no_float(cls, value: Any) -> Any:
        # YAML reads 8.1 as a float; go through str so Decimal gets exactly what was written.
        return str(value) if isinstance(value, float) else value


class IndicatorsIn(_Strict):
    indicators: list[IndicatorIn] = Field(default_factory=list)


SCHEMAS: dict[str, type[BaseModel]] = {
    "organisations.yaml": OrganisationsIn,
    "plan.yaml": PlanIn,
    "indicators.yaml": IndicatorsIn,
}


@dataclass
class Package:
    folder: Path
    organisations: OrganisationsIn
    plan: PlanIn
    indicators: IndicatorsIn
    digest: str


@dataclass
class LoadResult:
    plan: Any
    changed: bool
    digest: str
    counts: dict[str, int] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def message(self) -> str:
        if not self.changed:
            return (
                f"Unchanged: policy package {self.plan.code} (digest {self.digest[:12]}) is already "
                "loaded; nothing to do."
            )
        counts = ", ".join(f"{v} {k}" for k, v in self.counts.items())
        changes = ", ".join(f"{k} {v}" for k, v in self.changes.items() if v) or "no row changes"
        return f"Loaded policy package {self.plan.code} ({counts}); {changes}; digest {self.digest[:12]}."


# --- reading and validating --------------------------------------------------------------------


def _loc(loc: tuple[int | str, ...], data: Any) -> str:
    """pydantic's error location as `tasks[12] (3.2.2).responsible_units[0]`."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            code = node.get("code") if isinstance(node, dict) else None
            if code is not None:
                out += f" ({code})"
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _read(folder: Path, name: str, problems: list[str]) -> Any:
    path = folder / name
    if not path.is_file():
        problems.append(f"{name}: file is missing from {folder}")
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{name}: not UTF-8 text")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark is not None else ""
        problems.append(f"{name}: {where}invalid YAML: {getattr(exc, 'problem', None) or exc}")
        return None
    if not isinstance(data, dict):
        problems.append(f"{name}: the top level must be a mapping, not {type(data).__name__}")
        return None
    return data


def _validate(name: str, data: Any, problems: list[str]) -> Any:
    try:
        return SCHEMAS[name].model_validate(data)
    except PydanticValidationError as exc:
        for error in exc.errors():
            where = _loc(tuple(error["loc"]), data)
            problems.append(f"{name}: {where}: {error['msg']}")
        return None


def _cross_check(orgs: OrganisationsIn, plan: PlanIn, indicators: IndicatorsIn) -> list[str]:
    problems: list[str] = []
    dept_names = {dept.name for dept in orgs.departments}
    rows: list[tuple[str, int, str, str]] = [
        ("departments", i, d.code, d.name) for i, d in enumerate(orgs.departments)
    ] + [("districts", i, d.code, d.name) for i, d in enumerate(orgs.districts)]
    seen: set[tuple[str, str, str]] = set()
    for kind, i, code, name in rows:
        for attr, value in (("code", code), ("name", name)):
            if (kind, attr, value) in seen:
                problems.append(f"organisations.yaml: {kind}[{i}] ({code}): duplicate {attr} {value!r}")
            seen.add((kind, attr, value))
    for i, district in enumerate(orgs.districts):
        if district.kind == "management_committee" and district.division_code:
            problems.append(
                f"organisations.yaml: districts[{i}] ({district.code}): a management committee has no "
                "division code"
            )
        if district.kind != "management_committee" and not district.division_code:
            problems.append(
                f"organisations.yaml: districts[{i}] ({district.code}): division_code is required"
            )

    if plan.end_year < plan.start_year:
        problems.append("plan.yaml: end_year: the last year cannot be before the first year")
    measures: dict[str, MeasureIn] = {}
    for p_i, programme in enumerate(plan.programmes):
        where = f"plan.yaml: programmes[{p_i}]"
        if programme.number != p_i + 1:
            problems.append(
                f"{where}: number is {programme.number}, expected {p_i + 1} (programmes are numbered in order)"
            )
        for m_i, measure in enumerate(programme.measures):
            m_where = f"{where}.measures[{m_i}] ({measure.code})"
            if measure.number != m_i + 1:
                problems.append(f"{m_where}: number is {measure.number}, expected {m_i + 1}")
            expected = f"{programme.number}.{measure.number}"
            if measure.code != expected:
                problems.append(f"{m_where}: code does not match the numbering, expected {expected!r}")
            if measure.code in measures:
                problems.append(f"{m_where}: duplicate measure code")
            measures[measure.code] = measure
            for u_i, unit in enumerate(measure.main_text_units):
                if unit not in dept_names:
                    problems.append(f"{m_where}: main_text_units[{u_i}]: unknown department {unit!r}")

    task_codes: set[str] = set()
    next_number: dict[str, int] = {}
    last_measure_index = -1
    measure_order = list(measures)
    for t_i, task in enumerate(plan.tasks):
        where = f"plan.yaml: tasks[{t_i}] ({task.code})"
        if task.code in task_codes:
            problems.append(f"{where}: duplicate task code")
            continue
        task_codes.add(task.code)
        measure_code, number = task.code.rsplit(".", 1)
        if measure_code not in measures:
            problems.append(f"{where}: code: no measure {measure_code!r} in programmes")
            continue
        expected_number = next_number.get(measure_code, 1)
        if int(number) != expected_number:
            problems.append(
                f"{where}: code does not follow the numbering: expected {measure_code}.{expected_number} "
                "(tasks of a measure are numbered 1, 2, … in annex order)"
            )
        next_number[measure_code] = int(number) + 1
        index = measure_order.index(measure_code)
        if index < last_measure_index:
            problems.append(f"{where}: out of annex order (tasks must follow programme/measure order)")
        last_measure_index = max(last_measure_index, index)
        seen_units: set[str] = set()
        for u_i, unit in enumerate(task.responsible_units):
            if unit not in dept_names:
                problems.append(f'{where}: responsible_units[{u_i}]: unknown department "{unit}"')
            if unit in seen_units:
                problems.append(f'{where}: responsible_units[{u_i}]: department "{unit}" is listed twice')
            seen_units.add(unit)
    for code in measures:
        if code not in next_number:
            problems.append(
                f"plan.yaml: measure {code}: has no task (every measure needs at least one annex row)"
            )

    ind_codes: set[str] = set()
    for i, ind in enumerate(indicators.indicators):
        where = f"indicators.yaml: indicators[{i}] ({ind.code})"
        if ind.code in ind_codes:
            problems.append(f"{where}: duplicate indicator code")
        ind_codes.add(ind.code)
        if ind.comparison != Comparison.RISING and ind.target is None:
            problems.append(f"{where}: target: required for comparison {ind.comparison.value!r}")
        if not plan.start_year <= ind.target_year <= plan.end_year:
            problems.append(
                f"{where}: target_year: {ind.target_year} is outside the plan years "
                f"{plan.start_year}–{plan.end_year}"
            )
        if (ind.baseline is None) != (ind.baseline_year is None):
            problems.append(f"{where}: baseline and baseline_year go together")
    return problems


def _digest(parts: dict[str, BaseModel]) -> str:
    canonical = {name: model.model_dump(mode="json") for name, model in parts.items()}
    raw = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def read_package(folder: str | Path) -> Package:
    """Parse and validate a package folder; raise PolicyPackageError listing every problem."""
    path = Path(folder)
    if not path.is_dir():
        raise PolicyPackageError([f"{path}: not a policy package folder"])
    problems: list[str] = []
    parsed: dict[str, Any] = {}
    for name in FILES:
        data = _read(path, name, problems)
        if data is not None:
            parsed[name] = _validate(name, data, problems)
    if problems:
        raise PolicyPackageError(problems)
    problems = _cross_check(parsed["organisations.yaml"], parsed["plan.yaml"], parsed["indicators.yaml"])
    if problems:
        raise PolicyPackageError(problems)
    return Package(
        folder=path,
        organisations=parsed["organisations.yaml"],
        plan=parsed["plan.yaml"],
        indicators=parsed["indicators.yaml"],
        digest=_digest(parsed),
    )


# --- writing -----------------------------------------------------------------------------------


class _Counter:
    def __init__(self) -> None:
        self.created = 0
        self.updated = 0
        self.deleted = 0


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], counter: _Counter
) -> Any:
    """Create or update one row in place (keeping its id); full_clean before saving."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        counter.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
        counter.updated += 1
    return obj


def _upsert_org(
    model: type[models.Model], name: str, values: dict[str, Any], counter: _Counter, actor: Any
) -> Any:
    """Create or update a department or district by name through the orgs services (which validate and
    audit), so the policy package writes another app's tables only the way that app allows."""
    from ipcity.orgs import services as orgs_services
    from ipcity.orgs.models import Department

    is_department = model is Department
    obj: Any = model._default_manager.filter(name=name).first()
    if obj is None:
        create = orgs_services.department_create if is_department else orgs_services.district_create
        counter.created += 1
        return create(actor=actor, name=name, **values)
    changed = {key: value for key, value in values.items() if getattr(obj, key) != value}
    if changed:
        counter.updated += 1
        if is_department:
            return orgs_services.department_update(actor=actor, department=obj, **changed)
        return orgs_services.district_update(actor=actor, district=obj, **changed)
    return obj


def _where(file: str, exc: DjangoValidationError, label: str) -> PolicyPackageError:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    return PolicyPackageError(
        [
            f"{file}: {label}: {name + ': ' if name else ''}{'; '.join(msgs)}"
            for name, msgs in messages.items()
        ]
    )


def load_package(folder: str | Path, *, actor: Any = "load_policy") -> LoadResult:
    """Validate and load a package. Idempotent: an unchanged package writes nothing."""
    from ipcity.orgs.models import Department, District

    from .models import Indicator, Measure, Plan, Programme, Task, TaskAssignment

    package = read_package(folder)
    spec = package.plan
    counts = {
        "programmes": len(spec.programmes),
        "measures": sum(len(p.measures) for p in spec.programmes),
        "tasks": len(spec.tasks),
        "indicators": len(package.indicators.indicators),
        "departments": len(package.organisations.departments),
        "districts": len(package.organisations.districts),
    }
    existing = Plan.objects.filter(code=spec.code).first()
    if existing is not None and existing.package_digest == package.digest:
        return LoadResult(plan=existing, changed=False, digest=package.digest, counts=counts)

    orgs_c, plan_c, struct_c, task_c, assign_c, ind_c = (_Counter() for _ in range(6))
    file, label = "organisations.yaml", ""
    try:
        with transaction.atomic():
            departments: dict[str, Any] = {}
            for i, dept in enumerate(package.organisations.departments):
                label = f"departments[{i}] ({dept.code})"
                departments[dept.name] = _upsert_org(
                    Department,
                    dept.name,
                    {"code": dept.code, "name_en": dept.name_en, "order": i + 1},
                    orgs_c,
                    actor,
                )
            for i, district in enumerate(package.organisations.districts):
                label = f"districts[{i}] ({district.code})"
                _upsert_org(
                    District,
                    district.name,
                    {
                        "code": district.code,
                        "name_en": district.name_en,
                        "kind": district.kind,
                        "division_code": district.division_code,
                        "order": i + 1,
                    },
                    orgs_c,
                    actor,
                )
            file = "plan.yaml"
            label = "plan"
            before = {"package_digest": existing.package_digest} if existing else None
            plan = _upsert(
                Plan,
                {"code": spec.code},
                {
                    "title": spec.title,
                    "title_en": spec.title_en,
                    "subtitle": spec.subtitle,
                    "document_number": spec.document_number,
                    "issuer": spec.issuer,
                    "issued_on": spec.issued_on,
                    "start_year": spec.start_year,
                    "end_year": spec.end_year,
                    "report_frequency": spec.report_frequency.value,
                    "report_due_days": spec.report_due_days,
                    "preamble": spec.preamble,
                    "goals_text": spec.goals_text,
                    "safeguards_text": spec.safeguards_text,
                },
                plan_c,
            )
            measures: dict[str, Any] = {}
            keep_programmes, keep_measures = [], []
            for p_i, prog in enumerate(spec.programmes):
                label = f"programmes[{p_i}]"
                programme = _upsert(
                    Programme,
                    {"plan": plan, "number": prog.number},
                    {"title": prog.title, "title_en": prog.title_en},
                    struct_c,
                )
                keep_programmes.append(programme.pk)
                for m_i, meas in enumerate(prog.measures):
                    label = f"programmes[{p_i}].measures[{m_i}] ({meas.code})"
                    measure = _upsert(
                        Measure,
                        {"programme": programme, "number": meas.number},
                        {
                            "code": meas.code,
                            "title": meas.title,
                            "title_en": meas.title_en,
                            "clause": meas.clause,
                            "main_text": meas.main_text,
                            "main_text_units": meas.main_text_units,
                        },
                        struct_c,
                    )
                    measures[meas.code] = measure
                    keep_measures.append(measure.pk)
            keep_tasks = []
            for t_i, row in enumerate(spec.tasks):
                label = f"tasks[{t_i}] ({row.code})"
                measure_code, number = row.code.rsplit(".", 1)
                values = {
                    "measure": measures[measure_code],
                    "number": int(number),
                    "text": row.text,
                    "text_en": row.text_en,
                    "order": t_i + 1,
                }
                task = _upsert(Task, {"plan": plan, "code": row.code}, values, task_c)
                keep_tasks.append(task.pk)
                wanted = [
                    (departments[name].pk, AssignmentRole.LEAD if k == 0 else AssignmentRole.SUPPORT, k + 1)
                    for k, name in enumerate(row.responsible_units)
                ]
                current = list(
                    task.assignments.order_by("order").values_list("department_id", "role", "order")
                )
                if current != wanted:
                    # Replace the unit list as a whole: (task, order) is unique, so re-numbering in place
                    # would collide. Reports point at the task and the department, not at assignments.
                    assign_c.deleted += task.assignments.all().delete()[0]
                    for dept_id, role, order in wanted:
                        assignment = TaskAssignment(task=task, department_id=dept_id, role=role, order=order)
                        assignment.full_clean()
                        assignment.save()
                        assign_c.created += 1
            # Rows that left the package: delete them unless work hangs off them.
            stale_tasks = Task.objects.filter(plan=plan).exclude(pk__in=keep_tasks)
            for task in stale_tasks:
                if task.reports.exists() or task.work_points.exists():
                    raise PolicyPackageError(
                        [
                            f"plan.yaml: tasks: task {task.code} is no longer in the package but has progress "
                            "reports or work points; keep it (or renumber the package so it stays)"
                        ]
                    )
            task_c.deleted += stale_tasks.delete()[0]
            struct_c.deleted += (
                Measure.objects.filter(programme__plan=plan).exclude(pk__in=keep_measures).delete()[0]
            )
            struct_c.deleted += (
                Programme.objects.filter(plan=plan).exclude(pk__in=keep_programmes).delete()[0]
            )

            file = "indicators.yaml"
            keep_indicators = []
            for i, ind in enumerate(package.indicators.indicators):
                label = f"indicators[{i}] ({ind.code})"
                indicator = _upsert(
                    Indicator,
                    {"plan": plan, "code": ind.code},
                    {
                        "name": ind.name,
                        "name_en": ind.name_en,
                        "clause": ind.clause,
                        "unit": ind.unit,
                        "unit_en": ind.unit_en,
                        "comparison": ind.comparison.value,
                        "target": ind.target,
                        "target_year": ind.target_year,
                        "baseline": ind.baseline,
                        "baseline_year": ind.baseline_year,
                        "computed_by": ind.computed_by,
                        "order": i + 1,
                        "notes": ind.notes,
                    },
                    ind_c,
                )
                keep_indicators.append(indicator.pk)
            for indicator in Indicator.objects.filter(plan=plan).exclude(pk__in=keep_indicators):
                if indicator.values.exists():
                    raise PolicyPackageError(
                        [
                            f"indicators.yaml: indicators: {indicator.code} is no longer in the package but has values"
                        ]
                    )
                indicator.delete()
                ind_c.deleted += 1

            plan.package_digest = package.digest
            plan.save(update_fields=["package_digest", "updated_at"])
            changes = {
                "created": sum(c.created for c in (orgs_c, plan_c, struct_c, task_c, ind_c)),
                "updated": sum(c.updated for c in (orgs_c, plan_c, struct_c, task_c, ind_c)),
                "deleted": sum(c.deleted for c in (struct_c, task_c, ind_c)),
                "assignments rewritten": assign_c.created,
            }
            audit_record(
                actor=actor,
                action=AuditAction.PLAN_LOAD,
                obj=plan,
                before=before,
                after={"package_digest": package.digest, "folder": str(package.folder), **counts, **changes},
            )
    except DjangoValidationError as exc:
        raise _where(file, exc, label) from exc
    return LoadResult(plan=plan, changed=True, digest=package.digest, counts=counts, changes=changes)
