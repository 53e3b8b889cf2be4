"""Chinese matching of demands, listings and SMEs (pure Python + tantivy + jieba; ADR 0600).

from ipcity.market.matching import Document, MatchIndex, match
index = MatchIndex("var/matching/listings")
index.upsert([Document(id="L1", title="…", body="…", ipc=("A23L 17/40",))])
match(index, "海参加工剩下的肠子想做成保健品", limit=10)
"""

from .index import Document, IndexVersionError, MatchIndex, ipc_levels
from .match import DEFAULT_WEIGHTS, EmptyQueryError, Match, Weights, match, match_document
from .tokenize import normalise, tokenize

__all__ = [
    "DEFAULT_WEIGHTS",
    "Document",
    "EmptyQueryError",
    "IndexVersionError",
    "Match",
    "MatchIndex",
    "Weights",
    "ipc_levels",
    "match",
    "match_document",
    "normalise",
    "tokenize",
]
