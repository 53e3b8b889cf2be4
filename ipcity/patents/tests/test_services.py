"""Services: role checks, audit records, workflow transitions, failed import jobs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.audit import verify_chain
from ipcity.core.models import AuditEntry
from ipcity.patents.models import ImportJob, InnovationProject
from ipcity.patents.services import (
    import_job_create,
    import_job_run,
    innovation_project_create,
    innovation_project_transition,
    population_set,
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["department", "finance", "auditor", "admin"])
def test_only_the_plan_office_writes(make_user, role, districts):
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        innovation_project_create(actor=user, name="x", platform="y", responsible_name="z", start_year=2022)
    with pytest.raises(PermissionDenied):
        population_set(actor=user, district=None, year=2024, population=1, source="s")
    assert not InnovationProject.objects.exists()


@pytest.mark.django_db
def test_project_workflow_and_audit(make_user, districts):
    office = make_user("plan_office")
    project = innovation_project_create(
        actor=office,
        name="药物研发",
        platform="中科环渤海（烟台）药物高等研究院",
        responsible_name="研究院",
        start_year=2022,
        is_fast_track=True,
    )
    innovation_project_transition(actor=office, project=project, to="in_progress")
    innovation_project_transition(actor=office, project=project, to="completed")
    with pytest.raises(ValidationError):
        innovation_project_transition(actor=office, project=project, to="in_progress")  # completed is final
    with pytest.raises(ValidationError):
        innovation_project_create(actor=office, name="x", platform="y", start_year=2022)  # nobody responsible
    actions = list(
        AuditEntry.objects.filter(object_type="patents.innovationproject").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(["innovation_project.create"] + ["innovation_project.transition"] * 2)
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_population_is_corrected_not_duplicated(make_user, districts):
    office = make_user("plan_office")
    population_set(actor=office, district=districts["芝罘区"], year=2024, population=100, source="a")
    row = population_set(actor=office, district=districts["芝罘区"], year=2024, population=200, source="b")
    assert row.population == 200 and row.source == "b"
    entry = AuditEntry.objects.filter(action="population.set").order_by("-seq").first()
    assert entry is not None and entry.before is not None and entry.before["population"] == 100


@pytest.mark.django_db
def test_an_unreadable_file_fails_the_job_with_its_reason(make_user, districts, sei, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = make_user("plan_office")
    job = import_job_create(actor=office, upload=SimpleUploadedFile("p.csv", b"title\nx\n"))
    job = import_job_run(job_id=job.pk)
    assert job.status == "failed" and ("application number" in job.error.lower() or "申请号" in job.error)
    assert import_job_run(job_id=job.pk).status == "failed"  # runs once
    with pytest.raises(ValidationError):
        import_job_create(actor=office, upload=SimpleUploadedFile("p.csv", b"a\n"), mapping="nope")
    assert ImportJob.objects.count() == 1
