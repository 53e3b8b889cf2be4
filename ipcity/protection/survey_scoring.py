"""The protection satisfaction survey's score (知识产权保护社会满意度), exactly as the spec states it
(docs/adr/0500). Pure Python, no Django.

- Each answer on the 1–5 scale scores (answer − 1) × 25: 1 → 0, 3 → 50, 5 → 100. A blank (None) is
  left out.
- A respondent's dimension score is the mean of their answered questions in that dimension. A
  respondent who answered none of a dimension's questions has no score for it and is left out of that
  dimension's mean (a blank is left out, whole dimensions included).
- A group's dimension score is the mean over its respondents (those with a score for the dimension).
- A group's score is the weighted sum of its dimension scores; the survey's score the weighted sum of
  the group scores. `by_dimension[d]` is the group-weighted sum of the groups' scores for d, so the
  survey score is also the dimension-weighted sum of `by_dimension`.
- Arithmetic is exact: integer sums, then fractions for the means and weights (weights are Decimal and
  convert exactly). The only rounding is half up to 2 places, once, at the end, for each figure
  published (the survey score is rounded from its exact value, not from rounded parts).
- Weights are parameters of each survey: groups' weights sum to exactly 1, dimensions' weights sum to
  exactly 1, each weight is more than 0.
- Missing cells are refused, not renormalised: if a group has no respondent with a score for some
  dimension, there is no score (IncompleteSurvey names the cells). Renormalising the weights would
  publish a number computed with weights the survey did not set; the survey is scored when every
  group has answered every dimension.
- `n` is the number of responses with at least one answer; `blank` the number with none (received,
  not scored).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

ANSWER_MIN, ANSWER_MAX, POINTS = 1, 5, 25
ONE = Decimal(1)


def _error(field_name: str, code: str, zh: str, en: str) -> dict[str, str]:
    return {"field": field_name, "code": code, "message_zh": zh, "message_en": en}


@dataclass
class SurveyError(ValueError):
    """One entry per bad field: {"field", "code", "message_zh", "message_en"}; nothing is stored."""

    errors: list[dict[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{e['field']}: {e['message_en']}" for e in self.errors)


@dataclass
class IncompleteSurvey(ValueError):
    """No score yet: `missing` lists (group, dimension) cells with no respondent."""

    missing: list[tuple[str, str]]

    def __str__(self) -> str:
        cells = ", ".join(f"{g}/{d}" for g, d in self.missing)
        return f"no respondent yet for: {cells} / 以下组别和维度尚无有效答卷：{cells}"


@dataclass(frozen=True)
class Group:
    code: str
    weight: Decimal


@dataclass(frozen=True)
class Dimension:
    code: str
    weight: Decimal
    questions: tuple[str, ...]


@dataclass(frozen=True)
class SurveyDefinition:
    groups: tuple[Group, ...]
    dimensions: tuple[Dimension, ...]
    question_dimension: Mapping[str, int]  # question code → index of its dimension

    @property
    def group_codes(self) -> frozenset[str]:
        return frozenset(g.code for g in self.groups)


@dataclass(frozen=True)
class SurveyScore:
    score: Decimal
    n: int
    blank: int
    by_group: dict[str, Decimal]
    by_dimension: dict[str, Decimal]
    n_by_group: dict[str, int]


def _weight(value: Any, field_name: str, errors: list[dict[str, str]]) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        errors.append(_error(field_name, "weight_invalid", "权重必须是数值", "the weight must be a number"))
        return None
    try:
        weight = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        errors.append(_error(field_name, "weight_invalid", "权重必须是数值", "the weight must be a number"))
        return None
    if not weight.is_finite() or not Decimal(0) < weight <= ONE:
        errors.append(
            _error(
                field_name,
                "weight_range",
                "权重必须大于0且不大于1",
                "the weight must be more than 0 and at most 1",
            )
        )
        return None
    return weight


def _code(value: Any, field_name: str, errors: list[dict[str, str]]) -> str | None:
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        errors.append(
            _error(
                field_name,
                "code_invalid",
                "代码必须是1至40个字符的文本",
                "the code must be text of 1 to 40 characters",
            )
        )
        return None
    return value.strip()


def parse_definition(raw: Mapping[str, Any]) -> SurveyDefinition:
    """`{"groups": [{"code", "weight"}], "dimensions": [{"code", "weight", "questions": [...]}]}`,
    validated: weights each sum to exactly 1, codes unique, each question in one dimension."""
    errors: list[dict[str, str]] = []
    groups: list[Group] = []
    dimensions: list[Dimension] = []
    question_dimension: dict[str, int] = {}
    for section in ("groups", "dimensions"):
        items = raw.get(section) if isinstance(raw, Mapping) else None
        if not isinstance(items, list) or not items:
            errors.append(
                _error(
                    section,
                    "required",
                    f"至少需要一个{'组别' if section == 'groups' else '维度'}",
                    f"at least one {section[:-1]} is required",
                )
            )
            continue
        seen: set[str] = set()
        total = Decimal(0)
        complete = True
        for i, item in enumerate(items):
            where = f"{section}[{i}]"
            if not isinstance(item, Mapping):
                errors.append(_error(where, "invalid", "必须是对象", "must be an object"))
                complete = False
                continue
            code = _code(item.get("code"), f"{where}.code", errors)
            weight = _weight(item.get("weight"), f"{where}.weight", errors)
            if code is not None and code in seen:
                errors.append(
                    _error(
                        f"{where}.code", "duplicate", f"代码“{code}”重复", f"the code `{code}` is repeated"
                    )
                )
            if code is None or weight is None:
                complete = False
                continue
            seen.add(code)
            total += weight
            if section == "groups":
                groups.append(Group(code, weight))
                continue
            questions = item.get("questions")
            if not isinstance(questions, list) or not questions:
                errors.append(
                    _error(
                        f"{where}.questions",
                        "required",
                        "每个维度至少一个题目",
                        "each dimension needs at least one question",
                    )
                )
                continue
            codes: list[str] = []
            for j, q in enumerate(questions):
                q_code = _code(q, f"{where}.questions[{j}]", errors)
                if q_code is None:
                    continue
                if q_code in question_dimension:
                    errors.append(
                        _error(
                            f"{where}.questions[{j}]",
                            "duplicate",
                            f"题目“{q_code}”已在其他位置出现",
                            f"the question `{q_code}` appears twice",
                        )
                    )
                    continue
                question_dimension[q_code] = len(dimensions)
                codes.append(q_code)
            dimensions.append(Dimension(code, weight, tuple(codes)))
        if complete and total != ONE:
            errors.append(
                _error(
                    section,
                    "weights_sum",
                    f"权重之和必须恰好为1（现为{total}）",
                    f"the weights must sum to exactly 1 (they sum to {total})",
                )
            )
    if errors:
        raise SurveyError(errors)
    return SurveyDefinition(tuple(groups), tuple(dimensions), question_dimension)


def validate_response(definition: SurveyDefinition, group: Any, answers: Any) -> dict[str, int | None]:
    """The answers of one response, checked: a known group, known questions, each answer 1–5 or blank."""
    errors: list[dict[str, str]] = []
    if group not in definition.group_codes:
        errors.append(
            _error("group", "unknown_group", f"未知组别“{group}”", f"unknown respondent group `{group}`")
        )
    if not isinstance(answers, Mapping):
        errors.append(_error("answers", "invalid", "答案必须是对象", "the answers must be an object"))
        raise SurveyError(errors)
    clean: dict[str, int | None] = {}
    for question, answer in answers.items():
        where = f"answers.{question}"
        if question not in definition.question_dimension:
            errors.append(
                _error(where, "unknown_question", f"未知题目“{question}”", f"unknown question `{question}`")
            )
            continue
        if answer is None:
            clean[question] = None
            continue
        if isinstance(answer, bool) or not isinstance(answer, int) or not ANSWER_MIN <= answer <= ANSWER_MAX:
            errors.append(
                _error(
                    where,
                    "answer_range",
                    "答案必须是1至5的整数或留空",
                    "the answer must be a whole number from 1 to 5, or blank",
                )
            )
            continue
        clean[question] = answer
    if errors:
        raise SurveyError(errors)
    return clean


def _round(value: Fraction) -> Decimal:
    """Half up to 2 places, exactly (value is not negative)."""
    hundredths = (value.numerator * 200 + value.denominator) // (2 * value.denominator)
    return Decimal(hundredths).scaleb(-2)


def score(
    definition: SurveyDefinition,
    responses: Iterable[tuple[str, Mapping[str, Any]]],
    *,
    validate: bool = True,
) -> SurveyScore:
    """The survey's score from (group, answers) pairs. Validates each response unless told they were
    validated when stored (`validate=False`). Raises SurveyError (`field` names the response) or
    IncompleteSurvey."""
    n_dims = len(definition.dimensions)
    group_index = {g.code: i for i, g in enumerate(definition.groups)}
    qdim = definition.question_dimension
    # sums[g][d][c]: total points of respondents of group g who answered c questions of dimension d;
    # counts[g][d]: how many respondents of g have a score for d.
    sums: list[list[dict[int, int]]] = [[{} for _ in range(n_dims)] for _ in definition.groups]
    counts = [[0] * n_dims for _ in definition.groups]
    n = blank = 0
    n_by_group = [0] * len(definition.groups)
    for index, (group, answers) in enumerate(responses):
        if validate:
            try:
                answers = validate_response(definition, group, answers)
            except SurveyError as exc:
                for e in exc.errors:
                    e["field"] = f"responses[{index}].{e['field']}"
                raise
        g = group_index[group]
        points = [0] * n_dims
        answered = [0] * n_dims
        any_answer = False
        for question, answer in answers.items():
            if answer is None:
                continue
            d = qdim[question]
            points[d] += answer - 1
            answered[d] += 1
            any_answer = True
        if not any_answer:
            blank += 1
            continue
        n += 1
        n_by_group[g] += 1
        for d in range(n_dims):
            c = answered[d]
            if c:
                cell = sums[g][d]
                cell[c] = cell.get(c, 0) + points[d] * POINTS
                counts[g][d] += 1

    missing = [
        (definition.groups[g].code, definition.dimensions[d].code)
        for g in range(len(definition.groups))
        for d in range(n_dims)
        if counts[g][d] == 0
    ]
    if missing:
        raise IncompleteSurvey(missing)

    dim_weights = [Fraction(d.weight) for d in definition.dimensions]
    group_weights = [Fraction(g.weight) for g in definition.groups]
    group_dim = [
        [
            sum((Fraction(total, c) for c, total in sums[g][d].items()), Fraction(0)) / counts[g][d]
            for d in range(n_dims)
        ]
        for g in range(len(definition.groups))
    ]
    group_scores = [
        sum((w * s for w, s in zip(dim_weights, row, strict=True)), Fraction(0)) for row in group_dim
    ]
    by_dimension = [
        sum((group_weights[g] * group_dim[g][d] for g in range(len(definition.groups))), Fraction(0))
        for d in range(n_dims)
    ]
    total = sum((w * s for w, s in zip(group_weights, group_scores, strict=True)), Fraction(0))
    return SurveyScore(
        score=_round(total),
        n=n,
        blank=blank,
        by_group={g.code: _round(s) for g, s in zip(definition.groups, group_scores, strict=True)},
        by_dimension={d.code: _round(s) for d, s in zip(definition.dimensions, by_dimension, strict=True)},
        n_by_group={g.code: c for g, c in zip(definition.groups, n_by_group, strict=True)},
    )
