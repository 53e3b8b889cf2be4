"""Demo call and applications in various states, all marked demo (演示), made through the grants and
protection services by the demo accounts (accounts.py). Idempotent: nothing is added if the demo call
already exists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ipcity.accounts.models import User
from ipcity.core.sample_files import minimal_pdf
from ipcity.grants import services
from ipcity.grants.models import Application, Call
from ipcity.orgs.models import Department, Entity
from ipcity.protection import services as credit

from .common import OPERATOR

DEMO_CALL_TITLE = "2024年度知识产权保护与运用奖补申报（演示）"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf("demo document"), content_type="application/pdf")


def load(*, stdout: Any, options: dict[str, Any]) -> None:
    if Call.objects.filter(title=DEMO_CALL_TITLE).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "plan_office",
                "finance",
                "dept_justice",
                "applicant_hairun",
                "applicant_zhiqiao",
                "applicant_bank",
            ]
        )
    }
    if len(users) < 5:
        stdout.write("grants demo: demo users missing, skipped")
        return
    office, finance, justice = users["plan_office"], users["finance"], users["dept_justice"]
    hairun, zhiqiao = users["applicant_hairun"], users["applicant_zhiqiao"]
    now = timezone.now()
    today = timezone.localdate()

    with transaction.atomic():
        call = services.call_create(
            actor=office,
            title=DEMO_CALL_TITLE,
            title_en="2024 IP protection and utilisation incentives (demo)",
            year=2024,
            schemes=[
                "overseas_litigation",
                "pro_bono_rights_protection",
                "madrid_trademark",
                "protection_market",
            ],
            opens_at=now - dt.timedelta(days=30),
            closes_at=now + dt.timedelta(days=60),
            budget=Decimal("3000000.00"),
            budget_line="2024年市级知识产权专项资金（演示）",
            reviewing_departments=list(Department.objects.filter(name__in=["市市场监管局", "市司法局"])),
            required_attachments=[
                {
                    "code": "evidence",
                    "label_zh": "证明材料（判决书、注册证、认定文件等）",
                    "label_en": "Evidence (judgment, certificate, recognition)",
                },
                {"code": "invoice", "label_zh": "费用票据", "label_en": "Invoices"},
            ],
            rules_zh=(
                "本批次依据《烟台市知识产权高质量发展三年行动方案》（烟政办字〔2022〕19号）二(一)、二(五)有关条款。\n"
                "申报单位在线填写事实、上传证明材料，系统按条款计算暂定金额并逐步说明；"
                "审核部门内容审核后由市财政局确认金额；结果公示5个工作日，期间任何人可提出异议。\n"
                "处于失信惩戒期的单位不予奖补；同一案件、证书只能申报一次。（演示数据）"
            ),
            rules_en=(
                "Under clauses 二(一) and 二(五) of the Yantai IP action plan (烟政办字〔2022〕19号). Applicants state "
                "the facts and upload evidence; the platform computes a provisional amount with its explanation; "
                "the reviewing department checks the content, then the finance bureau confirms the amount; results "
                "are announced for 5 working days, during which anyone may object. Entities under credit "
                "punishment receive nothing; one case or certificate can be claimed once. (Demo data)"
            ),
            is_demo=True,
        )
        services.call_confirm_budget(actor=finance, call=call)
        call = services.call_publish(actor=office, call=call)

        def draft(user: Any, scheme: str, subject: str, facts: dict[str, Any], title: str) -> Application:
            app = services.application_create(
                actor=user,
                call=call,
                scheme_id=scheme,
                subject_ref=subject,
                entitlement_date=dt.date(2024, 5, 20),
                facts=facts,
                title=title,
                is_demo=True,
            )
            services.attachment_add(actor=user, application=app, code="evidence", upload=_pdf("evidence.pdf"))
            services.attachment_add(actor=user, application=app, code="invoice", upload=_pdf("invoice.pdf"))
            return app

        def to_approved(app: Application) -> Application:
            app = services.application_submit(actor=app.created_by, application=app)
            app = services.application_start_review(actor=justice, application=app)
            app = services.application_approve_content(actor=justice, application=app)
            return services.application_approve(actor=finance, application=app)

        # 1. paid: announced three weeks ago, paid after the period
        paid = to_approved(
            draft(
                hairun,
                "overseas_litigation",
                "(2023)鲁06民初118号（演示）",
                {"outcome": "won", "role": "defendant", "legal_fees": "360000"},
                "美国337调查应诉（演示）",
            )
        )
        # The service starts a 公示 today or later; the demo's award was announced three weeks ago, so
        # its period is moved back once announced, by the service that does this for demo data only.
        paid = services.application_announce(actor=office, application=paid)
        paid = services.application_demo_backdate_announcement(
            actor=OPERATOR, application=paid, start=today - dt.timedelta(days=21)
        )
        services.payment_record(
            actor=finance,
            application=paid,
            paid_on=today - dt.timedelta(days=2),
            amount=paid.approved_amount or Decimal(0),
            voucher="演示-2024-0001",
        )
        # 2. announced now: on the public page, open to objections
        announced = to_approved(
            draft(
                hairun,
                "madrid_trademark",
                "G1712345（演示）",
                {"items": [{"requested_amount": "25000"}, {"requested_amount": "18000"}]},
                "马德里商标注册（演示）",
            )
        )
        services.application_announce(actor=office, application=announced, starts_on=today)
        # 3. under review
        review = draft(
            zhiqiao,
            "pro_bono_rights_protection",
            "(2024)鲁06知民初21号（演示）",
            {"case_successful": True, "requested_amount": "80000"},
            "小微企业专利维权援助（演示）",
        )
        services.application_submit(actor=zhiqiao, application=review)
        services.application_start_review(actor=justice, application=review)
        # 4. changes requested
        changes = draft(
            hairun,
            "overseas_litigation",
            "(2024)鲁06民初305号（演示）",
            {"outcome": "won", "legal_fees": "120000"},
            "欧盟商标异议诉讼（演示）",
        )
        services.application_submit(actor=hairun, application=changes)
        services.application_start_review(actor=justice, application=changes)
        services.application_request_changes(
            actor=justice, application=changes, message="请补充律师事务所委托合同及付款凭证（演示）"
        )
        # 5. draft
        draft(
            zhiqiao,
            "pro_bono_rights_protection",
            "(2024)鲁06知民初37号（演示）",
            {"case_successful": True, "requested_amount": "50000"},
            "农产品地理标志维权（演示）",
        )

        market = Entity.objects.filter(name__startswith="烟台牟平农产品批发市场").first()
        if market is not None:
            credit.credit_record_create(
                actor=office,
                entity=market,
                behaviour="以虚假材料申报知识产权资助（演示）",
                measure="三年内不得申报市级财政资助项目（演示）",
                period_start=dt.date(2024, 3, 1),
                period_end=dt.date(2027, 2, 28),
                source_document="烟市监信〔2024〕1号（演示）",
                is_demo=True,
            )
    stdout.write(
        "grants demo: 1 call, 5 applications (paid, announced, under review, changes requested, draft)"
    )
