"""A persistent, incrementally updated BM25 index over listings (or demands, or SME profiles).

Backed by tantivy (Rust, BM25, segments on disk): documents are tokenised here (``tokenize.py``) and
given to tantivy as space-separated terms, one field per (part, kind): ``title_w``/``title_g`` and
``body_w``/``body_g`` (jieba/Latin words, CJK unigrams+bigrams). Adding, replacing or removing one
document is a delete-by-id plus an add in a new small segment — no rebuild; tantivy merges segments in
the background. The index lives in a directory (e.g. ``var/matching/listings``) that one writer (the
worker) updates and any number of readers open and :meth:`MatchIndex.refresh`.

No Django here: the market app maps its models to :class:`Document` and calls this module.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy

from .tokenize import TOKENIZER_VERSION, tokenize

SCHEMA_VERSION = 1
TEXT_FIELDS = ("title_w", "title_g", "body_w", "body_g")
TAG_FIELDS = ("ipc", "sei", "district", "cluster")
_META = "ipcity-matching.json"
_IPC = re.compile(r"^([A-H]\d\d[A-Z])\s*(\d{1,4})?(?:\s*/\s*(\d{1,6}))?$")


class IndexVersionError(RuntimeError):
    """The index on disk was built by another tokeniser or schema: rebuild it."""


def ipc_levels(code: str) -> list[str]:
    """``"A23L 17/40"`` → ``["A23L", "A23L17", "A23L17/40"]`` (subclass, main group, group)."""
    m = _IPC.match(" ".join(code.upper().split()))
    if not m:
        return []
    sub, main, group = m.groups()
    levels = [sub]
    if main:
        levels.append(f"{sub}{int(main)}")
        if group:
            levels.append(f"{sub}{int(main)}/{group}")
    return levels


@dataclass(frozen=True)
class Document:
    """What the matcher knows of a listing, a demand or an SME: an id, texts and tags."""

    id: str
    title: str
    body: str = ""
    ipc: tuple[str, ...] = ()
    sei: tuple[str, ...] = ()
    district: str = ""
    cluster: str = ""


@dataclass
class Hit:
    doc_id: str
    score: float
    words: frozenset[str]
    tags: dict[str, list[str]] = field(default_factory=dict)


def _schema() -> Any:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    sb.add_bytes_field("words", stored=True)
    for name in TAG_FIELDS:
        sb.add_text_field(name, stored=True, tokenizer_name="raw")
    return sb.build()


def _tantivy_doc(doc: Document) -> Any:
    if not doc.id:
        raise ValueError("A document needs an id. / 文档必须有编号。")
    title, body = tokenize(doc.title), tokenize(doc.body)
    out = tantivy.Document()
    out.add_text("id", doc.id)
    out.add_text("title_w", " ".join(title.words))
    out.add_text("title_g", " ".join(title.grams))
    out.add_text("body_w", " ".join(body.words))
    out.add_text("body_g", " ".join(body.grams))
    out.add_bytes("words", " ".join(sorted(set(title.words) | set(body.words))).encode())
    for code in doc.ipc:
        for level in ipc_levels(code):
            out.add_text("ipc", level)
    for sei in doc.sei:
        out.add_text("sei", sei.strip())
    if doc.district:
        out.add_text("district", doc.district.strip())
    if doc.cluster:
        out.add_text("cluster", doc.cluster.strip())
    return out


class MatchIndex:
    """Open (or create) an index; ``path=None`` keeps it in memory (tests, benchmarks)."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        writer_heap: int = 50_000_000,
        refresh_every: float | None = None,
    ) -> None:
        """``refresh_every`` (seconds): a reader process sees the worker's commits at most that late."""
        self.path = Path(path) if path is not None else None
        self.refresh_every = refresh_every
        self.schema = _schema()
        self._writer: Any = None
        self._writer_heap = writer_heap
        if self.path is None:
            self._index = tantivy.Index(self.schema)
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            meta = self.path / _META
            expected = {"schema": SCHEMA_VERSION, "tokenizer": TOKENIZER_VERSION}
            if meta.exists():
                found = json.loads(meta.read_text())
                if found != expected:
                    raise IndexVersionError(
                        f"Index at {self.path} was built with {found}, this code expects {expected}: "
                        "rebuild it. / 索引版本不符，请重建。"
                    )
                self._index = tantivy.Index.open(str(self.path))
            else:
                self._index = tantivy.Index(self.schema, path=str(self.path), reuse=False)
                meta.write_text(json.dumps(expected))
        self._searcher = self._index.searcher()
        self._refreshed = time.monotonic()

    # -- writing (one writer per index directory: the worker) ---------------------------------------
    def _w(self) -> Any:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=self._writer_heap, num_threads=1)
        return self._writer

    def upsert(self, docs: Iterable[Document], *, commit: bool = True) -> int:
        """Add or replace documents (by id); visible to searches after the commit."""
        writer, count = self._w(), 0
        for doc in docs:
            writer.delete_documents_by_term("id", doc.id)
            writer.add_document(_tantivy_doc(doc))
            count += 1
        if commit:
            self.commit()
        return count

    def remove(self, doc_ids: Iterable[str], *, commit: bool = True) -> None:
        writer = self._w()
        for doc_id in doc_ids:
            writer.delete_documents_by_term("id", doc_id)
        if commit:
            self.commit()

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
        self.refresh()

    def close(self) -> None:
        """Release the writer's lock (wait for background merges)."""
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self.refresh()

    @classmethod
    def rebuild(cls, path: str | Path, docs: Iterable[Document]) -> MatchIndex:
        """Build a fresh index in ``path`` (e.g. after a tokeniser change), replacing what was there."""
        target = Path(path)
        tmp = target.with_name(target.name + ".new")
        shutil.rmtree(tmp, ignore_errors=True)
        index = cls(tmp)
        index.upsert(docs)
        index.close()
        del index
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        return cls(target)

    # -- reading -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """See the latest commit (a reader process calls this after the worker committed)."""
        self._index.reload()
        self._searcher = self._index.searcher()
        self._refreshed = time.monotonic()

    def __len__(self) -> int:
        return int(self._searcher.num_docs)

    def doc_freq(self, field_name: str, term: str) -> int:
        return int(self._searcher.doc_freq(field_name, term))

    def term_query(self, field_name: str, term: str) -> Any:
        return tantivy.Query.term_query(self.schema, field_name, term, index_option="freq")

    def tag_query(self, field_name: str, values: Iterable[str]) -> Any:
        return tantivy.Query.term_set_query(self.schema, field_name, list(values))

    def search(self, query: Any, limit: int) -> list[Hit]:
        if self.refresh_every is not None and time.monotonic() - self._refreshed >= self.refresh_every:
            self.refresh()
        result = self._searcher.search(query, limit, count=False)
        hits = []
        for score, address in result.hits:
            stored = self._searcher.doc(address)
            words = stored.get_first("words") or b""
            hits.append(
                Hit(
                    doc_id=str(stored.get_first("id")),
                    score=float(score),
                    words=frozenset(bytes(words).decode().split()),
                    tags={name: stored.get_all(name) for name in TAG_FIELDS},
                )
            )
        return hits
