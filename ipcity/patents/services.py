"""Writes of the patent registry (STYLE rule 1): keyword-only, atomic, validated, audited.

Bulk imports are audited per run (file, mapping, counts), not per row: a million audit rows would
say less than one summary (docs/adr/0302-import.md)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcity.accounts.choices import Role
from ipcity.core.audit import audit_record, snapshot
from ipcity.core.errors import NotAllowed
from ipcity.core.identifiers import patent_number

from . import kpi as kpi_mod
from .choices import (
    IMPORT_AUDIT_ACTIONS,
    PROJECT_WORKFLOW,
    AuditAction,
    ErrorCode,
    ImportStatus,
    ProjectStatus,
)
from .importing import ImportResult, ProgressCallback, available_mappings, build_context, run_import
from .models import ImportJob, InnovationProject, Patent, Population, SeiIpc, SeiRule

WRITER_ROLES = (Role.PLAN_OFFICE,)


def _require_writer(actor: Any) -> None:
    """People need the plan-office role; commands and tasks pass a string actor ("system", "demo")."""
    if isinstance(actor, str):
        return
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.role in WRITER_ROLES):
        raise NotAllowed(ErrorCode.ROLE, _("Only the plan office can change the patent registry."))


# ------------------------------------------------------------------ SEI concordance


def sei_concordance_load(*, actor: Any, data_dir: Path, supplement: Path) -> dict[str, int]:
    """Replace the SEI rules and IPC mappings with the files' content (and our H01L/H10 supplement)."""
    import yaml

    _require_writer(actor)
    rules = []
    with open(data_dir / "sei.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                rules.append(
                    SeiRule(id=r["id"], code=r["seiCode"], name=r["seiName"], keywords=r["keywords"] or "")
                )
    known = {r.id for r in rules}
    links: dict[tuple[str, int], str] = {}
    with open(data_dir / "ipc-sei.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                if r["seiId"] not in known:
                    raise ValidationError(f"ipc-sei.jsonl refers to unknown rule {r['seiId']}")
                links[(r["ipcCode"], r["seiId"])] = "cnipa-2021"
    with open(supplement, encoding="utf-8") as fh:
        for row in yaml.safe_load(fh):
            links[(row["ipc"], int(row["rule"]))] = "supplement"
    with transaction.atomic():
        before = {"rules": SeiRule.objects.count(), "mappings": SeiIpc.objects.count()}
        SeiIpc.objects.all().delete()
        SeiRule.objects.all().delete()
        SeiRule.objects.bulk_create(rules, batch_size=1000)
        SeiIpc.objects.bulk_create(
            [SeiIpc(ipc_code=c, rule_id=r, source=s) for (c, r), s in sorted(links.items())], batch_size=2000
        )
        after = {
            "rules": len(rules),
            "mappings": len(links),
            "supplement": sum(1 for s in links.values() if s == "supplement"),
        }
        audit_record(
            actor=actor,
            action=AuditAction.SEI_CONCORDANCE_LOAD,
            object_type="patents.seirule",
            before=before,
            after=after,
        )
    return after


# ------------------------------------------------------------------ imports


def patent_file_import(
    *,
    actor: Any,
    path: Path,
    mapping: str = "auto",
    report_path: Path | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = 20000,
    is_demo: bool = False,
    parser_process: bool | None = None,
) -> ImportResult:
    """Import a CSV / Excel / JSON Lines file (streamed, batch upserts, bad rows reported)."""
    _require_writer(actor)
    result = run_import(
        path,
        mapping_name=mapping,
        report_path=report_path,
        progress=progress,
        batch_size=batch_size,
        ctx=build_context(is_demo=is_demo),
        parser_process=parser_process,
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.PATENT_IMPORT,
            object_type="patents.patent",
            object_repr=path.name,
            after={
                "file": path.name,
                "bytes": path.stat().st_size,
                "mapping": mapping,
                "rows": result.rows,
                "imported": result.imported,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                "report": result.report_path,
            },
        )
    if result.imported or result.updated:
        kpi_mod.ledger_rebuild()
    return result


def import_job_create(
    *, actor: Any, upload: UploadedFile, mapping: str = "auto", enqueue: Callable[[int], object] | None = None
) -> ImportJob:
    """Keep the uploaded file and queue its import as a background job: after commit, `enqueue(job id)`
    (the view passes `tasks.run_import_job.delay`; passed in, because tasks import this module). Without
    `enqueue` the job only waits: the caller runs it with `import_job_run`."""
    _require_writer(actor)
    if mapping not in available_mappings():
        raise ValidationError({"mapping": _("Unknown column mapping.")})
    with transaction.atomic():
        job = ImportJob(
            original_name=(upload.name or "upload")[:255],
            mapping=mapping,
            total_bytes=upload.size or 0,
            created_by=actor if not isinstance(actor, str) else None,
        )
        job.file.save(Path(upload.name or "upload.csv").name, upload, save=False)
        job.full_clean()
        job.save()
        audit_record(actor=actor, action=AuditAction.PATENT_IMPORT_CREATE, obj=job, after=snapshot(job))
        if enqueue is not None:
            transaction.on_commit(lambda: enqueue(job.pk))
    return job


def _job_move(job_id: int, to: str, **fields: Any) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if not job.can_transition(to):
            raise ValidationError(f"import job {job_id} cannot go from {job.status} to {to}")
        before = {"status": job.status}
        for k, v in fields.items():
            setattr(job, k, v)
        job.status = to
        job.save()
        audit_record(
            actor="system",
            action=IMPORT_AUDIT_ACTIONS[to],
            obj=job,
            before=before,
            after={
                "status": to,
                **{
                    k: v
                    for k, v in fields.items()
                    if k in {"imported", "updated", "unchanged", "rejected", "error"}
                },
            },
        )


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job: progress is written to the job after every batch, so the page can poll it."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return job  # idempotent: a job runs once
    _job_move(job_id, ImportStatus.RUNNING, started_at=timezone.now())

    def progress(position: int, total: int, result: ImportResult) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            processed_bytes=position,
            total_bytes=total,
            rows=result.rows,
            imported=result.imported,
            updated=result.updated,
            unchanged=result.unchanged,
            rejected=result.rejected,
        )

    path = Path(job.file.path)
    try:
        result = patent_file_import(actor="system", path=path, mapping=job.mapping, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure ends the job as failed, with the reason shown
        _job_move(job_id, ImportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        return ImportJob.objects.get(pk=job_id)
    _job_move(
        job_id,
        ImportStatus.DONE,
        rows=result.rows,
        imported=result.imported,
        updated=result.updated,
        unchanged=result.unchanged,
        rejected=result.rejected,
        processed_bytes=path.stat().st_size,
        report_path=result.report_path,
        finished_at=timezone.now(),
    )
    return ImportJob.objects.get(pk=job_id)


# ------------------------------------------------------------------ derived data and KPIs


def patents_rederive(*, actor: Any, batch_size: int = 5000) -> int:
    """Recompute SEI codes, patent-intensive category and derived dates of every patent (after
    `load_sei` or a parameter change). Returns the number of patents changed."""
    from . import analysis
    from .classification import encode_sei, patent_intensive_of, sei_codes

    _require_writer(actor)
    ctx = build_context()
    p, day = ctx.params, ctx.today
    changed = 0
    last = 0
    while True:
        with transaction.atomic():
            chunk = list(Patent.objects.filter(pk__gt=last).order_by("pk")[:batch_size])
            if not chunk:
                break
            dirty = []
            for patent in chunk:
                symbols = patent.ipc_list or ([patent.ipc_main] if patent.ipc_main else [])
                chosen = symbols[:1] if p.sei_main_only(day) else symbols
                codes = sei_codes(ctx.concordance.classify(chosen, hierarchical=p.sei_hierarchical(day)))
                old = (
                    patent.sei_codes,
                    patent.patent_intensive,
                    patent.valid_from,
                    patent.valid_until,
                    patent.hv_from,
                )
                patent.sei_codes = encode_sei(codes)
                patent.patent_intensive = patent_intensive_of(codes)
                d = analysis.derive(patent, p)
                patent.valid_from, patent.valid_until, patent.hv_from = d.valid_from, d.valid_until, d.hv_from
                if old != (patent.sei_codes, patent.patent_intensive, d.valid_from, d.valid_until, d.hv_from):
                    patent.content_hash = ""  # the next import of this row rewrites it
                    dirty.append(patent)
            Patent.objects.bulk_update(
                dirty,
                ["sei_codes", "patent_intensive", "valid_from", "valid_until", "hv_from", "content_hash"],
            )
            changed += len(dirty)
            last = chunk[-1].pk
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.PATENT_REDERIVE,
            object_type="patents.patent",
            after={"changed": changed},
        )
    kpi_mod.ledger_rebuild()
    return changed


def kpi_ledger_rebuild(*, actor: Any) -> int:
    _require_writer(actor)
    rows = kpi_mod.ledger_rebuild()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.KPI_LEDGER_REBUILD,
            object_type="patents.kpiledger",
            after={"rows": rows},
        )
    return rows


def population_set(
    *,
    actor: Any,
    district: Any,
    year: int,
    population: int,
    source: str,
    basis: str = "resident",
    is_demo: bool = False,
) -> Population:
    """Create or correct a population figure (city when district is None)."""
    _require_writer(actor)
    with transaction.atomic():
        row = (
            Population.objects.select_for_update(of=("self",))
            .filter(district=district, year=year)
            .order_by("pk")
            .first()
        )
        before = snapshot(row) if row else None
        row = row or Population(district=district, year=year)
        row.population, row.source, row.basis, row.is_demo = population, source, basis, is_demo
        row.full_clean(validate_constraints=False)
        row.save()
        audit_record(
            actor=actor, action=AuditAction.POPULATION_SET, obj=row, before=before, after=snapshot(row)
        )
    return row


def kpi_indicators_feed(
    *, actor: Any, years: list[int], as_of: dt.date | None = None
) -> list[tuple[str, int, Any]]:
    """Write the city's year-end KPI into the plan's indicator series (indicators whose computed_by
    names a patents computation), through the plan's service. Returns what was written."""
    from ipcity.plan.models import Indicator
    from ipcity.plan.services import indicator_value_record

    written = []
    computations = {
        "patents.high_value_per_10k": "high_value_per_10k",
        "patents.valid_invention_per_10k": "valid_per_10k",
    }
    today = timezone.localdate()
    for indicator in Indicator.objects.filter(computed_by__in=computations):
        for year in years:
            date = min(dt.date(year, 12, 31), as_of or today)
            row = kpi_mod.kpi_at(date)
            value = getattr(row, computations[indicator.computed_by])
            if value is None:
                continue
            indicator_value_record(
                actor=actor,
                indicator=indicator,
                year=year,
                as_of=date,
                value=value,
                source=(
                    f"ipcity patent registry: {row.high_value if 'high' in indicator.computed_by else row.valid} "
                    f"patents / population {row.population} ({row.population_year}, {row.population_basis}; "
                    f"{row.population_source})"
                )[:300],
                source_kind="computed",
                notes=f"computed {timezone.now():%Y-%m-%d %H:%M} by {indicator.computed_by}",
            )
            written.append((indicator.code, year, value))
    return written


# ------------------------------------------------------------------ innovation ledger (重大科技创新台账)

PROJECT_FIELDS = [
    "name",
    "platform",
    "responsible_entity",
    "responsible_name",
    "district",
    "is_fast_track",
    "start_year",
    "description",
]


def _link_patents(project: InnovationProject, numbers: list[str]) -> list[str]:
    canonical = []
    for text in numbers:
        try:
            canonical.append(patent_number.validate(text))
        except patent_number.InvalidPatentNumber:
            raise ValidationError(
                {"patents": _("%(value)s is not a valid application number.") % {"value": text}}
            ) from None
    found = list(Patent.objects.filter(application_number__in=canonical))
    missing = sorted(set(canonical) - {p.application_number for p in found})
    if missing:
        raise ValidationError(
            {"patents": _("Not in the registry: %(numbers)s") % {"numbers": ", ".join(missing)}}
        )
    project.patents.set(found)
    return sorted(canonical)


def innovation_project_create(
    *, actor: Any, patents: list[str] | None = None, **fields: Any
) -> InnovationProject:
    _require_writer(actor)
    unknown = set(fields) - set(PROJECT_FIELDS) - {"is_demo"}
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    with transaction.atomic():
        project = InnovationProject(**fields)
        project.full_clean()
        project.save()
        linked = _link_patents(project, patents or [])
        audit_record(
            actor=actor,
            action=AuditAction.INNOVATION_PROJECT_CREATE,
            obj=project,
            after={**snapshot(project), "patents": linked},
        )
    return project


def innovation_project_update(
    *, actor: Any, project: InnovationProject, patents: list[str] | None = None, **fields: Any
) -> InnovationProject:
    _require_writer(actor)
    with transaction.atomic():
        project = InnovationProject.objects.select_for_update().get(pk=project.pk)
        before = {
            **snapshot(project),
            "patents": sorted(project.patents.values_list("application_number", flat=True)),
        }
        for key, value in fields.items():
            if key not in PROJECT_FIELDS:
                raise TypeError(f"unknown field {key}")
            setattr(project, key, value)
        project.full_clean()
        project.save()
        linked = _link_patents(project, patents) if patents is not None else before["patents"]
        audit_record(
            actor=actor,
            action=AuditAction.INNOVATION_PROJECT_UPDATE,
            obj=project,
            before=before,
            after={**snapshot(project), "patents": linked},
        )
    return project


def innovation_project_transition(*, actor: Any, project: InnovationProject, to: str) -> InnovationProject:
    _require_writer(actor)
    with transaction.atomic():
        project = InnovationProject.objects.select_for_update().get(pk=project.pk)
        # The page posts the to-state; the workflow names the action that leads there and decides.
        action = PROJECT_WORKFLOW.action_to(project.status, to) if to in ProjectStatus.values else None
        if action is None or not PROJECT_WORKFLOW.can(action, project, actor):
            raise ValidationError(
                {
                    "status": _("A project cannot go from %(from)s to %(to)s.")
                    % {"from": project.get_status_display(), "to": to}
                }
            )
        target = PROJECT_WORKFLOW.target(action)
        before = {"status": project.status}
        project.status = target
        project.full_clean()
        project.save()
        audit_record(
            actor=actor,
            action=AuditAction.INNOVATION_PROJECT_TRANSITION,
            obj=project,
            before=before,
            after={"status": to},
        )
    return project
