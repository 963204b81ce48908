"""Latency of the workspace (propwatch serve) on a large generated corpus.

Two steps:

    # 1. a corpus: make_corpus.py's articles stored with their layers, republication
    #    detected for real (propwatch.reuse); sentence, claim and technique spans and
    #    known-claim matches drawn at fixed rates (see `build`), not analysed by the models
    .venv/bin/python bench/make_corpus.py --articles 100000 --out /tmp/c100k.jsonl
    .venv/bin/python bench/serve_bench.py build /tmp/c100k.jsonl --db /tmp/s100k.db

    # 2. load: starts `propwatch serve` and runs CLIENTS concurrent keep-alive clients for
    #    SECONDS, each drawing requests afresh (its own seed): searches for common and
    #    rarer words, with filters, article, outlet and family pages of any article,
    #    outlet and family, the dashboard, the review queue and the main API calls; prints
    #    p50/p95/max per kind of request and the errors
    .venv/bin/python bench/serve_bench.py load --db /tmp/s100k.db --clients 20 --seconds 60

``--db`` may be a ``postgresql://`` URL (bench/pg_scratch.py starts a throw-away server);
``load --pools DB`` draws the requests from another database's articles and words (the
SQLite copy of the same corpus), so both backends answer the same requests.

The load runs on the same 2 cores as the server, so the figures include the clients' own
CPU time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from propwatch.model import Article, RawDocument, Span, article_id
from propwatch.reuse.update import update
from propwatch.store import Store, open_store
from propwatch.store.kb import ClaimSpan, KbTables, KnownClaim, NewMatch
from propwatch.techniques.labels import TECHNIQUES

SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
TECHNIQUES_PER_ARTICLE = 2.0  # mean technique spans per article (Poisson)
MATCHED_SHARE = 0.05  # articles with one known-claim match
KNOWN_CLAIMS = 2000
BATCH = 500  # documents per transaction
STANCES = ("asserts", "refutes", "reports")
WORDS = ("government", "election", "minister", "border", "energy", "police", "army",
         "vaccine", "sanctions", "protest", "media", "court", "budget", "nato")


def spans_for(text: str, rng: random.Random) -> dict[str, list[Span]]:
    sentences = [Span(m.start(), m.end(), "sentence") for m in SENTENCE.finditer(text)
                 if m.group().strip()]
    claims = [Span(s.start, s.end, "claim", round(rng.random(), 4)) for s in sentences]
    techniques = []
    count = min(len(sentences), _poisson(rng, TECHNIQUES_PER_ARTICLE))
    for s in rng.sample(sentences, count):
        start = s.start + rng.randrange(max(1, (s.end - s.start) // 2))
        end = min(s.end, start + rng.randrange(8, 60))
        techniques.append(Span(start, end, rng.choice(TECHNIQUES), round(rng.uniform(0.5, 1), 4),
                               {"explanation_key": "x"}))
    return {"sentences": sentences, "claims": claims, "techniques": techniques,
            "language": [Span(0, len(text), "en", 1.0)]}


def _poisson(rng: random.Random, mean: float) -> int:
    n, limit, p = 0, 2.718281828 ** -mean, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return n
        n += 1


def build(corpus: Path, db: str, seed: int) -> None:
    rng = random.Random(seed)
    t0 = time.perf_counter()
    stored = 0
    with open_store(db) as store:
        tables = KbTables(store.conn)
        tables.upsert([(KnownClaim(f"https://factcheck.example/{i}", "bench", "Bench checks",
                                   f"Claim {i} about the {rng.choice(WORDS)}",
                                   f"2024-{1 + i % 12:02d}-01", "False"), f"g{i}", f"claim {i}")
                       for i in range(KNOWN_CLAIMS)])
        matched: list[ClaimSpan] = []
        seq = int(store.conn.execute(
            "SELECT COALESCE(MAX(added_seq), 0) FROM articles").fetchone()[0])
        batch: list[tuple[RawDocument, Article]] = []
        seen: set[str] = set()
        with corpus.open(encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                record = json.loads(line)
                text = record["text"]
                doc = RawDocument(str(corpus), text, "text", line_no)
                if doc.content_hash in seen or store.has_document(doc.content_hash):
                    continue
                seen.add(doc.content_hash)
                article = Article(
                    id=article_id(doc.content_hash, 1), source=doc.where, part=1, text=text,
                    title=record.get("title"), outlet=record.get("outlet"),
                    published=record.get("published"), url=record.get("url"))
                for layer, spans in spans_for(text, rng).items():
                    article.add_layer(layer, spans)
                batch.append((doc, article))
                claims = article.layers["claims"]
                if claims and rng.random() < MATCHED_SHARE:
                    c = rng.choice(claims)
                    matched.append(ClaimSpan(article.id, c.start, c.end, c.score or 0,
                                             c.text_of(text)))
                if len(batch) == BATCH:
                    seq = _save(store, batch, seq)
                    stored += len(batch)
                    batch = []
                if line_no % 10000 == 0:
                    print(f"  {line_no} articles read, {time.perf_counter() - t0:.0f} s",
                          flush=True)
        seq = _save(store, batch, seq)
        stored += len(batch)
        with tables.transaction():
            for claim in matched:
                kb = f"https://factcheck.example/{rng.randrange(KNOWN_CLAIMS)}"
                tables.save_matches(claim, [NewMatch(kb, rng.uniform(0.5, 1), rng.choice(
                    ("match", "related")), rng.choice(STANCES), rng.uniform(0.4, 1))])
        print(f"stored {stored} articles, {len(matched)} matches in "
              f"{time.perf_counter() - t0:.0f} s; republication ...", flush=True)
        t1 = time.perf_counter()
        summary = update(store)
        print(f"republication: {summary} in {time.perf_counter() - t1:.0f} s", flush=True)


def _save(store: Store, batch: list[tuple[RawDocument, Article]], seq: int) -> int:
    """Many documents per transaction (analyze stores one per transaction, so that a
    failure loses only that document; a bench corpus need not pay for that)."""
    with store.transaction() as conn:
        for doc, article in batch:
            store._insert_document(conn, doc, "analysed", None, None)
            seq += 1
            store._insert_article(conn, doc.content_hash, article, seq)
    return seq


# -- load ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Pools:
    """What requests are drawn from: every article id, the biggest outlets and families,
    the common news words (6-8 of 10 articles) and rarer words of the corpus."""

    ids: list[str]
    outlets: list[str]
    families: list[str]
    rare_words: list[str]


def pools(db: str, port: int) -> Pools:
    """Drawn from ``db``: a SQLite database (its FTS5 vocabulary gives the rarer words)."""
    with open_store(db) as store:
        conn = store.conn
        ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
        outlets = [r[0] for r in conn.execute(
            "SELECT outlet FROM articles WHERE outlet IS NOT NULL GROUP BY outlet"
            " ORDER BY COUNT(*) DESC LIMIT 50")]
        conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, articles_fts, row)")
        rare = [r[0] for r in conn.execute(
            "SELECT term FROM temp.vocab WHERE doc BETWEEN 50 AND 2000 AND length(term) > 4"
            " AND term GLOB '[a-z]*' ORDER BY term")]
    families = []
    conn2 = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    for offset in (0, 200):
        conn2.request("GET", f"/api/reuse?limit=200&offset={offset}")
        families += [f["id"] for f in json.loads(conn2.getresponse().read())["items"]]
    conn2.close()
    return Pools(ids, outlets, families, random.Random(7).sample(rare, min(500, len(rare))))


def draw(p: Pools, rng: random.Random) -> tuple[str, str]:
    """One request (kind, path), drawn afresh: a cache helps only as it would in use."""
    word = rng.choice(WORDS)
    kind = rng.randrange(13)
    if kind == 0:
        return "search q (common word)", "/search?" + urlencode({"q": word})
    if kind == 1:
        return "search q (rarer word)", "/search?" + urlencode({"q": rng.choice(p.rare_words)})
    if kind == 2:
        return "search q+filters", "/search?" + urlencode({
            "q": word, "outlet": rng.choice(p.outlets), "since": "2020-01-01",
            "technique": rng.choice(TECHNIQUES)})
    if kind == 3:
        return "search filters, by date", "/search?" + urlencode({
            "technique": rng.choice(TECHNIQUES), "match": "any", "sort": "date",
            "offset": 20 * rng.randrange(5)})
    if kind == 4:
        return "article page", f"/articles/{quote(rng.choice(p.ids))}"
    if kind == 5:
        return "outlet page", (f"/outlets/{quote(rng.choice(p.outlets), safe='')}"
                               f"?offset={20 * rng.randrange(5)}")
    if kind == 6:
        return "family page", f"/republication/{quote(rng.choice(p.families))}"
    if kind == 7:
        return "dashboard", "/"
    if kind == 8:
        return "review", f"/review?offset={20 * rng.randrange(10)}"
    if kind == 9:
        return "GET /api/articles?q", "/api/articles?" + urlencode({
            "q": word, "limit": 20, "offset": 20 * rng.randrange(3)})
    if kind == 10:
        return "GET /api/articles/{id}", f"/api/articles/{quote(rng.choice(p.ids))}"
    if kind == 11:
        return "GET /api/stats", "/api/stats"
    return "GET /api/matches", f"/api/matches?offset={20 * rng.randrange(10)}"


def client(port: int, p: Pools, seed: int, stop: float,
           results: list[tuple[str, float, int]]) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < stop:
        kind, path = draw(p, rng)
        t0 = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        results.append((kind, time.perf_counter() - t0, status))
    conn.close()


def load(db: str, clients: int, seconds: float, seed: int, workers: int,
         pools_from: str | None = None) -> None:
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).with_name("propwatch")), "serve",
                               "--db", db, "--port", str(port), "--workers", str(workers)])
    try:
        t0 = time.perf_counter()
        for _ in range(3000):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        print(f"server answers after {time.perf_counter() - t0:.1f} s", flush=True)
        p = pools(pools_from or db, port)
        t1 = time.perf_counter()
        ready = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for path in ("/", "/outlets", "/republication"):  # each waits for the start's figures
            ready.request("GET", path)
            ready.getresponse().read()
        ready.close()
        print(f"corpus figures ready after {time.perf_counter() - t1:.1f} s more", flush=True)
        warm: list[tuple[str, float, int]] = []
        client(port, p, seed, time.perf_counter() + 5, warm)  # not counted
        results: list[tuple[str, float, int]] = []
        stop = time.perf_counter() + seconds
        threads = [threading.Thread(target=client, args=(port, p, seed + 1 + k, stop, results))
                   for k in range(clients)]
        load_before = os.getloadavg()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"load average before the run {load_before[0]:.1f}, after "
              f"{os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    report(results, clients, seconds)


def report(results: list[tuple[str, float, int]], clients: int, seconds: float) -> None:
    print(f"{len(results)} requests from {clients} clients in {seconds:.0f} s "
          f"({len(results) / seconds:.1f}/s), "
          f"errors: {sum(1 for _, _, s in results if s != 200)}")
    print(f"{'request':28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} errors")
    kinds = sorted({k for k, _, _ in results})
    for kind in [*kinds, "all"]:
        rows = [r for r in results if kind in ("all", r[0])]
        times = sorted(t for _, t, _ in rows)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(f"{kind:28} {len(rows):6} {1000 * statistics.median(times):8.0f} "
              f"{1000 * p95:8.0f} {1000 * times[-1]:8.0f} "
              f"{sum(1 for _, _, s in rows if s != 200)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    b = sub.add_parser("build", help="store a make_corpus.py JSONL file as a bench corpus")
    b.add_argument("corpus", type=Path)
    b.add_argument("--db", required=True, help="a SQLite path or a postgresql:// URL")
    b.add_argument("--seed", type=int, default=1)
    ld = sub.add_parser("load", help="serve the corpus and measure latency under load")
    ld.add_argument("--db", required=True, help="a SQLite path or a postgresql:// URL")
    ld.add_argument("--pools", help="draw requests from this SQLite copy (default: --db)")
    ld.add_argument("--clients", type=int, default=20)
    ld.add_argument("--seconds", type=float, default=60)
    ld.add_argument("--seed", type=int, default=1)
    ld.add_argument("--workers", type=int, default=1, help="propwatch serve --workers")
    args = parser.parse_args()
    if args.step == "build":
        build(args.corpus, args.db, args.seed)
    else:
        load(args.db, args.clients, args.seconds, args.seed, args.workers, args.pools)


if __name__ == "__main__":
    main()
