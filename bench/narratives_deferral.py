"""Would embedding claims only once their narrative has two articles be exact, and what
would it save?  (Task 11i; docs/benchmarks.md "analyze against tag, task 11i".)

    nice -n 19 .venv/bin/python bench/narratives_deferral.py share DB [DB ...]
    nice -n 19 .venv/bin/python bench/narratives_deferral.py speed [--articles 100]

``share``: for analysed databases (narratives grouped), how many articles and claims sit
in narratives of two articles or more (the claims a deferral would embed), and what a
one-article narrative shows that the vectors decide: claim clusters of more than one claim
(the same claim twice in one article: identical texts or other words) and labels (the
claim nearest the centroid) that are not simply its first claim.

``speed``: ``propwatch tag`` and ``propwatch analyze`` on the first ``--articles`` files of
news-unlabeled, then ``analyze`` again with the sentence encoder skipped (zero vectors) for
every claim outside the multi-article narratives the first ``analyze`` found: the CPU a
deferral would save on these files (the grouping weighs words only, so it is the same).
A simulation of the cost only: its claim clusters and labels are not the real ones.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news-unlabeled"


def share(db: Path) -> dict[str, int]:
    from propwatch.narratives import narratives
    from propwatch.store import open_store
    from propwatch.store.narratives import NarrativeTables

    with open_store(db) as store:
        members = NarrativeTables(store.conn).members()
        shown = {int(n.id[1:]): n for n in narratives(store)}
    articles: dict[int, set[str]] = defaultdict(set)
    claims: Counter[int] = Counter()
    clusters: dict[tuple[int, int], list[str]] = defaultdict(list)
    for r in members:
        articles[r.narrative].add(r.article_id)
        claims[r.narrative] += 1
        clusters[(r.narrative, r.cluster)].append(r.text)
    multi = {n for n, a in articles.items() if len(a) > 1}
    single = set(articles) - multi
    joined = [texts for (n, _), texts in clusters.items() if n in single and len(texts) > 1]
    return {
        "narratives": len(articles), "multi-article narratives": len(multi),
        "articles": sum(len(a) for a in articles.values()),
        "articles in multi-article narratives": sum(len(articles[n]) for n in multi),
        "claims": sum(claims.values()),
        "claims in multi-article narratives": sum(claims[n] for n in multi),
        "one-article narratives": len(single),
        "... with a claim cluster of >1 claim": len({n for (n, _), t in clusters.items()
                                                     if n in single and len(t) > 1}),
        "... such clusters: identical texts": sum(
            len({t.strip().casefold() for t in texts}) == 1 for texts in joined),
        "... such clusters: other words": sum(
            len({t.strip().casefold() for t in texts}) > 1 for texts in joined),
        "... whose label is not their first claim": sum(
            shown[n].central_claim != shown[n].claims[0]["text"] for n in single),
    }


def multi_article_texts(db: Path) -> list[str]:
    """What is embedded for the claims of the multi-article narratives of ``db``."""
    from propwatch.kb.importer import current_aliases
    from propwatch.narratives.build import embedding_text
    from propwatch.store import open_store
    from propwatch.store.kb import KbTables
    from propwatch.store.narratives import NarrativeTables

    with open_store(db) as store:
        members = NarrativeTables(store.conn).members()
        aliases = current_aliases(KbTables(store.conn))
    articles: dict[int, set[str]] = defaultdict(set)
    for r in members:
        articles[r.narrative].add(r.article_id)
    return sorted({embedding_text(r.text, aliases) for r in members
                   if len(articles[r.narrative]) > 1})


def simulate(argv: list[str]) -> None:
    """The propwatch CLI with the encoder giving zeros for texts outside $DEFER_TEXTS."""
    import numpy as np

    from propwatch.claims import encoder

    keep = set(json.loads(Path(os.environ["DEFER_TEXTS"]).read_text(encoding="utf-8")))
    real = encoder.SentenceEncoder.encode

    def encode(self: encoder.SentenceEncoder, texts: list[str], cache: bool = True
               ) -> np.ndarray:
        wanted = [t for t in texts if t in keep]
        got = dict(zip(wanted, real(self, wanted, cache), strict=True)) if wanted else {}
        zero = np.zeros(encoder.DIM, np.float32)
        return (np.stack([got.get(t, zero) for t in texts]) if texts
                else np.zeros((0, encoder.DIM), np.float32))

    encoder.SentenceEncoder.encode = encode  # type: ignore[method-assign]
    from propwatch.cli import main

    sys.argv = ["propwatch", *argv]
    main()


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall s, CPU s) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        sys.exit(f"{' '.join(cmd[:4])} failed:\n{err}")
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime


def speed(articles: int) -> None:
    files = [str(p) for p in sorted(NEWS.glob("*.txt"))[:articles]]
    exe = str(Path(sys.executable).parent / "propwatch")
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        steps = [("tag", [exe, "tag", *files, "--format", "jsonl"], None),
                 ("analyze", [exe, "analyze", *files, "--db", f"{tmp}/a.db", "-q"], None),
                 ("analyze, encoder only for multi-article narratives",
                  [sys.executable, __file__, "_simulate", "analyze", *files, "--db",
                   f"{tmp}/b.db", "-q"], {"DEFER_TEXTS": f"{tmp}/texts.json"})]
        for name, cmd, env in steps:
            if env:
                texts = multi_article_texts(Path(tmp) / "a.db")
                Path(env["DEFER_TEXTS"]).write_text(json.dumps(texts), encoding="utf-8")
            wall, cpu[name] = run(cmd, env)
            print(f"{time.strftime('%H:%M:%S', time.gmtime())} {name}: wall {wall:.1f} s, "
                  f"CPU {cpu[name]:.1f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    for name, seconds in cpu.items():
        if name != "tag":
            print(f"{name} / tag as CPU: {seconds / cpu['tag']:.2f}")


def main() -> None:
    if sys.argv[1:2] == ["_simulate"]:
        simulate(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("share")
    s.add_argument("dbs", type=Path, nargs="+")
    p = sub.add_parser("speed")
    p.add_argument("--articles", type=int, default=100)
    args = ap.parse_args()
    if args.what == "share":
        for db in args.dbs:
            print(db)
            for key, value in share(db).items():
                print(f"  {key}: {value}")
    else:
        speed(args.articles)


if __name__ == "__main__":
    main()
