"""What row parsing needs, loaded once per import: parameters, the IPC concordance, districts, entities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..classification import Concordance, encode_sei, patent_intensive_of, sei_codes
from ..params import Parameters


@dataclass
class Context:
    """What row parsing needs, loaded once per import."""

    params: Parameters
    concordance: Concordance
    districts: dict[str, int]  # name / code / division code → id
    entities: dict[str, tuple[int, int | None]]  # uscc → (entity id, district id)
    today: dt.date
    is_demo: bool = False
    _sei_cache: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _row_cache: dict[tuple[str, ...], tuple[list[str], str, str]] = field(default_factory=dict)

    def sei_of(self, symbols: list[str]) -> tuple[str, ...]:
        """SEI codes of a list of symbols (cached per symbol: symbols recur constantly)."""
        p, day = self.params, self.today
        chosen = symbols[:1] if p.sei_main_only(day) else symbols
        found: set[str] = set()
        for symbol in chosen:
            codes = self._sei_cache.get(symbol)
            if codes is None:
                codes = tuple(sei_codes(self.concordance.match(symbol, hierarchical=p.sei_hierarchical(day))))
                if len(self._sei_cache) < 200_000:
                    self._sei_cache[symbol] = codes
            found.update(codes)
        return tuple(sorted(found, key=lambda c: tuple(int(x) for x in c.split("."))))

    def sei_of_row(self, symbols: list[str]) -> tuple[list[str], str, str]:
        """(SEI codes, their encoded form, patent-intensive category) of a row's symbols, cached per
        list of symbols (main symbol first): a handful of combinations cover most rows."""
        key = tuple(symbols)
        hit = self._row_cache.get(key)
        if hit is None:
            codes = list(self.sei_of(symbols))
            hit = (codes, encode_sei(codes), patent_intensive_of(codes))
            if len(self._row_cache) < 200_000:
                self._row_cache[key] = hit
        return hit

    @property
    def derivation_key(self) -> str:
        """Changes when what the derived fields depend on changes, so a re-import updates them."""
        return f"{self.params.source_path}:{len(self.concordance)}"


def build_context(*, params: Parameters | None = None, is_demo: bool = False) -> Context:
    from django.utils import timezone

    from ipcity.orgs.models import District, Entity

    from .. import params as params_mod
    from ..classification import load_concordance

    districts: dict[str, int] = {}
    for d in District.objects.all():
        for key in (d.name, d.code, d.division_code, d.name_en):
            if key:
                districts[key.strip().lower()] = d.pk
    entities = {e.uscc: (e.pk, e.district_id) for e in Entity.objects.only("uscc", "district_id")}
    return Context(
        params=params or params_mod.current(),
        concordance=load_concordance(),
        districts=districts,
        entities=entities,
        today=timezone.localdate(),
        is_demo=is_demo,
    )
