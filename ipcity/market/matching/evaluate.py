"""The labelled evaluation set (``evalset/``) and its metrics: hit@1, hit@3, MRR (ADR 0600)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .index import Document, MatchIndex
from .match import DEFAULT_WEIGHTS, Weights, match

EVALSET = Path(__file__).with_name("evalset")


def load_listings() -> list[dict[str, Any]]:
    with open(EVALSET / "listings.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_demands(split: str | None = None) -> list[dict[str, Any]]:
    with open(EVALSET / "demands.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def listing_document(row: dict[str, Any]) -> Document:
    return Document(
        id=row["id"],
        title=row["title"],
        body=row["abstract"],
        ipc=tuple(row["ipc"]),
        district=row.get("district", ""),
        cluster=row.get("cluster", ""),
    )


def build_index(rows: Iterable[dict[str, Any]] | None = None) -> MatchIndex:
    index = MatchIndex()
    index.upsert(listing_document(r) for r in (rows if rows is not None else load_listings()))
    return index


@dataclass(frozen=True)
class Quality:
    n: int
    hit1: float
    hit3: float
    mrr: float
    misses: tuple[str, ...]  # demand ids whose right listing is not in the top 3

    def row(self) -> str:
        return f"{self.n:3d}  hit@1 {self.hit1:.3f}  hit@3 {self.hit3:.3f}  MRR {self.mrr:.3f}"


def evaluate(rank: Callable[[str], list[str]], demands: list[dict[str, Any]], depth: int = 10) -> Quality:
    """``rank(text)`` returns doc ids best first; reciprocal rank counts within ``depth``."""
    h1 = h3 = 0
    rr = 0.0
    misses = []
    for d in demands:
        ids = rank(d["text"])[:depth]
        relevant = set(d["relevant"])
        pos = next((i for i, doc_id in enumerate(ids) if doc_id in relevant), None)
        if pos is not None:
            rr += 1 / (pos + 1)
            h1 += pos == 0
            h3 += pos < 3
        if pos is None or pos >= 3:
            misses.append(d["id"])
    n = len(demands) or 1
    return Quality(len(demands), h1 / n, h3 / n, rr / n, tuple(misses))


def matcher_rank(index: MatchIndex, weights: Weights = DEFAULT_WEIGHTS) -> Callable[[str], list[str]]:
    return lambda text: [m.doc_id for m in match(index, text, limit=10, weights=weights)]
