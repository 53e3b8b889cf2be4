"""Procedures as data: the validator's errors, the state machine and the recomputed deadlines."""

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipcity.accounts.choices import Role
from ipcity.protection.procedures import (
    ROLES,
    CaseEvent,
    CaseEventError,
    ProcedureDefinitionError,
    load_procedure,
    load_procedures,
    parse_procedure,
    replay,
)

D = dt.date.fromisoformat
FOLDER = Path(__file__).resolve().parents[3] / "policies" / "yantai-2022-2024" / "procedures"
EXPECTED = {
    "complaint",
    "report",
    "patent_adjudication",
    "mediation",
    "aid",
    "technical_investigation",
    "referral",
    "overseas",
    "exhibition",
    "fast_track",
}


@pytest.fixture(scope="module")
def procedures():
    return load_procedures(FOLDER)


# --- the package's procedures ------------------------------------------------------------------------


def test_all_procedures_load(procedures):
    assert set(procedures) == EXPECTED


def test_spec_limits_are_encoded_with_their_defaults(procedures):
    expected = {
        ("complaint", "accept_decision"): ("working_days", 7, "received"),
        ("complaint", "mediation_end"): ("working_days", 45, "accepted"),
        ("report", "verification"): ("working_days", 15, "received"),
        ("patent_adjudication", "filing_decision"): ("working_days", 5, "request_received"),
        ("patent_adjudication", "serve_respondent"): ("working_days", 5, "filed"),
        ("patent_adjudication", "defence"): ("days", 15, "served"),
        ("patent_adjudication", "decision"): ("months", 3, "filed"),
        ("mediation", "judicial_confirmation"): ("days", 30, "agreement_effective"),
    }
    for (proc, code), (unit, amount, starts_on) in expected.items():
        limit = procedures[proc].limits[code]
        value = limit.value_on(D("2024-06-03"))
        assert (limit.unit.value, value.amount, limit.starts_on) == (unit, amount, starts_on), (proc, code)
    assert procedures["report"].limits["verification"].extension.max_amount == 15
    decision = procedures["patent_adjudication"].limits["decision"].extension
    assert (decision.max_times, decision.max_amount) == (1, 1)


def test_every_limit_value_cites_its_source_and_says_its_kind(procedures):
    for procedure in procedures.values():
        for limit in procedure.limits.values():
            for value in limit.values:
                assert value.citation and value.kind in {"statute", "local_practice"}
                assert value.effective_from


def test_procedure_roles_are_product_roles_or_public():
    assert ROLES - {"public"} <= {r.value for r in Role}


def test_the_policy_loader_still_accepts_the_package(plan):
    # `plan` loads policies/yantai-2022-2024 with manage.py load_policy; the procedures folder must not break it.
    assert plan.code


# --- the validator --------------------------------------------------------------------------------------

MINIMAL: dict[str, Any] = {
    "code": "demo",
    "name_zh": "示例",
    "name_en": "Demo",
    "source_zh": "来源",
    "source_en": "Source",
    "states": {"open": {"zh": "开", "en": "Open"}, "done": {"zh": "完", "en": "Done", "final": True}},
    "events": {
        "opened": {"zh": "开", "en": "Opened", "from": [], "to": "open", "roles": ["public"]},
        "paused": {
            "zh": "停",
            "en": "Paused",
            "from": ["open"],
            "to": "same",
            "roles": ["department"],
            "stops": ["answer"],
        },
        "closed": {"zh": "完", "en": "Closed", "from": ["open"], "to": "done", "roles": ["department"]},
    },
    "limits": {
        "answer": {
            "zh": "答复",
            "en": "Answer",
            "unit": "working_days",
            "starts_on": "opened",
            "met_by": ["closed"],
            "values": [
                {"effective_from": dt.date(2020, 1, 1), "amount": 5, "kind": "statute", "citation": "第一条"}
            ],
        }
    },
}


def broken(change):
    raw = copy.deepcopy(MINIMAL)
    change(raw)
    with pytest.raises(ProcedureDefinitionError) as exc:
        parse_procedure(raw, source="demo.yaml")
    return "\n".join(exc.value.problems)


def test_minimal_procedure_is_valid():
    procedure = parse_procedure(copy.deepcopy(MINIMAL))
    assert procedure.allowed_events(None) == ["opened"]
    assert procedure.allowed_events("open", role="department") == ["paused", "closed"]
    assert procedure.allowed_events("open", role="public") == []


def test_unknown_state_in_from():
    assert "unknown state `ajar` in `from`" in broken(
        lambda r: r["events"]["closed"].update({"from": ["ajar"]})
    )


def test_unknown_state_in_to():
    assert "unknown state `gone` in `to`" in broken(lambda r: r["events"]["closed"].update({"to": "gone"}))


def test_unknown_role():
    problems = broken(lambda r: r["events"]["closed"].update({"roles": ["mayor"]}))
    assert "unknown role `mayor`" in problems and "未知角色" in problems


def test_limit_without_citation():
    problems = broken(lambda r: r["limits"]["answer"]["values"][0].pop("citation"))
    assert "limits.answer.values[0]: a time limit without a citation" in problems


def test_limit_started_by_unknown_event():
    problems = broken(lambda r: r["limits"]["answer"].update({"starts_on": "phoned"}))
    assert "limits.answer: started by unknown event `phoned`" in problems


def test_unknown_limit_in_stops():
    assert "unknown limit `reply` in `stops`" in broken(
        lambda r: r["events"]["paused"].update({"stops": ["reply"]})
    )


def test_unknown_event_in_met_by():
    assert "unknown event `solved` in `met_by`" in broken(
        lambda r: r["limits"]["answer"].update({"met_by": ["solved"]})
    )


def test_bad_unit_amount_date_kind():
    def change(r):
        r["limits"]["answer"]["unit"] = "weeks"
        r["limits"]["answer"]["values"][0].update({"amount": 0, "effective_from": "soon", "kind": "custom"})

    problems = broken(change)
    assert "unit `weeks`" in problems
    assert "amount: must be a whole number" in problems
    assert "`effective_from` must be a date" in problems
    assert "`kind` must be statute or local_practice" in problems


def test_extension_needs_an_extending_event_and_vice_versa():
    assert "extendable but no event `extends` it" in broken(
        lambda r: r["limits"]["answer"].update({"extension": {"max_times": 1, "max_amount": 5}})
    )
    assert "an event extends it but it has no `extension`" in broken(
        lambda r: r["events"]["paused"].update({"extends": "answer"})
    )


def test_no_opening_event_and_unknown_keys():
    def change(r):
        r["events"]["opened"]["from"] = ["open"]
        r["events"]["opened"]["colour"] = "red"

    problems = broken(change)
    assert "no event opens a case" in problems and "unknown key `colour`" in problems


def test_all_problems_reported_at_once():
    def change(r):
        r["events"]["closed"]["roles"] = ["mayor"]
        r["limits"]["answer"]["starts_on"] = "phoned"

    assert len(broken(change).splitlines()) == 2


def test_file_name_must_match_code(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(MINIMAL, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProcedureDefinitionError, match="differs from the file name"):
        load_procedure(path)
    (tmp_path / "bad.yaml").write_text("code: [", encoding="utf-8")
    with pytest.raises(ProcedureDefinitionError) as exc:
        load_procedures(tmp_path)
    assert len(exc.value.problems) == 2  # both files reported


# --- the state machine and the deadlines -------------------------------------------------------------------


def test_complaint_received_gets_its_accept_decision(procedures):
    status = replay(procedures["complaint"], [("received", D("2024-06-03"))])
    assert status.state == "received"
    deadline = status.deadline("accept_decision")
    assert deadline.due == D("2024-06-13") and deadline.met_on is None
    assert "第十四条" in deadline.basis


def test_complaint_accepted_meets_the_decision_and_starts_mediation(procedures):
    status = replay(procedures["complaint"], [("received", D("2024-06-03")), ("accepted", D("2024-06-05"))])
    assert status.state == "accepted"
    assert status.deadline("accept_decision").met_on == D("2024-06-05")
    mediation = status.deadline("mediation_end")
    assert mediation.due == D(
        "2024-08-08"
    )  # 45 working days after 06-05: 16 in June (端午 skipped), 23 in July, 6 in August


def test_complaint_appraisal_stops_and_resumes_mediation(procedures):
    history = [
        ("received", D("2024-06-03")),
        ("accepted", D("2024-06-05")),
        ("appraisal_requested", D("2024-06-12")),
    ]
    stopped = replay(procedures["complaint"], history)
    assert stopped.state == "appraisal"
    assert stopped.deadline("mediation_end").due is None
    resumed = replay(procedures["complaint"], [*history, ("appraisal_completed", D("2024-06-18"))])
    assert resumed.state == "accepted"
    # 06-12..06-18 stopped: 5 working days (12, 13, 14, 17, 18) are added.
    assert resumed.deadline("mediation_end").due == D("2024-08-15")


def test_final_state_ends_every_clock(procedures):
    status = replay(procedures["complaint"], [("received", D("2024-06-03")), ("rejected", D("2024-06-04"))])
    assert status.state == "not_accepted"
    assert status.deadline("accept_decision").met_on == D("2024-06-04")


def test_event_not_allowed_in_the_state_is_refused(procedures):
    with pytest.raises(CaseEventError) as exc:
        replay(
            procedures["complaint"], [("received", D("2024-06-03")), ("agreement_reached", D("2024-06-04"))]
        )
    assert exc.value.code == "not_allowed" and exc.value.index == 1
    assert "不能执行“达成调解协议”" in exc.value.zh
    assert "`agreement_reached` is not allowed while the case is `received`" in exc.value.en


def test_event_dated_before_the_previous_one_is_refused_same_day_allowed(procedures):
    with pytest.raises(CaseEventError) as exc:
        replay(procedures["complaint"], [("received", D("2024-06-03")), ("accepted", D("2024-06-02"))])
    assert exc.value.code == "before_previous"
    assert (
        "早于上一事件的日期 2024-06-03" in exc.value.zh and "dated before the previous event" in exc.value.en
    )
    assert (
        replay(procedures["complaint"], [("received", D("2024-06-03")), ("accepted", D("2024-06-03"))]).state
        == "accepted"
    )


def test_unknown_event_first_event_and_empty_history(procedures):
    with pytest.raises(CaseEventError, match="has no event `phoned`"):
        replay(procedures["complaint"], [("phoned", D("2024-06-03"))])
    with pytest.raises(CaseEventError) as exc:
        replay(procedures["complaint"], [("accepted", D("2024-06-03"))])
    assert exc.value.code == "not_allowed" and "must begin with an opening event" in exc.value.en
    with pytest.raises(CaseEventError):
        replay(procedures["complaint"], [])


def test_role_not_allowed_is_refused(procedures):
    history = [
        CaseEvent("received", D("2024-06-03"), role="public"),
        CaseEvent("accepted", D("2024-06-04"), role="public"),
    ]
    with pytest.raises(CaseEventError) as exc:
        replay(procedures["complaint"], history)
    assert exc.value.code == "role_not_allowed" and exc.value.index == 1
    history[1] = CaseEvent("accepted", D("2024-06-04"), role="department")
    assert replay(procedures["complaint"], history).state == "accepted"


def test_date_out_of_range_is_refused(procedures):
    with pytest.raises(CaseEventError) as exc:
        replay(procedures["complaint"], [("received", dt.date(9999, 12, 31))])
    assert exc.value.code == "date_out_of_range"


PATENT = [
    ("request_received", D("2024-03-01")),
    ("filed", D("2024-03-07")),
    ("served", D("2024-03-12")),
]


def test_patent_adjudication_deadlines(procedures):
    status = replay(procedures["patent_adjudication"], PATENT)
    assert status.state == "served"
    assert status.deadline("filing_decision").met_on == D("2024-03-07")
    assert status.deadline("serve_respondent").met_on == D("2024-03-12")
    assert status.deadline("defence").due == D("2024-03-27")
    assert status.deadline("decision").due == D("2024-06-07")


def test_patent_suspension_returns_to_the_previous_state_and_moves_the_decision(procedures):
    suspended = replay(procedures["patent_adjudication"], [*PATENT, ("suspended", D("2024-04-01"))])
    assert suspended.state == "suspended" and suspended.deadline("decision").due is None
    resumed = replay(
        procedures["patent_adjudication"],
        [*PATENT, ("suspended", D("2024-04-01")), ("resumed", D("2024-04-10"))],
    )
    assert resumed.state == "served"
    assert resumed.deadline("decision").due == D("2024-06-17")


def test_patent_correction_stops_the_filing_decision(procedures):
    history = [
        ("request_received", D("2024-06-03")),
        ("correction_requested", D("2024-06-04")),
        ("correction_received", D("2024-06-14")),
    ]
    status = replay(procedures["patent_adjudication"], history)
    assert status.state == "received"
    # nothing counted before 06-04; 06-04..06-14 stopped; 5 working days from 06-17: 17..21.
    assert status.deadline("filing_decision").due == D("2024-06-21")


def test_decision_extension_once_by_at_most_one_month(procedures):
    proc = procedures["patent_adjudication"]
    extended = replay(proc, [*PATENT, CaseEvent("decision_extended", D("2024-06-07"))])
    assert extended.deadline("decision").due == D("2024-07-08")  # 4 months: 07-07 is a Sunday
    assert "含经批准延长的1个月" in extended.deadline("decision").basis
    with pytest.raises(CaseEventError) as exc:
        replay(
            proc, [*PATENT, ("decision_extended", D("2024-06-01")), ("decision_extended", D("2024-06-02"))]
        )
    assert exc.value.code == "extension_exhausted"
    with pytest.raises(CaseEventError) as exc:
        replay(proc, [*PATENT, CaseEvent("decision_extended", D("2024-06-01"), amount=2)])
    assert exc.value.code == "extension_too_long"
    with pytest.raises(CaseEventError) as exc:
        replay(proc, [*PATENT, CaseEvent("decision_extended", D("2024-06-08"))])
    assert exc.value.code == "extension_after_expiry" and "2024-06-07" in exc.value.zh


def test_report_extension_by_fifteen_working_days(procedures):
    status = replay(
        procedures["report"], [("received", D("2024-06-03")), ("verification_extended", D("2024-06-20"))]
    )
    assert status.state == "received"
    assert status.deadline("verification").due == D("2024-07-16")  # 30 working days from 06-04
    partial = replay(
        procedures["report"],
        [("received", D("2024-06-03")), CaseEvent("verification_extended", D("2024-06-20"), amount=5)],
    )
    assert partial.deadline("verification").due == D("2024-07-02")  # 20 working days
    with pytest.raises(CaseEventError) as exc:
        replay(
            procedures["report"],
            [("received", D("2024-06-03")), CaseEvent("case_opened", D("2024-06-04"), amount=3)],
        )
    assert exc.value.code == "amount_not_allowed"


def test_limit_value_must_be_in_force_on_the_start_day(procedures):
    assert replay(procedures["report"], [("received", D("2021-07-15"))]).deadline("verification").due
    with pytest.raises(CaseEventError) as exc:
        replay(procedures["report"], [("received", D("2021-07-14"))])
    assert exc.value.code == "limit_not_in_force"


def test_dated_values_pick_the_one_in_force():
    raw = copy.deepcopy(MINIMAL)
    raw["limits"]["answer"]["values"].append(
        {"effective_from": dt.date(2024, 1, 1), "amount": 10, "kind": "statute", "citation": "新第一条"}
    )
    procedure = parse_procedure(raw)
    old = replay(procedure, [("opened", D("2023-12-29"))]).deadline("answer")
    new = replay(procedure, [("opened", D("2024-01-02"))]).deadline("answer")
    assert "[第一条]" in old.basis and "5个工作日" in old.basis
    assert "[新第一条]" in new.basis and "10个工作日" in new.basis


def test_mediation_judicial_confirmation_ends_after_guoqing(procedures):
    history = [
        ("requested", D("2024-08-20")),
        ("mediation_started", D("2024-08-21")),
        ("agreement_effective", D("2024-09-01")),
    ]
    status = replay(procedures["mediation"], history)
    assert status.deadline("judicial_confirmation").due == D("2024-10-08")  # 10-01 is 国庆


def test_local_practice_is_labelled(procedures):
    status = replay(procedures["aid"], [("received", D("2024-06-03"))])
    assert "本地做法 / local practice" in status.deadline("aid_decision").basis
