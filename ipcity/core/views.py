"""The audit trail for auditors: list with filters, one record with its before/after diff, chain check."""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .audit import DIGEST_ALGORITHM, digest_document, verify_all
from .audit_actions import label_for
from .excel import csv_writer
from .filters import AuditEntryFilter
from .models import AuditDigest, AuditEntry
from .permissions import role_required
from .selectors import AUDIT_READERS, audit_diff, audit_entries


@role_required(*AUDIT_READERS)
def audit_list(request: HttpRequest) -> HttpResponse:
    filterset = AuditEntryFilter(request.GET or None, queryset=audit_entries(user=request.user))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"filter": filterset, "page": page})


@role_required(*AUDIT_READERS)
def audit_export(request: HttpRequest) -> HttpResponse:
    """CSV of the filtered trail (same FilterSet as the page), with hashes so that a copy can be re-verified."""
    filterset = AuditEntryFilter(request.GET or None, queryset=audit_entries(user=request.user))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    response.write("\ufeff")
    writer = csv_writer(response)
    writer.writerow(
        [
            "seq",
            "at",
            "actor",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "object",
            "request_id",
            "before",
            "after",
            "prev_hash",
            "hash",
        ]
    )
    for e in filterset.qs.iterator(chunk_size=2000):
        writer.writerow(
            [
                e.seq,
                e.at.isoformat(),
                e.actor_repr,
                e.action,
                label_for(e.action),
                e.object_type,
                e.object_id,
                e.object_repr,
                e.request_id,
                json.dumps(e.before, ensure_ascii=False),
                json.dumps(e.after, ensure_ascii=False),
                e.prev_hash,
                e.hash,
            ]
        )
    return response


@role_required(*AUDIT_READERS)
def audit_detail(request: HttpRequest, seq: int) -> HttpResponse:
    entry = audit_entries(user=request.user).filter(seq=seq).first()
    if entry is None:
        raise Http404
    return render(request, "core/audit_detail.html", {"entry": entry, "diff": audit_diff(entry)})


@role_required(*AUDIT_READERS)
def audit_verify(request: HttpRequest) -> HttpResponse:
    problems = verify_all()
    return render(
        request,
        "core/audit_verify.html",
        {
            "problems": problems,
            "total": AuditEntry.objects.count(),
            "digests": AuditDigest.objects.order_by("-day")[:60],
        },
    )


@require_GET
def audit_digests(request: HttpRequest) -> HttpResponse:
    """Public: the signed daily digests of the audit chain (day, last sequence number, head hash, count),
    so that anyone can archive them and a later rewrite of the chain shows (docs/adr/0009)."""
    digests = [digest_document(d) for d in AuditDigest.objects.order_by("-day")[:1000]]
    return JsonResponse({"algorithm": DIGEST_ALGORITHM, "digests": digests})
