"""Incentive rules engine benchmark (issue 3).

Evaluates a batch of N mixed applications (default 100,000, all 27 Yantai schemes, eligible and
ineligible, some hitting caps) single-threaded:

1. the engine with the full trace (what the API and the calculator page return),
2. the engine without the trace (what a batch simulation uses),
3. the same rules in plain Python float arithmetic over pre-parsed numbers — a floor for comparison,
   not a correct implementation: it also counts the applications where float disagrees with Decimal
   by at least one fen,
4. a what-if simulation of the batch (current rules and a reform: two evaluations per application).

Facts go in as the strings a JSON/CSV batch carries, so parsing and validation are included.
Prints figures and writes bench/results/incentives.json; record them in bench/RESULTS.md.
Usage: .venv/bin/python bench/incentives.py [--n 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ipcity.incentives.engine import Catalogue  # noqa: E402

SCHEMES = ROOT / "policies" / "yantai-2022-2024" / "schemes"


def money(rng: random.Random, top: int) -> str:
    return (
        f"{rng.randint(0, top * 100) / 100:.2f}"
        if rng.random() < 0.5
        else f"{rng.randint(0, top)}.{rng.randint(0, 99):02d}"
    )


def make_facts(rng: random.Random, scheme: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for spec in scheme.facts:
        if not spec.required and rng.random() < 0.6:
            continue
        if spec.type == "money":
            top = 60_000_000 if spec.name in {"issue_amount", "principal"} else 2_500_000
            if spec.name == "granted_this_year":
                top = 1_200_000
            facts[spec.name] = money(rng, top)
        elif spec.type == "rate":
            facts[spec.name] = f"0.0{rng.randint(100, 799)}"
        elif spec.type == "int":
            facts[spec.name] = rng.randint(0, 400) if spec.name == "days" else rng.randint(0, 25)
        elif spec.type == "bool":
            facts[spec.name] = rng.random() < (0.1 if spec.name == "credit_blocked" else 0.85)
        elif spec.type == "choice":
            facts[spec.name] = rng.choice(spec.choices)
        elif spec.type == "items":
            facts[spec.name] = [{"requested_amount": money(rng, 150_000)} for _ in range(rng.randint(1, 4))]
    return facts


def make_batch(cat: Catalogue, n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    ids = sorted(cat.schemes)
    batch = []
    for i in range(n):
        scheme = cat.schemes[ids[i % len(ids)]]
        year = rng.choice([2022, 2023, 2023, 2024, 2024, 2025])
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        batch.append({"id": i, "scheme": scheme.id, "date": date, "facts": make_facts(rng, scheme)})
    return batch


# --- the float floor -------------------------------------------------------------------------------------


def float_plan(cat: Catalogue, batch: list[dict[str, Any]]) -> list[tuple]:
    """Pre-parse everything the float version needs (not timed): numbers as float, caps as float."""
    import datetime as dt

    prepared = []
    for app in batch:
        scheme = cat.schemes[app["scheme"]]
        on = dt.date.fromisoformat(app["date"])
        params = {k: (float(v) if v is not None else None) for k, v in scheme.parameter_values(on).items()}
        facts = {}
        for spec in scheme.facts:
            value = app["facts"].get(spec.name, spec.default)
            if spec.type in {"money", "rate"} and value is not None:
                value = float(value)
            elif spec.type == "items":
                value = [float(i["requested_amount"]) for i in value]
            facts[spec.name] = value
        conds = [(c.fact, c.equals, c.one_of, c.minimum) for c in scheme.conditions]
        in_force = scheme.in_force_from <= on <= scheme.in_force_until
        prepared.append((scheme, in_force, facts, params, conds))
    return prepared


def float_evaluate(scheme: Any, in_force: bool, facts: dict, params: dict, conds: list) -> float:
    if not in_force or facts.get("credit_blocked"):
        return 0.0
    for fact, equals, one_of, minimum in conds:
        value = facts.get(fact)
        if one_of:
            if value not in one_of:
                return 0.0
        elif minimum is not None:
            if value is None or value < minimum:
                return 0.0
        elif value != equals:
            return 0.0
    if scheme.yearly_quota_parameter:
        quota = params[scheme.yearly_quota_parameter]
        if quota is not None and (facts.get("awards_this_year") or 0) >= quota:
            return 0.0
    granted = facts.get("granted_this_year") or 0.0
    annual = params[scheme.annual_cap_parameter] if scheme.annual_cap_parameter else None
    if annual is not None and granted >= annual:
        return 0.0
    rule = scheme.rule
    if rule.kind == "per_item":
        cap = params[rule.cap]
        if cap is None:
            return 0.0
        amount = sum(min(x, cap) for x in facts["items"])
    else:
        if rule.kind == "capped_request":
            amount = facts[rule.base_fact]
        elif rule.kind == "share":
            r = params[rule.rate]
            if r is None:
                return 0.0
            amount = facts[rule.base_fact] * r
        else:  # the pledge interest formula
            rate = min(facts["actual_rate"], facts["benchmark_rate"] * params["benchmark_share"])
            amount = facts["principal"] * rate * facts["days"] / params["day_count"]
        cap_name = rule.cap_by.get(facts.get(rule.cap_by_fact)) if rule.cap_by_fact else rule.cap
        if cap_name:
            cap = params[cap_name]
            if cap is None:
                return 0.0
            amount = min(amount, cap)
    if annual is not None:
        amount = min(amount, annual - granted)
    return round(amount, 2)


def timed(label: str, fn: Any, n: int) -> dict[str, Any]:
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    rate = n / seconds
    print(f"{label:<46} {seconds:8.2f} s  {rate:12,.0f} evaluations/s")
    return {"seconds": round(seconds, 3), "per_second": round(rate), "result": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    cat = Catalogue.from_directory(SCHEMES)
    batch = make_batch(cat, args.n, args.seed)
    n = len(batch)
    print(
        f"{n:,} mixed applications over {len(cat.schemes)} schemes, Python {platform.python_version()}, single thread"
    )

    def run(trace: bool) -> list[Decimal]:
        return [cat.calculate(a["scheme"], a["date"], a["facts"], with_trace=trace).amount for a in batch]

    with_trace = timed("engine, Decimal, with trace", lambda: run(True), n)
    without = timed("engine, Decimal, without trace", lambda: run(False), n)
    prepared = float_plan(cat, batch)
    floor = timed(
        "plain float floor (pre-parsed, no checks)", lambda: [float_evaluate(*p) for p in prepared], n
    )
    reform = [{"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": "30000"}]
    sim = timed("simulate: current rules + reform (2 evals each)", lambda: cat.simulate(batch, reform), 2 * n)

    decimals: list[Decimal] = without["result"]
    floats: list[float] = floor["result"]
    assert decimals == with_trace["result"]
    mismatched = sum(
        1
        for d, f in zip(decimals, floats, strict=True)
        if Decimal(repr(f)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) != d
    )
    eligible = sum(1 for d in decimals if d > 0)
    total = sum(decimals, Decimal("0"))
    print(
        f"paid > 0: {eligible:,} · total {total:,.2f} CNY · float disagrees with Decimal on {mismatched:,} applications"
    )
    print(f"simulation: difference {sim['result']['total']['difference']} CNY (Madrid cap 20,000 -> 30,000)")

    results = {
        "n": n,
        "seed": args.seed,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "engine_with_trace_per_s": with_trace["per_second"],
        "engine_without_trace_per_s": without["per_second"],
        "float_floor_per_s": floor["per_second"],
        "simulate_evaluations_per_s": sim["per_second"],
        "float_mismatches": mismatched,
        "paid_applications": eligible,
        "total_paid": str(total),
        "reform_difference": sim["result"]["total"]["difference"],
    }
    out = ROOT / "bench" / "results" / "incentives.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
