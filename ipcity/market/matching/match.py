"""The query API: plain Chinese text (+ optional IPC, SEI, district, cluster) → ranked, explained matches.

``match(index, "海参加工剩下的肠子想做成保健品", ipc=["A23L"], limit=10)`` returns ``Match`` objects, best
first. The text score is tantivy's BM25 summed over the query's terms, per field (title, and abstract + brief:
a term shared with a short title scores higher than the same term in a long abstract; ``Weights.title``
multiplies it further), jieba words weighted over CJK n-grams, plain-language expansions lower; the tags then boost the best
``Weights.candidates`` hits multiplicatively (IPC main group / subclass overlap, SEI, district, cluster)
and re-rank them. Filters are hard: a document without the value is never returned.

Reverse matching (listing → demands, listing → SMEs) is the same call on an index of demands or SME
profiles, with the listing's text as the query: :func:`match_document`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import tantivy

from .index import TAG_FIELDS, Document, MatchIndex, ipc_levels
from .synonyms import expand
from .tokenize import STOP_WORDS, normalise, tokenize

MAX_QUERY_CHARS = 4000
MAX_QUERY_TERMS = 256


class EmptyQueryError(ValueError):
    """The query has no searchable text."""

    def __init__(self) -> None:
        super().__init__(
            "请输入需求或检索内容（不能为空或只有标点）。 / Enter what you are looking for (not empty)."
        )


@dataclass(frozen=True)
class Weights:
    """Every weight of the ranking, a parameter (ADR 0600 gives the measured defaults)."""

    title: float = 1.0
    body: float = 1.0
    word: float = 1.0
    gram: float = 0.7
    synonym: float = 0.5
    # multiplicative boosts on the text score: factor = 1 + weight
    ipc_group: float = 0.3
    ipc_subclass: float = 0.15
    sei: float = 0.1
    district: float = 0.05
    cluster: float = 0.1
    candidates: int = 100
    unigrams: bool = True
    bigrams: bool = True
    words: bool = True
    synonyms: bool = True


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Match:
    doc_id: str
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if v and v.strip()]


def _query_terms(text: str, w: Weights) -> tuple[dict[tuple[str, str], float], set[str]]:
    """(kind, term) → weight, and the expansion terms that were added."""
    tokens = tokenize(text, words=w.words, unigrams=w.unigrams, bigrams=w.bigrams)
    terms: defaultdict[tuple[str, str], float] = defaultdict(float)
    if w.words:
        for t in tokens.words:
            terms["w", t] += w.word
    for t in tokens.grams:
        terms["g", t] += w.gram
    expanded: set[str] = set()
    if w.synonyms and w.words:
        for t in expand(normalise(text)):
            if t not in STOP_WORDS and ("w", t) not in terms:
                expanded.add(t)
            terms["w", t] += w.synonym
    if len(terms) > MAX_QUERY_TERMS:
        kept = sorted(terms.items(), key=lambda kv: -kv[1])[:MAX_QUERY_TERMS]
        return dict(kept), expanded
    return dict(terms), expanded


def _text_query(index: MatchIndex, terms: dict[tuple[str, str], float], w: Weights) -> Any:
    clauses = []
    for (kind, term), weight in terms.items():
        for part, part_weight in (("title", w.title), ("body", w.body)):
            boost = weight * part_weight
            if boost > 0:
                clauses.append(
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(index.term_query(f"{part}_{kind}", term), boost),
                    )
                )
    return tantivy.Query.boolean_query(clauses)


def _filter_query(index: MatchIndex, filters: Mapping[str, str | Iterable[str]]) -> list[Any]:
    musts = []
    for name, raw in filters.items():
        if name not in TAG_FIELDS:
            raise ValueError(f"Unknown filter {name!r}; use one of {TAG_FIELDS}. / 未知的筛选条件。")
        values = _as_list(raw)
        if name == "ipc":
            bad = [v for v in values if not ipc_levels(v)]
            if bad:
                raise ValueError(
                    f"Not an IPC code: {', '.join(bad)}. / 不是有效的IPC分类号：{'、'.join(bad)}。"
                )
            values = [ipc_levels(v)[-1] for v in values]
        if values:
            musts.append((tantivy.Occur.Must, index.tag_query(name, values)))
    return musts


def match(
    index: MatchIndex,
    query_text: str,
    *,
    ipc: str | Iterable[str] | None = None,
    sei: str | Iterable[str] | None = None,
    district: str | None = None,
    cluster: str | None = None,
    filters: Mapping[str, str | Iterable[str]] | None = None,
    exclude: Iterable[str] = (),
    limit: int = 10,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Match]:
    """Rank the index's documents for a text; ``ipc``/``sei``/``district``/``cluster`` boost, ``filters``
    (same keys) restrict. Raises :class:`EmptyQueryError` for a text with nothing to search."""
    if not isinstance(query_text, str) or not query_text.strip():
        raise EmptyQueryError
    if limit < 1:
        raise ValueError("limit must be at least 1. / 数量至少为1。")
    text = query_text[:MAX_QUERY_CHARS]
    terms, expanded = _query_terms(text, weights)
    if not terms:
        raise EmptyQueryError
    clauses = [(tantivy.Occur.Must, _text_query(index, terms, weights)), *_filter_query(index, filters or {})]
    excluded = set(exclude)
    hits = index.search(tantivy.Query.boolean_query(clauses), max(weights.candidates, limit) + len(excluded))

    q_ipc = [lv for code in _as_list(ipc) for lv in ipc_levels(code)]
    q_groups = {lv for lv in q_ipc if "/" not in lv and len(lv) > 4} | {
        lv.split("/")[0] for lv in q_ipc if "/" in lv
    }
    q_subclasses = {lv[:4] for lv in q_ipc}
    q_sei, q_district, q_cluster = set(_as_list(sei)), (district or "").strip(), (cluster or "").strip()
    query_words = {t for (kind, t) in terms if kind == "w"}
    query_bigrams = {t for (kind, t) in terms if kind == "g" and len(t) == 2}

    results = []
    for hit in hits:
        if hit.doc_id in excluded:
            continue
        boosts: list[dict[str, Any]] = []
        doc_ipc = set(hit.tags.get("ipc", []))
        groups = sorted(q_groups & doc_ipc)
        subclasses = sorted(q_subclasses & doc_ipc)
        if groups and weights.ipc_group:
            boosts.append(_boost("ipc_group", weights.ipc_group, groups))
        elif subclasses and weights.ipc_subclass:
            boosts.append(_boost("ipc_subclass", weights.ipc_subclass, subclasses))
        shared_sei = sorted(q_sei & set(hit.tags.get("sei", [])))
        if shared_sei and weights.sei:
            boosts.append(_boost("sei", weights.sei, shared_sei))
        if q_district and q_district in hit.tags.get("district", []) and weights.district:
            boosts.append(_boost("district", weights.district, [q_district]))
        if q_cluster and q_cluster in hit.tags.get("cluster", []) and weights.cluster:
            boosts.append(_boost("cluster", weights.cluster, [q_cluster]))
        factor = 1.0
        for b in boosts:
            factor *= b["factor"]
        shared = sorted(query_words & hit.words, key=lambda t: (-len(t), t))
        results.append(
            Match(
                doc_id=hit.doc_id,
                score=round(hit.score * factor, 4),
                explanation=_explain(
                    hit.score, factor, shared, expanded, groups or subclasses, boosts, query_bigrams, hit
                ),
            )
        )
    results.sort(key=lambda m: (-m.score, m.doc_id))
    return results[:limit]


def match_document(
    index: MatchIndex, doc: Document, *, limit: int = 10, weights: Weights = DEFAULT_WEIGHTS, **kw: Any
) -> list[Match]:
    """Reverse matching: a listing (or demand) as the query, its IPC/SEI/district/cluster as boosts."""
    return match(
        index,
        f"{doc.title}\n{doc.body}",
        ipc=list(doc.ipc),
        sei=list(doc.sei),
        district=doc.district or None,
        cluster=doc.cluster or None,
        limit=limit,
        weights=weights,
        **kw,
    )


_BOOST_LABELS = {
    "ipc_group": ("IPC大组相同", "same IPC main group"),
    "ipc_subclass": ("IPC小类相同", "same IPC subclass"),
    "sei": ("战略性新兴产业相同", "same strategic emerging industry"),
    "district": ("同一区市", "same district"),
    "cluster": ("同属“9+N”产业集群", "same 9+N industry cluster"),
}


def _boost(kind: str, weight: float, values: list[str]) -> dict[str, Any]:
    zh, en = _BOOST_LABELS[kind]
    return {"kind": kind, "factor": round(1 + weight, 4), "values": values, "zh": zh, "en": en}


def _explain(
    text_score: float,
    factor: float,
    shared: list[str],
    expanded: set[str],
    ipc_overlap: list[str],
    boosts: list[dict[str, Any]],
    query_bigrams: set[str],
    hit: Any,
) -> dict[str, Any]:
    direct = [t for t in shared if t not in expanded]
    via = [t for t in shared if t in expanded]
    # n-gram evidence when no whole word is shared (a paraphrase cut differently by jieba)
    fragments = sorted(
        {b for b in query_bigrams if any(b in w for w in hit.words)} - {b for t in shared for b in [t]}
    )
    fragments = [f for f in fragments if not any(f in t for t in shared)][:8]
    parts_zh, parts_en = [], []
    if direct:
        parts_zh.append("共同词语：" + "、".join(direct[:10]))
        parts_en.append("shared terms: " + ", ".join(direct[:10]))
    if via:
        parts_zh.append("近义扩展命中：" + "、".join(via[:10]))
        parts_en.append("matched through plain-language expansion: " + ", ".join(via[:10]))
    if fragments:
        parts_zh.append("共同字串：" + "、".join(fragments))
        parts_en.append("shared character pairs: " + ", ".join(fragments))
    for b in boosts:
        values = "、".join(b["values"])
        parts_zh.append(f"{b['zh']}（{values}，×{b['factor']}）")
        parts_en.append(f"{b['en']} ({', '.join(b['values'])}, ×{b['factor']})")
    return {
        "text_score": round(text_score, 4),
        "boost_factor": round(factor, 4),
        "shared_terms": direct[:20],
        "expanded_terms": via[:20],
        "shared_fragments": fragments,
        "ipc_overlap": ipc_overlap,
        "boosts": boosts,
        "zh": "；".join(parts_zh) or "仅有单字相同",
        "en": "; ".join(parts_en) or "only single characters in common",
    }
