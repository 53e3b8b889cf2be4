"""Rule function of first_patent_pledge_interest (附件 三(三)2).

subsidy before cap = principal × min(actual_rate, benchmark_share × benchmark_rate) × days / day_count
The per-loan cap (500,000) and the single rounding are applied by the engine afterwards.
"""

from decimal import Decimal


def compute(ctx) -> Decimal:  # type: ignore[no-untyped-def]
    principal: Decimal = ctx.fact("principal")
    actual: Decimal = ctx.fact("actual_rate")
    benchmark: Decimal = ctx.fact("benchmark_rate")
    days = Decimal(ctx.fact("days"))
    share = ctx.param("benchmark_share")
    basis = ctx.param("day_count")
    ceiling = benchmark * share
    rate = min(actual, ceiling)
    n = ctx.num
    ctx.step(
        "subsidised_rate",
        ctx.reference("benchmark_share"),
        f"贴息利率 = min(实际利率 {n(actual)}, 基准利率 {n(benchmark)} × {n(share)} = {n(ceiling)}) = {n(rate)}",
        f"subsidised rate = min(actual {n(actual)}, benchmark {n(benchmark)} × {n(share)} = {n(ceiling)})"
        f" = {n(rate)}",
        rate.normalize(),
    )
    amount = principal * rate * days / basis
    ctx.step(
        "interest",
        ctx.reference("benchmark_share"),
        f"贴息 = 本金 {ctx.money(principal)} × {n(rate)} × {n(days)} 天 ÷ {n(basis)} = {ctx.money(amount)}",
        f"subsidy = principal {ctx.money(principal)} × {n(rate)} × {n(days)} days / {n(basis)}"
        f" = {ctx.money(amount)}",
        amount,
    )
    return amount
