"""Public pages: the scheme catalogue in plain Chinese (English available) and a calculator per scheme."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .catalogue import calculate_payload, get_catalogue, read_batch_upload, simulate_payload
from .engine import Scheme
from .engine.model import clause_key
from .forms import CalculatorForm, SimulationForm

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

BINDING_TEXT = {
    "per_item": ("每件上限生效", "the cap per item applied"),
    "per_application": ("单项上限生效", "the cap per application applied"),
    "annual_cap": ("年度总额上限生效", "the annual cap per entity applied"),
    "quota": ("年度名额已满", "the yearly quota is used up"),
}


def _en() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def scheme_card(scheme: Scheme, today: dt.date) -> dict[str, Any]:
    en = _en()
    on = scheme.reference_date(today)
    parameters = []
    for param in scheme.parameters.values():
        value = param.value_at(on)
        parameters.append(
            {
                "name": param.name,
                "label": param.label_en if en else param.label_zh,
                "reference": param.reference,
                "unit": param.unit,
                "value": param.text(value) if value is not None else None,
                "values": param.to_dict()["values"],
                "decision": param.decision_en if en else param.decision_zh,
            }
        )
    return {
        "id": scheme.id,
        "title": scheme.title_en if en else scheme.title_zh,
        "title_other": scheme.title_zh if en else scheme.title_en,
        "clause": scheme.clause,
        "who": scheme.who_en if en else scheme.who_zh,
        "how_much": scheme.how_much_en if en else scheme.how_much_zh,
        "clauses": scheme.clauses,
        "parameters": parameters,
        "open": any(p["value"] is None for p in parameters),
        "values_on": on,
        "in_force_from": scheme.in_force_from,
        "in_force_until": scheme.in_force_until,
        "annual_cap": scheme.annual_cap_per_entity,
        "quota": scheme.yearly_quota,
        "per_item": scheme.per_item,
        "conditions": [
            {"text": c.en if en else c.zh, "clause": c.clause, "reason": c.reason} for c in scheme.conditions
        ],
        "decisions": [
            {"text": d.get("en" if en else "zh", ""), "clauses": d.get("clauses", "")}
            for d in scheme.decisions
        ],
    }


def catalogue(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    schemes = [scheme_card(s, on) for s in get_catalogue().schemes.values()]
    schemes.sort(key=lambda s: clause_key(s["clause"]))
    return render(request, "incentives/catalogue.html", {"schemes": schemes})


def scheme_detail(request: HttpRequest, scheme_id: str) -> HttpResponse:
    cat = get_catalogue()
    scheme = cat.schemes.get(scheme_id)
    if scheme is None:
        raise Http404
    result = None
    if "date" in request.GET:
        form = CalculatorForm(request.GET, scheme=scheme)
        if form.is_valid():
            status, body = calculate_payload(form.payload(), get_language() or "zh-hans")
            if status == 200:
                result = body
                en = _en()
                yes_no = {"true": "yes" if en else "是", "false": "no" if en else "否"}
                result["steps"] = [
                    {
                        **s,
                        "text": s["formula_en"] if en else s["formula_zh"],
                        "value": yes_no.get(s["value"], s["value"]),
                    }
                    for s in body["trace"]
                ]
                result["messages"] = [
                    m["message_en"] if en else m["message_zh"] for m in body["reason_messages"]
                ]
                if body["binding_cap"]:
                    result["binding_text"] = BINDING_TEXT[body["binding_cap"]][1 if en else 0]
            else:
                form.add_engine_errors(body["detail"])
    else:
        form = CalculatorForm(initial={"date": timezone.localdate().isoformat()}, scheme=scheme)
    card = scheme_card(scheme, timezone.localdate())
    return render(request, "incentives/scheme_detail.html", {"scheme": card, "form": form, "result": result})


def simulate(request: HttpRequest) -> HttpResponse:
    """What-if: a batch of applications under the current rules and under changed parameters."""
    cat = get_catalogue()
    scheme_ids = sorted(cat.schemes, key=lambda i: clause_key(cat.schemes[i].clause))
    choices = [(sid, f"{_title(cat.schemes[sid])} ({sid})") for sid in scheme_ids]
    result = None
    language = get_language() or "zh-hans"
    if request.method == "POST":
        form = SimulationForm(request.POST, request.FILES, schemes=choices)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_BYTES:
                form.add_error("file", _("The file is too large (20 MB max)."))
            else:
                applications, problem = read_batch_upload(upload.read(), upload.name or "", language)
                if applications is None:
                    form.add_engine_errors(problem["detail"])
                else:
                    status, body = simulate_payload(applications, form.reform(), language)
                    if status == 200:
                        result = body
                        result["rows"] = [
                            {"id": sid, "title": _title(cat.schemes[sid]), **row}
                            for sid, row in body["per_scheme"].items()
                        ]
                    elif status == 404:
                        form.add_error(None, body["message_en"] if _en() else body["message_zh"])
                    else:
                        form.add_engine_errors(body["detail"])
    else:
        form = SimulationForm(schemes=choices)
    parameters = {
        sid: [(name, p.label_en if _en() else p.label_zh) for name, p in cat.schemes[sid].parameters.items()]
        for sid in scheme_ids
    }
    return render(
        request, "incentives/simulate.html", {"form": form, "result": result, "parameters": parameters}
    )


def _title(scheme: Scheme) -> str:
    return scheme.title_en if _en() else scheme.title_zh
