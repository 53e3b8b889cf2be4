"""High-value determination (高价值发明专利): which of the five criteria a patent meets at a date, and
the derived dates that make KPIs date-range counts. One source of truth: `criterion_dates` gives, per
criterion, the first day it is met; evaluation at D and the KPI ledger both use it (docs/adr/0301)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .choices import Criterion, LegalStatus, PatentType
from .params import Parameters

ONE_DAY = dt.timedelta(days=1)


def add_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February → 28 February
        return date.replace(year=date.year + years, day=28)


def term_years(patent: Any) -> int:
    """Patent term from the filing date: 20 years for inventions, 10 for utility models, 10 (15 for
    designs filed from 2021-06-01, Patent Law 2020 art. 42) for designs."""
    if patent.type == PatentType.INVENTION:
        return 20
    if patent.type == PatentType.DESIGN and patent.filing_date >= dt.date(2021, 6, 1):
        return 15
    return 10


def valid_from(patent: Any) -> dt.date | None:
    if patent.legal_status == LegalStatus.PENDING or not patent.grant_date:
        return None
    return patent.grant_date  # type: ignore[no-any-return]


def valid_until(patent: Any) -> dt.date | None:
    """The first day the patent is no longer in force (None: still in force, with no end known other
    than its term). Lapsed/invalidated with no date: never counted as valid (we cannot say since when
    it was not)."""
    start = valid_from(patent)
    if start is None:
        return None
    end = add_years(patent.filing_date, term_years(patent))
    if patent.legal_status in {LegalStatus.LAPSED, LegalStatus.INVALIDATED, LegalStatus.EXPIRED}:
        if patent.status_date:
            end = min(end, patent.status_date)
        elif patent.legal_status != LegalStatus.EXPIRED:
            end = start
    return end


def criterion_dates(patent: Any, params: Parameters) -> dict[str, dt.date | None]:
    """For each criterion, the first day it is met (None: not met at any date)."""
    filing: dt.date = patent.filing_date
    dates: dict[str, dt.date | None] = {c.value: None for c in Criterion}
    if patent.sei_codes:
        dates[Criterion.SEI] = filing
    if patent.overseas_family_granted:
        dates[Criterion.OVERSEAS_FAMILY] = patent.overseas_family_since or filing
    years = params.maintenance_years(add_years(filing, 10))
    dates[Criterion.MAINTAINED] = add_years(filing, years) + ONE_DAY  # "more than 10 years"
    if patent.pledge_amount is not None:
        pledged_on = patent.pledge_date or filing
        if Decimal(patent.pledge_amount) >= params.pledge_threshold(pledged_on):
            dates[Criterion.PLEDGE] = pledged_on
    if patent.award and patent.award in params.awards:
        dates[Criterion.AWARD] = patent.award_date or filing
    return dates


@dataclass(frozen=True)
class Derived:
    valid_from: dt.date | None
    valid_until: dt.date | None
    hv_from: dt.date | None


def derive(patent: Any, params: Parameters) -> Derived:
    start = valid_from(patent)
    end = valid_until(patent)
    if start is not None and end is not None and end <= start:
        start = end = None
    hv = None
    if start is not None and patent.type in params.patent_types:
        met = [d for d in criterion_dates(patent, params).values() if d is not None]
        if met:
            hv = max(start, min(met))
            if end is not None and hv >= end:
                hv = None
    return Derived(start, end, hv)


@dataclass(frozen=True)
class CriterionResult:
    code: str
    label: str
    met: bool
    since: dt.date | None
    explanation: str


@dataclass(frozen=True)
class Evaluation:
    date: dt.date
    is_valid: bool
    is_high_value: bool
    criteria: list[CriterionResult]
    summary: str

    @property
    def met(self) -> list[str]:
        return [c.code for c in self.criteria if c.met]


def is_valid_on(patent: Any, date: dt.date) -> bool:
    d = derive_validity(patent)
    return d[0] is not None and d[0] <= date and (d[1] is None or date < d[1])


def derive_validity(patent: Any) -> tuple[dt.date | None, dt.date | None]:
    start, end = valid_from(patent), valid_until(patent)
    if start is not None and end is not None and end <= start:
        return None, None
    return start, end


def evaluate(patent: Any, date: dt.date, params: Parameters) -> Evaluation:
    """Which criteria the patent meets on `date`, with a sentence each, and whether it counts."""
    dates = criterion_dates(patent, params)
    valid = is_valid_on(patent, date)
    results = []
    for criterion in Criterion:
        since = dates[criterion.value]
        met = since is not None and since <= date
        results.append(
            CriterionResult(
                criterion.value,
                str(criterion.label),
                met,
                since,
                _explain(patent, criterion, since, date, params),
            )
        )
    is_invention = patent.type in params.patent_types
    is_hv = valid and is_invention and any(r.met for r in results)
    if not is_invention:
        summary = _("Only invention patents can be high-value invention patents.")
    elif not valid:
        summary = _("Not high-value on %(date)s: the patent is not in force on that date.") % {"date": date}
    elif is_hv:
        summary = _("High-value on %(date)s: it meets %(n)s of the five criteria (counted once).") % {
            "date": date,
            "n": sum(r.met for r in results),
        }
    else:
        summary = _("Not high-value on %(date)s: it is in force but meets none of the five criteria.") % {
            "date": date
        }
    return Evaluation(date=date, is_valid=valid, is_high_value=is_hv, criteria=results, summary=summary)


def _explain(
    patent: Any, criterion: Criterion, since: dt.date | None, date: dt.date, params: Parameters
) -> str:
    if criterion == Criterion.SEI:
        if since is None:
            return _("None of its IPC symbols maps to a strategic emerging industry.")
        return _("Its IPC symbols map to strategic emerging industries %(codes)s.") % {
            "codes": ", ".join(s for s in patent.sei_codes.split("|") if s)
        }
    if criterion == Criterion.OVERSEAS_FAMILY:
        if since is None:
            return _("No family member granted abroad is recorded.")
        if since > date:
            return _("A family member was granted abroad only on %(since)s.") % {"since": since}
        return _("A family member was granted abroad (since %(since)s).") % {"since": since}
    if criterion == Criterion.MAINTAINED:
        assert since is not None
        if since > date:
            return _("Filed on %(filing)s: maintained for more than 10 years only from %(since)s.") % {
                "filing": patent.filing_date,
                "since": since,
            }
        return _("Filed on %(filing)s: maintained for more than 10 years since %(since)s.") % {
            "filing": patent.filing_date,
            "since": since,
        }
    if criterion == Criterion.PLEDGE:
        threshold = params.pledge_threshold(patent.pledge_date or date)
        if patent.pledge_amount is None:
            return _("No pledge is recorded (threshold %(threshold)s yuan).") % {
                "threshold": f"{threshold:,.2f}"
            }
        if since is None:
            return _("Pledged for %(amount)s yuan, below the threshold of %(threshold)s yuan.") % {
                "amount": f"{Decimal(patent.pledge_amount):,.2f}",
                "threshold": f"{threshold:,.2f}",
            }
        if since > date:
            return _("Pledged only on %(since)s.") % {"since": since}
        return _("Pledged for %(amount)s yuan, at least the threshold of %(threshold)s yuan.") % {
            "amount": f"{Decimal(patent.pledge_amount):,.2f}",
            "threshold": f"{threshold:,.2f}",
        }
    # award
    if since is None:
        return _("No National S&T Award or China Patent Award is recorded.")
    if since > date:
        return _("The award was given only on %(since)s.") % {"since": since}
    return _("It won an award: %(award)s.") % {
        "award": patent.get_award_display() if hasattr(patent, "get_award_display") else patent.award
    }
