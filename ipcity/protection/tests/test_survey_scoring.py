"""The satisfaction survey's scoring method, by hand and by property."""

import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipcity.protection.survey_scoring import (
    IncompleteSurvey,
    SurveyError,
    parse_definition,
    score,
    validate_response,
)

DEFINITION: dict[str, Any] = {
    "groups": [
        {"code": "rights_holder", "weight": "0.5"},
        {"code": "professional", "weight": "0.3"},
        {"code": "public", "weight": "0.2"},
    ],
    "dimensions": [
        {"code": "law", "weight": "0.4", "questions": ["q1", "q2"]},
        {"code": "enforcement", "weight": "0.6", "questions": ["q3"]},
    ],
}

HAND: list[tuple[str, dict[str, int | None]]] = [
    ("rights_holder", {"q1": 5, "q2": 4, "q3": 3}),  # law (100+75)/2 = 87.5, enforcement 50
    ("rights_holder", {"q1": 3, "q2": None, "q3": 5}),  # law 50 (blank left out), enforcement 100
    ("professional", {"q1": 2, "q2": 2, "q3": 4}),  # law 25, enforcement 75
    ("public", {"q1": 1, "q2": 5, "q3": None}),  # law 50, no enforcement score
    ("public", {"q1": None, "q2": None, "q3": 2}),  # no law score, enforcement 25
    ("public", {"q1": None, "q2": None, "q3": None}),  # blank: not scored
]


def test_hand_computed_example():
    result = score(parse_definition(DEFINITION), HAND)
    # rights_holder: law (87.5+50)/2 = 68.75, enforcement (50+100)/2 = 75 → .4×68.75 + .6×75 = 72.5
    # professional: .4×25 + .6×75 = 55; public: law 50, enforcement 25 → .4×50 + .6×25 = 35
    # survey: .5×72.5 + .3×55 + .2×35 = 59.75
    assert result.score == Decimal("59.75")
    assert result.by_group == {
        "rights_holder": Decimal("72.50"),
        "professional": Decimal("55.00"),
        "public": Decimal("35.00"),
    }
    # law: .5×68.75 + .3×25 + .2×50 = 51.875 → 51.88; enforcement: .5×75 + .3×75 + .2×25 = 65
    assert result.by_dimension == {"law": Decimal("51.88"), "enforcement": Decimal("65.00")}
    assert (result.n, result.blank) == (5, 1)
    assert result.n_by_group == {"rights_holder": 2, "professional": 1, "public": 2}
    assert str(result.score) == "59.75"


def test_each_answer_scores_answer_minus_one_times_25():
    definition = parse_definition(
        {
            "groups": [{"code": "g", "weight": 1}],
            "dimensions": [{"code": "d", "weight": 1, "questions": ["q"]}],
        }
    )
    for answer, points in [(1, "0.00"), (2, "25.00"), (3, "50.00"), (4, "75.00"), (5, "100.00")]:
        assert score(definition, [("g", {"q": answer})]).score == Decimal(points)


def test_rounding_half_up_once_at_the_end():
    definition = parse_definition(
        {
            "groups": [{"code": "a", "weight": "0.125"}, {"code": "b", "weight": "0.875"}],
            "dimensions": [{"code": "d", "weight": "1", "questions": ["q1", "q2", "q3"]}],
        }
    )
    # a: 25 → 0.125 × 25 = 3.125 → 3.13 (half even would give 3.12); b: 0.
    result = score(definition, [("a", {"q1": 2}), ("b", {"q1": 1})])
    assert result.score == Decimal("3.13")
    # thirds: (100 + 100 + 75) / 3 = 91.666… → 91.67, computed exactly, not from rounded parts.
    result = score(definition, [("a", {"q1": 5, "q2": 5, "q3": 4}), ("b", {"q1": 5, "q2": 5, "q3": 4})])
    assert result.score == Decimal("91.67")


def test_group_without_respondents_is_refused_not_renormalised():
    with pytest.raises(IncompleteSurvey) as exc:
        score(parse_definition(DEFINITION), [r for r in HAND if r[0] != "professional"])
    assert exc.value.missing == [("professional", "law"), ("professional", "enforcement")]
    assert "professional/law" in str(exc.value)


def test_group_with_a_dimension_nobody_answered_is_refused():
    responses = [r for r in HAND if r != ("public", {"q1": None, "q2": None, "q3": 2})]
    with pytest.raises(IncompleteSurvey) as exc:
        score(parse_definition(DEFINITION), responses)
    assert exc.value.missing == [("public", "enforcement")]


# --- validation ------------------------------------------------------------------------------------


def errors_of(raw):
    with pytest.raises(SurveyError) as exc:
        parse_definition(raw)
    return {(e["field"], e["code"]) for e in exc.value.errors}


def test_weights_must_sum_to_exactly_one():
    raw = {**DEFINITION, "groups": [{"code": c, "weight": "0.3333"} for c in ("a", "b", "c")]}
    assert ("groups", "weights_sum") in errors_of(raw)
    raw = {**DEFINITION, "dimensions": [{"code": "d", "weight": "0.9999", "questions": ["q"]}]}
    assert ("dimensions", "weights_sum") in errors_of(raw)
    thirds = parse_definition(
        {
            **DEFINITION,
            "groups": [
                {"code": "a", "weight": 0.1},
                {"code": "b", "weight": 0.2},
                {"code": "c", "weight": 0.7},
            ],
        }
    )
    assert sum(g.weight for g in thirds.groups) == 1  # 0.1 + 0.2 + 0.7 exact in Decimal (not in float)


@pytest.mark.parametrize("weight", [0, "0", -0.5, "1.01", "abc", None, True, "NaN", "Infinity"])
def test_bad_weight(weight):
    raw = {**DEFINITION, "groups": [{"code": "a", "weight": weight}]}
    codes = {c for f, c in errors_of(raw) if f == "groups[0].weight"}
    assert codes & {"weight_invalid", "weight_range"}


def test_duplicate_codes_and_questions_and_empty_sections():
    raw = {
        "groups": [{"code": "a", "weight": "0.5"}, {"code": "a", "weight": "0.5"}],
        "dimensions": [
            {"code": "d", "weight": "0.5", "questions": ["q1"]},
            {"code": "e", "weight": "0.5", "questions": ["q1"]},
        ],
    }
    errors = errors_of(raw)
    assert ("groups[1].code", "duplicate") in errors
    assert ("dimensions[1].questions[0]", "duplicate") in errors
    assert ("groups", "required") in errors_of({"dimensions": DEFINITION["dimensions"]})
    assert ("dimensions[0].questions", "required") in errors_of(
        {**DEFINITION, "dimensions": [{"code": "d", "weight": 1, "questions": []}]}
    )


def test_response_validation():
    definition = parse_definition(DEFINITION)
    assert validate_response(definition, "public", {"q1": 5, "q2": None}) == {"q1": 5, "q2": None}
    for group, answers, expected in [
        ("mayor", {"q1": 5}, ("group", "unknown_group")),
        ("public", {"q9": 5}, ("answers.q9", "unknown_question")),
        ("public", {"q1": 0}, ("answers.q1", "answer_range")),
        ("public", {"q1": 6}, ("answers.q1", "answer_range")),
        ("public", {"q1": True}, ("answers.q1", "answer_range")),
        ("public", {"q1": "5"}, ("answers.q1", "answer_range")),
        ("public", {"q1": 4.5}, ("answers.q1", "answer_range")),
        ("public", [5], ("answers", "invalid")),
    ]:
        with pytest.raises(SurveyError) as exc:
            validate_response(definition, group, answers)
        assert expected in {(e["field"], e["code"]) for e in exc.value.errors}, (group, answers)
        assert all(e["message_zh"] and e["message_en"] for e in exc.value.errors)


def test_score_refuses_a_bad_response_naming_it():
    with pytest.raises(SurveyError) as exc:
        score(parse_definition(DEFINITION), [*HAND, ("public", {"q1": 7})])
    assert exc.value.errors[0]["field"] == "responses[6].answers.q1"


# --- properties -------------------------------------------------------------------------------------

answer = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
full_answer = st.integers(min_value=1, max_value=5)
response = st.tuples(
    st.sampled_from(["rights_holder", "professional", "public"]),
    st.fixed_dictionaries({"q1": answer, "q2": answer, "q3": answer}),
)
# One complete response per group guarantees every cell has a respondent.
complete = st.tuples(
    *[
        st.tuples(
            st.just(g), st.fixed_dictionaries({"q1": full_answer, "q2": full_answer, "q3": full_answer})
        )
        for g in ("rights_holder", "professional", "public")
    ]
)


@settings(max_examples=150, deadline=None)
@given(base=complete, extra=st.lists(response, max_size=40), seed=st.integers(min_value=0, max_value=2**32))
def test_score_within_0_and_100_and_independent_of_order(base, extra, seed):
    definition = parse_definition(DEFINITION)
    responses = [*base, *extra]
    result = score(definition, responses)
    assert Decimal(0) <= result.score <= Decimal(100)
    assert all(
        Decimal(0) <= v <= Decimal(100) for v in [*result.by_group.values(), *result.by_dimension.values()]
    )
    assert result.score.as_tuple().exponent == -2
    shuffled = responses[:]
    random.Random(seed).shuffle(shuffled)
    assert score(definition, shuffled) == result
    assert result.n + result.blank == len(responses)


@given(value=full_answer, copies=st.integers(min_value=1, max_value=5))
def test_everyone_giving_the_same_answer_scores_that_answer(value, copies):
    definition = parse_definition(DEFINITION)
    responses = [
        (g, {"q1": value, "q2": value, "q3": value}) for g in ("rights_holder", "professional", "public")
    ]
    assert score(definition, responses * copies).score == Decimal((value - 1) * 25).quantize(Decimal("0.01"))
