"""Strategic emerging industry (SEI) of a patent from CNIPA's concordance, and its patent-intensive
industry category where the mapping allows. Matching rules: docs/adr/0300-sei-matching.md."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ipcity.core.identifiers import ipc as ipc_id

from .choices import PatentIntensive

# SEI industry code → 《知识产权（专利）密集型产业统计分类（2019）》 category. The two classifications
# are both built on GB/T 4754-2017 classes; this table maps only the SEI groups whose industry classes
# fall (almost) wholly inside one patent-intensive category. Others (5.x 新能源汽车, 6.x 新能源,
# 8.x 数字创意) straddle several categories and get none.
PATENT_INTENSIVE_BY_SEI: dict[str, str] = {
    "1.1": PatentIntensive.ICT_MANUFACTURING,
    "1.2": PatentIntensive.ICT_MANUFACTURING,
    "1.3": PatentIntensive.ICT_SERVICES,
    "1.4": PatentIntensive.ICT_SERVICES,
    "1.5": PatentIntensive.ICT_SERVICES,
    "2.1": PatentIntensive.NEW_EQUIPMENT,
    "2.2": PatentIntensive.NEW_EQUIPMENT,
    "2.3": PatentIntensive.NEW_EQUIPMENT,
    "2.4": PatentIntensive.NEW_EQUIPMENT,
    "2.5": PatentIntensive.NEW_EQUIPMENT,
    "3.1": PatentIntensive.NEW_MATERIALS,
    "3.2": PatentIntensive.NEW_MATERIALS,
    "3.3": PatentIntensive.NEW_MATERIALS,
    "3.4": PatentIntensive.NEW_MATERIALS,
    "3.5": PatentIntensive.NEW_MATERIALS,
    "3.6": PatentIntensive.NEW_MATERIALS,
    "3.7": PatentIntensive.NEW_MATERIALS,
    "4.1": PatentIntensive.PHARMA_MEDICAL,
    "4.2": PatentIntensive.PHARMA_MEDICAL,
    "4.3": PatentIntensive.PHARMA_MEDICAL,
    "7.1": PatentIntensive.ENVIRONMENTAL,
    "7.2": PatentIntensive.ENVIRONMENTAL,
    "7.3": PatentIntensive.ENVIRONMENTAL,
    "9.1": PatentIntensive.RD_SERVICES,
    "9.2": PatentIntensive.RD_SERVICES,
}


@dataclass(frozen=True)
class SeiMatch:
    symbol: str  # the patent's symbol
    matched: str  # the concordance code it matched (itself or an ancestor)
    rule_id: int
    sei_code: str


@dataclass
class Concordance:
    """IPC code → [(rule id, SEI code)], plus the codes whose rows cover everything beneath them."""

    codes: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    wide: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)

    def add(self, code: str, rule_id: int, sei_code: str, *, wide: bool = False) -> None:
        self.codes[code].append((rule_id, sei_code))
        if wide:
            self.wide.add(code)

    def __len__(self) -> int:
        return len(self.codes)

    def match(self, symbol: str, *, hierarchical: bool = True) -> list[SeiMatch]:
        """The rows a symbol matches: the most specific code present (exact, then, when hierarchical,
        main group, subclass, class); supplement ("wide") codes match beneath them in any mode."""
        try:
            parsed = ipc_id.parse(symbol)
        except ipc_id.InvalidIPC:
            return []
        for code in parsed.ancestors():
            if code in self.codes and (hierarchical or code == parsed.symbol or code in self.wide):
                return [SeiMatch(parsed.symbol, code, r, s) for r, s in self.codes[code]]
        return []

    def classify(self, symbols: list[str], *, hierarchical: bool = True) -> list[SeiMatch]:
        out: list[SeiMatch] = []
        for symbol in symbols:
            out.extend(self.match(symbol, hierarchical=hierarchical))
        return out


def sei_codes(matches: list[SeiMatch]) -> list[str]:
    return sorted({m.sei_code for m in matches}, key=lambda c: tuple(int(p) for p in c.split(".")))


def encode_sei(codes: list[str]) -> str:
    return f"|{'|'.join(codes)}|" if codes else ""


def patent_intensive_of(codes: list[str]) -> str:
    """The category of the first SEI code (main symbol's first) that maps to one."""
    for code in codes:
        category = PATENT_INTENSIVE_BY_SEI.get(code)
        if category:
            return str(category)
    return ""


def load_concordance() -> Concordance:
    """The concordance as loaded into the database by `manage.py load_sei`."""
    from .models import SeiIpc

    conc = Concordance()
    for code, rule_id, sei_code, name, source in SeiIpc.objects.values_list(
        "ipc_code", "rule_id", "rule__code", "rule__name", "source"
    ).order_by("ipc_code", "rule_id"):
        conc.add(code, rule_id, sei_code, wide=(source == "supplement"))
        conc.names[sei_code] = name
    return conc
