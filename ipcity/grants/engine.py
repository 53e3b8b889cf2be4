"""The one place grants talks to the incentive engine (ipcity.incentives.catalogue).

Applicants state the scheme's own facts; the platform fills the common facts (`credit_blocked`,
`granted_this_year`, `awards_this_year`) from the credit register and the award ledger, never from input.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

COMMON_FACTS = frozenset({"credit_blocked", "granted_this_year", "awards_this_year"})


def catalogue() -> Any:
    from ipcity.incentives.catalogue import get_catalogue

    return get_catalogue()


def scheme(scheme_id: str) -> Any:
    """The scheme, or None if the catalogue does not know it."""
    return catalogue().schemes.get(scheme_id)


def scheme_ids() -> list[str]:
    return sorted(catalogue().schemes)


def scheme_title(scheme_id: str, lang: str = "zh") -> str:
    found = scheme(scheme_id)
    if found is None:
        return scheme_id
    return str(found.title_en if lang.startswith("en") else found.title_zh)


def applicant_facts(scheme_id: str) -> list[Any]:
    """The FactSpecs the applicant fills in (the common facts are the platform's)."""
    found = scheme(scheme_id)
    if found is None:
        return []
    return [f for f in found.facts if f.name not in COMMON_FACTS]


def calculate(
    scheme_id: str,
    *,
    on: dt.date,
    facts: dict[str, Any],
    credit_blocked: bool,
    granted_this_year: Decimal,
    awards_this_year: int,
) -> Any:
    """Run the engine with the applicant's facts plus the platform's own common facts."""
    own = {k: v for k, v in facts.items() if k not in COMMON_FACTS}
    own.update(
        {
            "credit_blocked": credit_blocked,
            "granted_this_year": str(granted_this_year),
            "awards_this_year": awards_this_year,
        }
    )
    return catalogue().calculate(scheme_id, on=on, facts=own, with_trace=True)


def annual_cap(scheme_id: str, on: dt.date) -> Decimal | None:
    value = catalogue().annual_cap(scheme_id, on)
    return None if value is None else Decimal(value)


def yearly_quota(scheme_id: str, on: dt.date) -> int | None:
    value = catalogue().yearly_quota(scheme_id, on)
    return None if value is None else int(value)


def per_entity_per_year(scheme_id: str, on: dt.date) -> int | None:
    value = catalogue().per_entity_per_year(scheme_id, on)
    return None if value is None else int(value)


def fact_errors(exc: Exception) -> list[dict[str, Any]]:
    return list(getattr(exc, "errors", []) or [])


def engine_errors() -> tuple[type[Exception], type[Exception]]:
    from ipcity.incentives.engine.errors import FactError, UnknownScheme

    return FactError, UnknownScheme
