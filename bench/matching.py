"""Chinese matching: quality on the labelled set against baselines, then latency at scale.

    python bench/matching.py [--sizes 100000,1000000] [--queries 200] [--skip-pg] [--skip-bm25s-latency]

Quality (hit@1, hit@3, MRR; dev and held-out test halves of ipcity/market/matching/evalset):
  (a) the matcher (tantivy BM25 per field, jieba words + CJK uni/bigrams ×0.7, plain-language expansion ×0.5,
      no tags)
  (a') the same without the expansion, (a'') the same tokens in one bm25s field (library comparison)
  (b) jieba-only BM25 (bm25s), (c) character-bigram-only BM25 (bm25s),
  (d) PostgreSQL pg_trgm similarity() on title || abstract (temp table in ipcity_bench).
Latency: synthetic listings made by recombining the set's titles and abstract clauses; index build,
match (demand-length queries: the 60 demands + generated ones) and search (2-4 word queries), median and
p95 over --queries each; incremental upsert/remove of one listing and upsert of 1,000 (each a commit).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ipcity.market.matching import Document, MatchIndex, Weights, match, tokenize  # noqa: E402
from ipcity.market.matching.evaluate import (  # noqa: E402
    build_index,
    evaluate,
    load_demands,
    load_listings,
    matcher_rank,
)

PG_URL = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/ipcity_bench")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms / {pct(values, 95) * 1000:.1f} ms"


def quality_rows(listings, demands_by_split):
    rows = []

    def report(name, rank):
        cells = []
        for split in ("dev", "test", "all"):
            q = evaluate(rank, demands_by_split[split])
            cells.append(f"{q.hit1:.3f} | {q.hit3:.3f} | {q.mrr:.3f}")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)

    index = build_index(listings)
    report("(a) matcher: tantivy, title/body fields, jieba + uni/bigrams, expansion", matcher_rank(index))
    report("(a') matcher without plain-language expansion", matcher_rank(index, Weights(synonyms=False)))

    import bm25s

    ids = [r["id"] for r in listings]

    def bm25s_rank(doc_tokens, query_tokens):
        retriever = bm25s.BM25()
        vocab = {}
        corpus = [[vocab.setdefault(t, len(vocab)) for t in toks] for toks in doc_tokens]
        retriever.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=vocab), show_progress=False)

        def rank(text):
            q = [t for t in query_tokens(text) if t in vocab]
            if not q:
                return []
            scores = retriever.get_scores(q)
            order = sorted(range(len(ids)), key=lambda i: -scores[i])[:10]
            return [ids[i] for i in order if scores[i] > 0]

        return rank

    def full(text):
        t = tokenize(text)
        return list(t.words) + list(t.grams)

    def words_only(text):
        return list(tokenize(text, unigrams=False, bigrams=False).words)

    def bigrams_only(text):
        return list(tokenize(text, words=False, unigrams=False).grams)

    texts = [r["title"] + "\n" + r["abstract"] for r in listings]
    report("(a'') same tokens, one field, bm25s", bm25s_rank([full(t) for t in texts], full))
    report("(b) jieba-only BM25 (bm25s)", bm25s_rank([words_only(t) for t in texts], words_only))
    report(
        "(c) character-bigram-only BM25 (bm25s)", bm25s_rank([bigrams_only(t) for t in texts], bigrams_only)
    )
    return rows


def pg_trgm_row(listings, demands_by_split):
    try:
        import psycopg

        conn = psycopg.connect(PG_URL, autocommit=True)
    except Exception as exc:  # noqa: BLE001
        return f"| (d) pg_trgm similarity | not measured: {exc} |"
    with conn:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001
            return f"| (d) pg_trgm similarity | extension not available: {exc} |"
        conn.execute("CREATE TEMP TABLE bench_listing (id text primary key, doc text)")
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO bench_listing VALUES (%s, %s)",
                [(r["id"], r["title"] + " " + r["abstract"]) for r in listings],
            )
        conn.execute("CREATE INDEX ON bench_listing USING gin (doc gin_trgm_ops)")

        def rank(text):
            rows = conn.execute(
                "SELECT id FROM bench_listing ORDER BY similarity(doc, %s) DESC, id LIMIT 10", (text,)
            ).fetchall()
            return [r[0] for r in rows]

        def rank_word(text):
            rows = conn.execute(
                "SELECT id FROM bench_listing ORDER BY word_similarity(%s, doc) DESC, id LIMIT 10", (text,)
            ).fetchall()
            return [r[0] for r in rows]

        out = []
        for name, fn in (("(d) pg_trgm similarity()", rank), ("(d') pg_trgm word_similarity()", rank_word)):
            cells = []
            for split in ("dev", "test", "all"):
                q = evaluate(fn, demands_by_split[split])
                cells.append(f"{q.hit1:.3f} | {q.hit3:.3f} | {q.mrr:.3f}")
            out.append(f"| {name} | " + " | ".join(cells) + " |")
            print(out[-1], flush=True)
        return "\n".join(out)


# -- synthetic listings ------------------------------------------------------------------------------
class Synth:
    def __init__(self, listings, seed=13):
        self.rng = random.Random(seed)
        self.title_words = [
            w for r in listings for w in tokenize(r["title"], unigrams=False, bigrams=False).words
        ]
        self.clauses = [c for r in listings for c in re.split(r"[，。、；]", r["abstract"]) if len(c) > 3]
        self.ipc = [code for r in listings for code in r["ipc"]]
        self.districts = sorted({r["district"] for r in listings})
        self.clusters = sorted({r["cluster"] for r in listings})

    def doc(self, i: int) -> Document:
        rng = self.rng
        title = "一种" + "".join(rng.sample(self.title_words, rng.randint(3, 6))) + "的方法"
        body = "，".join(rng.sample(self.clauses, rng.randint(3, 5))) + "。"
        return Document(
            id=f"S{i}",
            title=title,
            body=body,
            ipc=(rng.choice(self.ipc),),
            district=rng.choice(self.districts),
            cluster=rng.choice(self.clusters),
        )

    def demand(self) -> str:
        return "我们想找" + "，".join(self.rng.sample(self.clauses, 2)) + "的技术"

    def search(self) -> str:
        return " ".join(self.rng.sample(self.title_words, self.rng.randint(2, 4)))


def latency(size: int, n_queries: int, listings, demands, tmp: Path, bm25s_too: bool) -> list[str]:
    synth = Synth(listings)
    path = tmp / f"idx{size}"
    t0 = time.perf_counter()
    docs = [synth.doc(i) for i in range(size)]
    t_gen = time.perf_counter() - t0
    # tokenisation alone (the Python part of a build), on a 20,000-document sample
    sample = docs[:20000]
    t0 = time.perf_counter()
    for d in sample:
        tokenize(d.title), tokenize(d.body)
    tok_rate = len(sample) / (time.perf_counter() - t0)

    index = MatchIndex(path, writer_heap=200_000_000)
    t0 = time.perf_counter()
    chunk = 50_000
    for start in range(0, size, chunk):
        index.upsert(docs[start : start + chunk])
    index.upsert(build_docs(listings))
    index.close()
    t_build = time.perf_counter() - t0
    disk = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())

    queries = [d["text"] for d in demands]
    queries += [synth.demand() for _ in range(max(0, n_queries - len(queries)))]
    searches = [synth.search() for _ in range(n_queries)]
    for q in queries[:20]:
        match(index, q)  # warm-up
    t_match, t_search, t_filtered = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        match(index, q, limit=10)
        t_match.append(time.perf_counter() - t0)
    for q in searches:
        t0 = time.perf_counter()
        match(index, q, limit=10)
        t_search.append(time.perf_counter() - t0)
    for q in queries:
        t0 = time.perf_counter()
        match(index, q, ipc="A23L17/40", district="芝罘区", filters={"cluster": "海洋生物食品"}, limit=10)
        t_filtered.append(time.perf_counter() - t0)

    # incremental updates on the full index
    t_one, t_rm = [], []
    for i in range(20):
        d = synth.doc(size + i)
        t0 = time.perf_counter()
        index.upsert([d])
        t_one.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        index.remove([d.id])
        t_rm.append(time.perf_counter() - t0)
    batch = [synth.doc(size + 100 + i) for i in range(1000)]
    t0 = time.perf_counter()
    index.upsert(batch)
    t_batch = time.perf_counter() - t0
    index.close()
    q_after = evaluate(matcher_rank(index), demands)

    rows = [
        f"| {size:,} | build (tokenise + index + commit) | {t_build:.1f} s ({size / t_build:,.0f} docs/s; "
        f"tokenising alone {tok_rate:,.0f} docs/s; generating {t_gen:.1f} s not counted); {disk / 1e6:,.0f} MB on disk |",
        f"| {size:,} | match, demand-length queries (n={len(queries)}) median / p95 | {ms(t_match)} |",
        f"| {size:,} | search, 2–4 word queries (n={len(searches)}) median / p95 | {ms(t_search)} |",
        f"| {size:,} | match with IPC/district boosts + cluster filter median / p95 | {ms(t_filtered)} |",
        f"| {size:,} | upsert one listing (+ commit + reader refresh) median / p95 | {ms(t_one)} |",
        f"| {size:,} | remove one listing (+ commit) median / p95 | {ms(t_rm)} |",
        f"| {size:,} | upsert 1,000 listings in one commit | {t_batch:.2f} s |",
        f"| {size:,} | quality with the eval listings among the synthetic ones | hit@1 {q_after.hit1:.3f}, "
        f"hit@3 {q_after.hit3:.3f}, MRR {q_after.mrr:.3f} |",
    ]
    for r in rows:
        print(r, flush=True)
    del index
    gc.collect()

    if bm25s_too:
        import bm25s

        all_docs = docs + build_docs(listings)
        t0 = time.perf_counter()
        vocab: dict[str, int] = {}
        corpus = []
        for d in all_docs:
            t, b = tokenize(d.title), tokenize(d.body)
            corpus.append([vocab.setdefault(x, len(vocab)) for x in (*t.words, *t.grams, *b.words, *b.grams)])
        retriever = bm25s.BM25()
        retriever.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=vocab), show_progress=False)
        t_b = time.perf_counter() - t0
        t_q = []
        for q in queries:
            t0 = time.perf_counter()
            tk = tokenize(q)
            ids = [vocab[x] for x in (*tk.words, *tk.grams) if x in vocab]
            if ids:
                retriever.retrieve([ids], k=10, show_progress=False, n_threads=1)
            t_q.append(time.perf_counter() - t0)
        for r in (
            f"| {size:,} | bm25s (same tokens, one field): full build | {t_b:.1f} s (no incremental update: "
            "every change is a rebuild) |",
            f"| {size:,} | bm25s: demand-length queries median / p95 | {ms(t_q)} |",
        ):
            rows.append(r)
            print(r, flush=True)
        del retriever, corpus
    del docs
    gc.collect()
    shutil.rmtree(path, ignore_errors=True)
    return rows


def build_docs(listings):
    from ipcity.market.matching.evaluate import listing_document

    return [listing_document(r) for r in listings]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--bm25s-latency-max", type=int, default=100_000)
    args = parser.parse_args()

    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    listings = load_listings()
    demands = {"dev": load_demands("dev"), "test": load_demands("test"), "all": load_demands()}
    print(
        f"{len(listings)} listings, {len(demands['all'])} demands ({len(demands['dev'])} dev / "
        f"{len(demands['test'])} held-out test)"
    )
    if not args.skip_quality:
        print(
            "| ranker | dev hit@1 | dev hit@3 | dev MRR | test hit@1 | test hit@3 | test MRR | all hit@1 | all hit@3 | all MRR |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        quality_rows(listings, demands)
        if not args.skip_pg:
            pg_trgm_row(listings, demands)
    with tempfile.TemporaryDirectory(prefix="bench-matching-", dir=os.environ.get("BENCH_TMP")) as tmp:
        print("| listings | what | result |")
        print("|---|---|---|")
        for size in (int(s) for s in args.sizes.split(",") if s):
            latency(size, args.queries, listings, demands["all"], Path(tmp), size <= args.bm25s_latency_max)
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
