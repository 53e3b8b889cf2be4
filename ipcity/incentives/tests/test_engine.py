"""The engine without Django: loading rules, dated parameters, overrides, rounding, exactness, traces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from ipcity.incentives.engine import Catalogue, FactError, Override, PolicyError, UnknownScheme, load_schemes

SCHEMES = Path(__file__).resolve().parents[3] / "policies" / "yantai-2022-2024" / "schemes"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.from_directory(SCHEMES)


def test_engine_has_no_django_imports() -> None:
    engine = Path(__file__).resolve().parents[1] / "engine"
    for path in engine.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path.name


def test_catalogue_has_every_scheme_of_the_contract(cat: Catalogue) -> None:
    spec = {
        "protection_market", "pro_bono_rights_protection", "overseas_litigation",
        "overseas_infringement_insurance", "ecommerce_platform", "patent_award_matching",
        "patent_navigation_industry", "patent_navigation_enterprise", "high_value_cultivation_centre",
        "high_value_portfolio", "free_licence_reward", "patent_settlement", "first_patent_pledge_interest",
        "first_trademark_pledge_interest", "bank_pledge_reward", "securitisation", "pledge_insurance_guarantee",
        "municipal_advantage_enterprise", "national_provincial_advantage_enterprise", "park_advanced_model",
        "industry_alliance", "operation_centre", "gi_project", "gi_registration", "madrid_trademark",
        "regional_brand", "service_agency_reward",
    }  # fmt: skip
    assert set(cat.schemes) == spec


@pytest.mark.parametrize(
    ("scheme", "facts"),
    [
        ("protection_market", ["recognition_level"]),
        ("pro_bono_rights_protection", ["case_successful"]),
        ("overseas_litigation", ["outcome", "legal_fees"]),
        ("overseas_infringement_insurance", ["premium"]),
        ("ecommerce_platform", ["provincial_cultivation"]),
        ("patent_award_matching", ["award"]),
        ("patent_navigation_enterprise", ["landmark_chain_backbone"]),
        ("patent_settlement", ["invention_patents_after_settlement"]),
        (
            "first_patent_pledge_interest",
            ["principal", "actual_rate", "benchmark_rate", "days", "first_pledge", "own_invention_patents"],
        ),
        ("first_trademark_pledge_interest", ["interest_paid"]),
        ("securitisation", ["issue_amount", "patent_pledge_guarantee"]),
        ("pledge_insurance_guarantee", ["fee"]),
        ("national_provincial_advantage_enterprise", ["level"]),
        ("operation_centre", ["centre"]),
        ("gi_project", ["level"]),
        ("gi_registration", ["items"]),
        ("madrid_trademark", ["items"]),
    ],
)
def test_contract_fact_names(cat: Catalogue, scheme: str, facts: list[str]) -> None:
    names = {f.name for f in cat.schemes[scheme].facts}
    assert set(facts) <= names
    assert {"credit_blocked", "granted_this_year", "awards_this_year"} <= names


def test_every_parameter_cites_a_clause_and_every_scheme_its_text(cat: Catalogue) -> None:
    for scheme in cat.schemes.values():
        assert scheme.clauses, scheme.id
        assert scheme.summary_zh and scheme.summary_en, scheme.id
        for param in scheme.parameters.values():
            assert param.reference, (scheme.id, param.name)


def test_loader_refuses_a_parameter_without_a_reference(tmp_path: Path) -> None:
    text = (SCHEMES / "madrid_trademark.yaml").read_text(encoding="utf-8")
    (tmp_path / "madrid_trademark.yaml").write_text(
        text.replace("    reference: 二(五)4\n", "", 1), encoding="utf-8"
    )
    (tmp_path / "_policy.yaml").write_text((SCHEMES / "_policy.yaml").read_text(encoding="utf-8"))
    with pytest.raises(PolicyError, match="no clause reference"):
        load_schemes(tmp_path)


def test_loader_refuses_float_parameter_values(tmp_path: Path) -> None:
    text = (SCHEMES / "overseas_litigation.yaml").read_text(encoding="utf-8")
    (tmp_path / "overseas_litigation.yaml").write_text(text.replace('value: "0.50"', "value: 0.5"))
    (tmp_path / "_policy.yaml").write_text((SCHEMES / "_policy.yaml").read_text(encoding="utf-8"))
    with pytest.raises(PolicyError, match="not floats"):
        load_schemes(tmp_path)


def test_unknown_scheme(cat: Catalogue) -> None:
    with pytest.raises(UnknownScheme):
        cat.calculate("nope", "2023-01-01", {})


def test_fact_errors_name_each_field(cat: Catalogue) -> None:
    with pytest.raises(FactError) as raised:
        cat.calculate("securitisation", "2023-13-01", {"issue_amount": "1.001", "colour": "red"})
    codes = {e["field"]: e["code"] for e in raised.value.errors}
    assert codes == {
        "date": "not_a_date",
        "facts.issue_amount": "too_many_decimals",
        "facts.colour": "unknown_fact",
        "facts.patent_pledge_guarantee": "missing",
    }
    assert all(e["message_zh"] and e["message_en"] for e in raised.value.errors)


def test_float_would_have_failed_decimal_is_exact(cat: Catalogue) -> None:
    """2% of an issue of 24,999,999.25 is 499,999.985 exactly, which rounds half up to 499,999.99.
    In binary floating point the product is 499999.98499999999 and rounds down to .98."""
    issue = "24999999.25"
    as_float = float(issue) * 0.02
    assert round(as_float, 2) == 499999.98  # the float answer is a fen short
    result = cat.calculate(
        "securitisation", "2023-06-30", {"issue_amount": issue, "patent_pledge_guarantee": True}
    )
    assert result.amount == Decimal("499999.99")


def test_float_sum_of_large_amounts_drifts_decimal_does_not(cat: Catalogue) -> None:
    """Ten items of 100,000.10 (GI registrations, capped at 100,000 each) and a million-yuan total:
    summing 0.1-fen fractions in float drifts, Decimal is exact to the fen at 1,000,000.00."""
    items = [{"requested_amount": "99999.99"}] * 10 + [{"requested_amount": "0.10"}] * 10
    result = cat.calculate("gi_registration", "2023-06-30", {"items": items})
    assert result.amount == Decimal("1000000.00") - Decimal("0.10") + Decimal("1.00")
    float_total = sum([99999.99] * 10 + [0.10] * 10)
    assert float_total != 1000000.90  # float accumulates representation error
    assert format(result.amount, "f") == "1000000.90"


def test_million_yuan_award_exact(cat: Catalogue) -> None:
    result = cat.calculate(
        "gi_project", "2024-01-01", {"level": "national", "requested_amount": "1000000.00"}
    )
    assert result.amount == Decimal("1000000.00") and result.to_dict()["amount"] == "1000000.00"


def test_rounding_happens_once_half_up(cat: Catalogue) -> None:
    # 50% of 0.01 is 0.005 -> 0.01 (half up), not banker's 0.00.
    result = cat.calculate("pledge_insurance_guarantee", "2023-01-01", {"fee": "0.01"})
    assert result.amount == Decimal("0.01")
    rounds = [s for s in result.trace if s.step == "round"]
    assert len(rounds) == 1


def test_dated_parameter_and_override_for_a_date_range(cat: Catalogue) -> None:
    facts = {"items": [{"requested_amount": "25000"}]}
    reform = [Override("madrid_trademark", "cap_per_item", Decimal("30000"), dt.date(2024, 1, 1), None)]
    before = cat.calculate("madrid_trademark", "2023-12-31", facts, reform)
    after = cat.calculate("madrid_trademark", "2024-01-01", facts, reform)
    assert before.amount == Decimal("20000.00")
    assert after.amount == Decimal("25000.00")
    assert after.parameters["cap_per_item"] == Decimal("30000")
    # the catalogue itself is not changed by a what-if
    assert cat.calculate("madrid_trademark", "2024-01-01", facts).amount == Decimal("20000.00")


def test_override_of_unknown_parameter_is_refused(cat: Catalogue) -> None:
    with pytest.raises(FactError):
        cat.calculate("madrid_trademark", "2024-01-01", {"items": [{"requested_amount": "1"}]}, {"cap": "1"})


def test_unsetting_a_parameter_by_override_gives_parameter_not_set(cat: Catalogue) -> None:
    result = cat.calculate(
        "madrid_trademark", "2024-01-01", {"items": [{"requested_amount": "1"}]}, {"cap_per_item": None}
    )
    assert result.reasons == ["parameter_not_set"] and result.amount == 0


def test_cap_accessors_for_the_grants_workflow(cat: Catalogue) -> None:
    assert cat.annual_cap("overseas_litigation", dt.date(2023, 1, 1)) == Decimal("1000000.00")
    assert cat.annual_cap("bank_pledge_reward", "2023-01-01") == Decimal("1000000.00")
    assert cat.annual_cap("madrid_trademark", dt.date(2023, 1, 1)) is None
    assert cat.yearly_quota("municipal_advantage_enterprise", dt.date(2023, 1, 1)) == 20
    assert cat.yearly_quota("first_trademark_pledge_interest", dt.date(2023, 1, 1)) == 1
    assert cat.yearly_quota("madrid_trademark", dt.date(2023, 1, 1)) is None
    assert cat.annual_cap("overseas_litigation", dt.date(2025, 1, 1)) is None  # plan no longer in force
    scheme = cat.schemes["overseas_litigation"]
    assert scheme.annual_cap_per_entity and not scheme.yearly_quota and not scheme.per_item
    assert cat.schemes["madrid_trademark"].per_item
    assert cat.schemes["madrid_trademark"].subject["label_zh"]


def test_trace_cites_clauses_in_both_languages(cat: Catalogue) -> None:
    result = cat.calculate(
        "overseas_litigation",
        "2023-06-30",
        {"outcome": "won", "legal_fees": "3000000", "granted_this_year": "200000"},
    )
    assert result.amount == Decimal("800000.00") and result.binding_cap == "annual_cap"
    steps = {s.step: s for s in result.trace}
    assert steps["share"].clause == "二(一)4"
    assert "3000000.00 × 50%" in steps["share"].formula_zh
    assert "annual cap 1000000.00" in steps["annual_cap"].formula_en
    assert "年度上限" in steps["annual_cap"].formula_zh


def test_without_trace_same_amount(cat: Catalogue) -> None:
    facts = {"outcome": "won", "legal_fees": "123456.78"}
    with_trace = cat.calculate("overseas_litigation", "2023-06-30", facts)
    without = cat.calculate("overseas_litigation", "2023-06-30", facts, with_trace=False)
    assert without.trace == [] and without.amount == with_trace.amount == Decimal("61728.39")


def test_csv_cells_are_accepted_as_strings(cat: Catalogue) -> None:
    result = cat.calculate(
        "first_patent_pledge_interest",
        "2023-06-30",
        {
            "principal": "1,000,000",
            "actual_rate": "0.04",
            "benchmark_rate": "0.0365",
            "days": "365",
            "first_pledge": "是",
            "own_invention_patents": "true",
        },
    )
    assert result.amount == Decimal("21900.00")


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("day_count", "0"), ("benchmark_share", "1.5"), ("cap", "-1"), ("cap", "10.001")],
)
def test_overrides_outside_a_parameters_bounds_are_refused(
    cat: Catalogue, parameter: str, value: str
) -> None:
    facts = {
        "principal": "1000",
        "actual_rate": "0.04",
        "benchmark_rate": "0.04",
        "days": 10,
        "first_pledge": True,
        "own_invention_patents": True,
    }
    with pytest.raises(FactError) as raised:
        cat.calculate("first_patent_pledge_interest", "2023-01-01", facts, {parameter: value})
    assert raised.value.errors[0]["field"].startswith(f"overrides.{parameter}")


def test_main_text_annex_decisions_sit_next_to_a_parameter_and_cite_both(cat: Catalogue) -> None:
    for scheme in cat.schemes.values():
        for decision in scheme.decisions:
            assert "附件" in decision["clauses"] and "二(" in decision["clauses"], scheme.id
            assert decision["zh"] and decision["en"], scheme.id
        if scheme.decisions:
            assert any(p.decision_zh and p.decision_en for p in scheme.parameters.values()), scheme.id


@pytest.mark.parametrize(
    ("scheme", "facts", "marker_zh", "marker_en"),
    [
        ("madrid_trademark", {"items": [{"requested_amount": "25000"}]}, "（上限生效）", "(cap binds)"),
        (
            "securitisation",
            {"issue_amount": "90000000", "patent_pledge_guarantee": True},
            "（上限生效）",
            "(cap binds)",
        ),
        (
            "overseas_litigation",
            {"outcome": "won", "legal_fees": "900000", "granted_this_year": "800000"},
            "（年度上限生效）",
            "(annual cap binds)",
        ),
    ],
)
def test_a_binding_cap_is_visible_in_the_trace(
    cat: Catalogue, scheme: str, facts: dict, marker_zh: str, marker_en: str
) -> None:
    result = cat.calculate(scheme, "2023-06-30", facts)
    assert any(marker_zh in s.formula_zh and marker_en in s.formula_en for s in result.trace)
    unbound = cat.calculate(
        scheme,
        "2023-06-30",
        facts,
        {p: "99999999" for p in ["cap_per_item", "cap", "annual_cap"] if p in cat.schemes[scheme].parameters},
    )
    assert not any(marker_zh in s.formula_zh for s in unbound.trace)


def test_quota_binding_is_visible_in_the_trace(cat: Catalogue) -> None:
    result = cat.calculate(
        "municipal_advantage_enterprise",
        "2023-06-30",
        {"designated": True, "requested_amount": "1000", "awards_this_year": 20},
    )
    assert result.binding_cap == "quota"
    step = next(s for s in result.trace if s.step == "quota")
    assert "年度名额 20" in step.formula_zh and step.clause == "二(四)1"


@pytest.mark.parametrize("value", ["1e400", "1E30", "99999999999999.99"])
def test_absurd_magnitudes_are_refused_not_crashing(cat: Catalogue, value: str) -> None:
    with pytest.raises(FactError):
        cat.calculate("madrid_trademark", "2023-01-01", {"items": [{"requested_amount": value}]})
    with pytest.raises(FactError):
        cat.calculate(
            "madrid_trademark", "2023-01-01", {"items": [{"requested_amount": "1"}]}, {"cap_per_item": value}
        )
    with pytest.raises(FactError):
        cat.simulate([], [{"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": value}])


def test_loader_refuses_unknown_keys(tmp_path: Path) -> None:
    """An unquoted comma in a YAML flow mapping silently makes a key; the loader catches it."""
    text = (SCHEMES / "madrid_trademark.yaml").read_text(encoding="utf-8")
    (tmp_path / "madrid_trademark.yaml").write_text(
        text.replace("label_en: Requested amount (yuan)", "label_en: Requested, amount (yuan)")
    )
    (tmp_path / "_policy.yaml").write_text((SCHEMES / "_policy.yaml").read_text(encoding="utf-8"))
    with pytest.raises(PolicyError, match="unknown keys"):
        load_schemes(tmp_path)


def test_declarative_tests_cover_every_reason_and_cap_of_every_scheme(cat: Catalogue) -> None:
    """Each scheme's YAML tests: ≥ 4 cases, a normal eligible case, every reason for ineligibility, and
    each cap on both sides (one case where it binds, one eligible case where it does not)."""
    import yaml

    tests_dir = SCHEMES.parent / "tests"
    for scheme in cat.schemes.values():
        path = tests_dir / f"{scheme.id}.yaml"
        assert path.exists(), scheme.id
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert len(cases) >= 4, scheme.id
        assert all(c["scheme"] == scheme.id for c in cases), scheme.id
        reasons = {r for c in cases for r in (c.get("reasons") or [])}
        expected = {"credit_punishment"} | {c.reason for c in scheme.conditions}
        open_parameters = any(p.value_at(dt.date(2023, 6, 30)) is None for p in scheme.parameters.values())
        if open_parameters:
            expected.add("parameter_not_set")
        else:
            expected.add("scheme_not_in_force")
            assert any(c.get("eligible") is True and not c.get("overrides") for c in cases), scheme.id
        if scheme.yearly_quota_parameter:
            expected.add("quota_exhausted")
        if scheme.annual_cap_parameter:
            expected.add("annual_cap_reached")
        assert expected <= reasons, (scheme.id, expected - reasons)
        bindings = {c.get("binding_cap") for c in cases if "binding_cap" in c}
        cap_kind = "per_item" if scheme.per_item else "per_application"
        if scheme.rule.cap or scheme.rule.cap_by:
            assert cap_kind in bindings and None in bindings, scheme.id
        if scheme.annual_cap_parameter:
            assert "annual_cap" in bindings, scheme.id
        if scheme.yearly_quota_parameter:
            assert "quota" in bindings, scheme.id


@pytest.mark.parametrize("value", ["1e9999999", "-1e9999999", "1e99999999"])
def test_huge_exponents_are_refused_at_once(cat: Catalogue, value: str) -> None:
    """Regression: int(Decimal("1e9999999")) for a count fact tied up a worker for minutes, and
    abs(Decimal("1e99999999")) for a money fact raised decimal.Overflow (a 500)."""
    with pytest.raises(FactError) as exc:
        cat.calculate(
            "high_value_portfolio",
            "2023-06-30",
            {"selected": True, "invention_patents": value, "requested_amount": value},
        )
    assert {e["field"] for e in exc.value.errors} == {"facts.invention_patents", "facts.requested_amount"}
