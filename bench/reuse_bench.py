"""Republication benchmark: precision, recall, provenance and time on a generated corpus.

    python bench/make_corpus.py --articles 100000 --out /tmp/corpus.jsonl
    python bench/reuse_bench.py /tmp/corpus.jsonl --incremental 1000

Loads all but the last ``--incremental`` records into a fresh database, times
``propwatch.reuse.update`` (fingerprints, indexes, candidates, exact checks, stored pairs)
and ``clusters``; then adds the last records and times the incremental update.  Scores:

* cluster pairs: every pair of articles in one predicted cluster vs. in one true family;
* direct copies: is each copy linked straight to the article it was copied from, by kind;
* relations: the relation stored for those links, by kind;
* provenance: the earliest copy of each fully recovered family with a dated original;
* laundering: copies that name a later copier as the source, flagged as disagreeing.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import propwatch.reuse as reuse
from propwatch.model import Article, RawDocument, article_id
from propwatch.store import Store, open_store

EXPECTED = {
    "duplicate": {"duplicate"},
    "headline": {"duplicate"},
    "cut": {"contained"},
    "cut90": {"contained", "duplicate"},  # a cut keeping 90% or more is all but whole
    "embedded": {"contained"},
    "rewrite": {"rewrite", "contained"},
}


def load(store: Store, records: list[dict[str, object]]) -> dict[str, str]:
    ids = {}
    for rec in records:
        doc = RawDocument(source=str(rec["key"]), text=json.dumps(rec), content_type="text")
        aid = article_id(doc.content_hash, 1)
        store.save_articles(
            doc,
            [
                Article(
                    id=aid,
                    source=str(rec["key"]),
                    part=1,
                    text=str(rec["text"]),
                    title=rec.get("title"),
                    outlet=rec.get("outlet"),  # type: ignore[arg-type]
                    published=rec.get("published"),
                    url=rec.get("url"),  # type: ignore[arg-type]
                )
            ],
        )
        ids[str(rec["key"])] = aid
    return ids


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def c2(n: int) -> int:
    return n * (n - 1) // 2


def score(
    records: list[dict[str, object]],
    ids: dict[str, str],
    found: list[reuse.Cluster],
) -> dict[str, object]:
    key_of = {v: k for k, v in ids.items()}
    family = {str(r["key"]): str(r["family"]) for r in records}
    truth_sizes = Counter(family.values())
    truth_pairs = sum(c2(n) for n in truth_sizes.values())
    pred_pairs = tp = 0
    cluster_of: dict[str, str] = {}
    for c in found:
        keys = [key_of[m.id] for m in c.articles]
        for k in keys:
            cluster_of[k] = c.id
        pred_pairs += c2(len(keys))
        tp += sum(c2(n) for n in Counter(family[k] for k in keys).values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / truth_pairs if truth_pairs else 1.0
    links = {}
    for c in found:
        for p in c.pairs:
            links[frozenset((key_of[p.a], key_of[p.b]))] = p
    direct: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    relation_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    partial_60 = [0, 0]
    for r in records:
        kind = str(r["kind"])
        if kind == "original":
            continue
        link = links.get(frozenset((str(r["key"]), str(r["parent"]))))
        direct[kind][1] += 1
        direct[kind][0] += link is not None
        if kind in ("cut", "embedded") and float(r["share"]) >= 0.6:  # type: ignore[arg-type]
            partial_60[1] += 1
            partial_60[0] += link is not None
        if link is not None and kind in EXPECTED:
            relation_ok[kind][1] += 1
            near_whole = kind == "cut" and float(r["share"]) >= 0.9  # type: ignore[arg-type]
            relation_ok[kind][0] += link.relation in EXPECTED["cut90" if near_whole else kind]
    # provenance: families recovered whole whose original is dated (copies are dated later)
    by_key = {str(r["key"]): r for r in records}
    members: dict[str, set[str]] = defaultdict(set)
    for k, f in family.items():
        members[f].add(k)
    prov = [0, 0]
    for c in found:
        keys = {key_of[m.id] for m in c.articles}
        fams = {family[k] for k in keys}
        if len(fams) != 1:
            continue
        root = fams.pop()
        if keys != members[root] or not by_key[root]["published"]:
            continue
        prov[1] += 1
        prov[0] += key_of[c.earliest] == root
    lies = [0, 0]
    flagged = {d.article for c in found for d in c.provenance.disagreements}
    for r in records:
        if r.get("lie") and str(r["key"]) in cluster_of:
            lies[1] += 1
            lies[0] += ids[str(r["key"])] in flagged
    false_flags = len(flagged - {ids[str(r["key"])] for r in records if r.get("lie")})
    return {
        "cluster_pairs": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "predicted": pred_pairs,
            "true": truth_pairs,
        },
        "direct_copies_found": {k: f"{v[0]}/{v[1]}" for k, v in sorted(direct.items())},
        "partial_copies_keeping_60pct_found": f"{partial_60[0]}/{partial_60[1]}",
        "relation_as_expected": {k: f"{v[0]}/{v[1]}" for k, v in sorted(relation_ok.items())},
        "earliest_is_original": f"{prov[0]}/{prov[1]}",
        "laundering_flagged": f"{lies[0]}/{lies[1]}",
        "other_flags": false_flags,
    }


def real(folder: Path) -> dict[str, object]:
    """Every file of a folder as its own article (byte-identical files too, which analyze
    folds into one document); pairs found through the indexes vs. an exhaustive exact
    comparison of all pairs with the same rules."""
    from itertools import combinations

    from propwatch.reuse.compare import overlap, shingles_of
    from propwatch.reuse.relations import classify

    paths = sorted(folder.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    tmp = tempfile.TemporaryDirectory()
    with open_store(Path(tmp.name) / "real.db") as store:
        ids = load(store, [{"key": p.name, "text": t} for p, t in zip(paths, texts, strict=True)])
        t = time.perf_counter()
        reuse.update(store)
        seconds = time.perf_counter() - t
        found = {frozenset((p.a, p.b)): p.relation for c in reuse.clusters(store) for p in c.pairs}
    sets = shingles_of(texts)
    truth = {}
    for i, j in combinations(range(len(paths)), 2):
        verdict = classify(overlap(sets[i], sets[j]))
        if verdict:
            truth[frozenset((ids[paths[i].name], ids[paths[j].name]))] = verdict.relation
    name = {v: k for k, v in ids.items()}
    return {
        "files": len(paths), "seconds": round(seconds, 2),
        "pairs_by_exhaustive_check": len(truth), "pairs_found": len(found),
        "found_of_exhaustive": len(set(truth) & set(found)),
        "pairs": sorted(f"{' ~ '.join(sorted(name[x] for x in k))}: {v}"
                        for k, v in found.items()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", help="JSONL from bench/make_corpus.py")
    parser.add_argument("--real", type=Path,
                        help="instead: a folder of .txt articles (e.g. news-unlabeled)")
    parser.add_argument(
        "--incremental",
        type=int,
        default=1000,
        help="records held back and added afterwards (default 1000)",
    )
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    if args.real:
        json.dump(real(args.real), sys.stdout, indent=1)
        print()
        return
    if not args.corpus:
        parser.error("give a corpus JSONL or --real FOLDER")
    records = [json.loads(line) for line in args.corpus.open(encoding="utf-8")]
    head, tail = (
        records[: len(records) - args.incremental],
        records[len(records) - args.incremental :],
    )
    truth = [{k: v for k, v in r.items() if k != "text"} for r in records]
    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.db"
    settings = reuse.Settings(workers=args.workers)
    with open_store(db) as store:
        t = time.perf_counter()
        ids = load(store, head)
        t_load = time.perf_counter() - t
        del records, head  # the texts are in the database now; keep memory for the update

        t, cpu = time.perf_counter(), cpu_seconds()
        first = reuse.update(store, settings)
        t_first, cpu_first = time.perf_counter() - t, cpu_seconds() - cpu
        print(f"update of {first.new_articles}: {t_first:.1f}s {first.as_dict()}",
              file=sys.stderr, flush=True)
        t = time.perf_counter()
        ids.update(load(store, tail))
        del tail
        t_load_tail = time.perf_counter() - t
        t, cpu = time.perf_counter(), cpu_seconds()
        second = reuse.update(store, settings)
        t_second, cpu_second = time.perf_counter() - t, cpu_seconds() - cpu
        t = time.perf_counter()
        found = reuse.clusters(store)
        t_clusters = time.perf_counter() - t
    own, children = peak_mb()
    out = {
        "articles": len(truth),
        "load_seconds": round(t_load + t_load_tail, 1),
        "update_all_but_last": {
            "articles": first.new_articles,
            "seconds": round(t_first, 1),
            "cpu_seconds": round(cpu_first, 1),
            "candidates": first.candidates,
            "pairs": first.new_pairs,
            "phases": first.as_dict()["seconds"],
        },
        "clusters_seconds": round(t_clusters, 1),
        "incremental": {
            "articles": second.new_articles,
            "seconds": round(t_second, 2),
            "cpu_seconds": round(cpu_second, 2),
            "candidates": second.candidates,
            "pairs": second.new_pairs,
            "phases": second.as_dict()["seconds"],
        },
        "peak_rss_mb": {"main": round(own), "largest_worker": round(children)},
        "clusters": len(found),
        "score": score(truth, ids, found),
    }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
