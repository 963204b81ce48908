"""Bring a corpus's narratives up to date: embed new claims, group new articles into
narratives (``grouping``) and their claims into claim clusters, store the result.

The claims grouped are the ``claims`` layer's sentences scoring at least
``Settings.min_score`` and every sentence with a counted known-claim match.  The default
keeps every sentence of the layer (score 0): on FNC-1 train, grouping only the check-worthy
ones (``LIST_THRESHOLD``, the listing cut of ``propwatch claims``) lost 0.07 BCubed F1,
since an article's story is carried by more sentences than its most check-worthy ones.
Each claim is embedded once (the claims layer's sentence encoder) after alias
canonicalisation ("Daesh" and "Islamic State" both read "ISIS"), and the vector is stored,
so a later run embeds only claims it has not seen.  An article's features (the word counts
of its claims, their mean embedding) are stored when it is first grouped; an update reads
only the claims not grouped yet, plus every article's features.

Memory stays bounded by the articles, not their claims: claims and their vectors are read
block by block of articles, twice (once to embed what is missing and compute the new
articles' features, once, narrative by narrative, to put the claims into claim clusters),
and a claim is canonicalised once for both its embedding and its article's words.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from propwatch.claims.encoder import DIM, SentenceEncoder, default_encoder
from propwatch.errors import ConfigError
from propwatch.execute.tasks import Mapper, Threads
from propwatch.kb.aliases import Aliases
from propwatch.kb.importer import current_aliases
from propwatch.kb.match import clean_query
from propwatch.narratives.claim_clusters import assign
from propwatch.narratives.features import (
    count_matrix,
    pack,
    term_rows,
    unit_means,
    unpack,
    weighted,
)
from propwatch.narratives.grouping import Thresholds, group
from propwatch.store import Store
from propwatch.store.kb import EMBED_DTYPE, KbTables
from propwatch.store.narratives import ArticleRow, ClaimKey, NarrativeTables
from propwatch.store.open import shown

log = logging.getLogger(__name__)

ARTICLE_BLOCK = 1000  # articles whose claims (and vectors) are held at once
JOB_CLAIMS = 1000  # claims (of whole articles) one job of per-article work takes
THREADS = 1  # jobs side by side without a run's executor (the encoder has its own threads)
Progress = Callable[[str, int, int], None]  # (stage, done, to do)


# what the stored grouping is (2: each text's own stop words); another one is re-clustered
METHOD = "articles-2"


@dataclass(frozen=True)
class Settings:
    thresholds: Thresholds = Thresholds()
    min_score: float = 0.0  # LIST_THRESHOLD: check-worthy sentences only

    def to_meta(self) -> dict[str, str]:
        return {"claim_threshold": repr(self.thresholds.claim),
                "narrative_threshold": repr(self.thresholds.narrative),
                "words_weight": repr(self.thresholds.words),
                "min_score": repr(self.min_score), "method": METHOD}

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> Settings | None:
        if meta.get("method") != METHOD:
            return None
        return cls(Thresholds(float(meta["claim_threshold"]),
                              float(meta["narrative_threshold"]),
                              float(meta["words_weight"])),
                   float(meta["min_score"]))


@dataclass
class UpdateSummary:
    claims: int = 0  # claims grouped in all
    new_claims: int = 0  # claims assigned by this run
    embedded: int = 0  # claims embedded by this run
    articles: int = 0  # articles grouped in all
    new_articles: int = 0  # articles grouped by this run
    narratives: int = 0
    clusters: int = 0
    merges: int = 0  # narratives merged into older ones by this run
    rebuilt: str = ""  # why everything was re-clustered ("" when it was not)


def update(
    store: Store, settings: Settings | None = None, rebuild: bool = False,
    encoder: SentenceEncoder | None = None, progress: Progress | None = None,
    mapper: Mapper | None = None,
) -> UpdateSummary:
    """Group the articles and claims not yet grouped (``rebuild``: re-cluster everything).

    The per-article work (canonicalising and embedding claims, word counts) runs on
    ``mapper`` (the run's executor; default: this process's threads); grouping, claim
    clusters and storing here.

    ``settings`` default to the ones the corpus was grouped with (else ``Settings()``);
    other settings than those need ``rebuild``, since they would make earlier and later
    assignments disagree."""
    tables = NarrativeTables(store.conn)
    meta = tables.meta()
    stored = Settings.from_meta(meta)
    if settings is not None and stored is not None and settings != stored and not rebuild:
        raise ConfigError(
            f"the narratives of {shown(store.path)} were grouped with {_describe(stored)}; pass "
            "--rebuild to re-cluster everything with the new settings")
    settings = settings or stored or Settings()
    aliases = current_aliases(KbTables(store.conn))
    summary = UpdateSummary()
    if rebuild:
        summary.rebuilt = "asked for"
    elif stored is None and tables.counts()[0]:
        summary.rebuilt = "the grouping method changed"
    elif stored is not None and meta.get("aliases") != aliases.fingerprint:
        summary.rebuilt = "the alias list changed"
    rebuilding = bool(summary.rebuilt)
    stored_rows = tables.articles(DIM)
    before = {a.article_id: a.narrative for a in stored_rows}
    # an article's features depend on its claims and the aliases: a rebuild asked for with
    # the same claims and aliases reuses them
    same_features = not rebuilding or (summary.rebuilt == "asked for" and stored is not None
                                       and stored.min_score == settings.min_score)
    known = {a.article_id: a for a in stored_rows} if same_features else {}
    del stored_rows
    todo = tables.claim_articles(settings.min_score, ungrouped=not rebuilding)
    claims = _Claims(tables, settings.min_score, aliases, ungrouped=not rebuilding)
    new_rows, summary.embedded = _new_articles(claims, todo, known, encoder, progress,
                                               mapper or Threads(THREADS))
    rows = list(known.values()) + new_rows
    labels = np.array([-1 if rebuilding else r.narrative for r in rows], dtype=np.int64)
    grouped = group(weighted(count_matrix([unpack(r.terms) for r in rows])),
                    np.stack([r.vector for r in rows]) if rows else np.zeros((0, DIM)),
                    labels, settings.thresholds, int(meta.get("next_narrative", 1)),
                    progress=partial(progress, "grouping articles") if progress else None)
    narrative = {r.article_id: int(n) for r, n in zip(rows, grouped.labels, strict=True)}
    moves = [(young, old, "merged", n) for young, old, n in grouped.merges]
    if rebuilding:
        moves += _rebuilt(before, narrative)
    with tables.transaction():
        if rebuilding:
            tables.forget()
        tables.save_narratives(grouped.created, moves)
        tables.save_articles(
            ArticleRow(r.article_id, narrative[r.article_id], r.terms, r.vector)
            for r in rows if rebuilding or r.narrative != narrative[r.article_id])
        summary.new_claims, next_cluster = _cluster_claims(
            claims, todo, narrative, settings.thresholds.claim, int(meta.get("next_cluster", 1)),
            loaded=not rebuilding, progress=progress)
        tables.finish(
            {**settings.to_meta(), "aliases": aliases.fingerprint,
             "next_cluster": str(next_cluster),
             "next_narrative": str(max([int(meta.get("next_narrative", 1)), *[
                 n + 1 for n in grouped.created]]))})
    summary.claims, summary.clusters, summary.articles, summary.narratives = tables.counts()
    summary.new_articles = len(new_rows) if not rebuilding else len(rows)
    summary.merges = len(grouped.merges)
    return summary


@dataclass
class _Block:
    """The claims of a block of articles, in the order articles were first seen (an
    article's claims one after the other)."""

    keys: list[ClaimKey]
    texts: list[str]
    vectors: np.ndarray  # float32, one row per claim (zeros where ``missing``)
    missing: list[int]  # claims without a vector made with the current aliases

    def articles(self) -> list[tuple[str, int, int]]:
        """(article id, first claim, end) of each article of the block."""
        out: list[tuple[str, int, int]] = []
        for i, (article, _, _) in enumerate(self.keys):
            if not out or out[-1][0] != article:
                out.append((article, i, i + 1))
            else:
                out[-1] = (article, out[-1][1], i + 1)
        return out


class _Claims:
    """Reads the claims to group, block by block of articles, with their vectors (made
    with the current aliases); embeds and stores the vectors missing."""

    def __init__(self, tables: NarrativeTables, min_score: float, aliases: Aliases,
                 ungrouped: bool) -> None:
        self.tables = tables
        self.min_score = min_score
        self.aliases = aliases
        self.ungrouped = ungrouped

    def read(self, articles: Sequence[str]) -> _Block:
        rows = self.tables.claims_of(articles, self.min_score, self.aliases.fingerprint,
                                     self.ungrouped)
        vectors = np.zeros((len(rows), DIM), dtype=np.float32)
        have = [i for i, r in enumerate(rows) if r[4] is not None]
        if have:
            vectors[have] = np.frombuffer(b"".join(rows[i][4] or b"" for i in have),
                                          dtype=EMBED_DTYPE).reshape(len(have), DIM)
        return _Block([(a, s, e) for a, s, e, _, _ in rows], [r[3] for r in rows], vectors,
                      sorted(set(range(len(rows))) - set(have)))

    def save_vectors(self, block: _Block, claims: list[int], vectors: np.ndarray) -> None:
        """Store the fresh vectors of the ``claims`` of ``block`` (rows of ``vectors``);
        the block gets them as stored (later runs read float16 back: group with those
        same values now)."""
        self.tables.save_vectors([block.keys[i] for i in claims], vectors,
                                 self.aliases.fingerprint)
        block.vectors[claims] = vectors.astype(EMBED_DTYPE).astype(np.float32)


@dataclass(frozen=True)
class _Job:
    """The per-article work on some consecutive articles of a block (map-style)."""

    texts: list[str]  # their claims, as read
    missing: list[int]  # claims (indices into texts) without a vector yet
    new: list[tuple[int, int]]  # (first claim, end) of each article without features yet


def _features(job: _Job, aliases: Aliases, encoder: SentenceEncoder | None = None
              ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """(the vectors of the claims without one, the word counts of the new articles): a
    claim is canonicalised once for both.  Each text's result is a function of that text
    only, so any split of the articles into jobs gives the same values."""
    texts = [embedding_text(t, aliases) for t in job.texts]
    vectors = np.zeros((0, DIM), dtype=EMBED_DTYPE)
    if job.missing:
        encoder = encoder or default_encoder()
        vectors = encoder.encode([texts[i] for i in job.missing], cache=False).astype(EMBED_DTYPE)
    return vectors, term_rows([" ".join(texts[i:j]) for i, j in job.new])


def _jobs(block: _Block, articles: list[tuple[str, int, int]], known: dict[str, ArticleRow]
          ) -> list[tuple[int, _Job]]:
    """The block's articles cut into jobs of ``JOB_CLAIMS`` claims or so: (first claim of
    the job, the job)."""
    out: list[tuple[int, _Job]] = []
    missing = set(block.missing)
    lo = 0
    while lo < len(articles):
        hi = lo + 1
        while hi < len(articles) and articles[hi][2] - articles[lo][1] <= JOB_CLAIMS:
            hi += 1
        first, end = articles[lo][1], articles[hi - 1][2]
        out.append((first, _Job(block.texts[first:end],
                                [i - first for i in range(first, end) if i in missing],
                                [(i - first, j - first) for a, i, j in articles[lo:hi]
                                 if a not in known])))
        lo = hi
    return out


def _new_articles(
    claims: _Claims, todo: list[str], known: dict[str, ArticleRow],
    encoder: SentenceEncoder | None, progress: Progress | None, mapper: Mapper,
) -> tuple[list[ArticleRow], int]:
    """Embed the claims of ``todo`` that have no vector yet and compute the features of
    the articles not in ``known``, block by block of articles (never every claim vector
    at once), the per-article work on ``mapper``; (the new articles' rows, the number of
    claims embedded)."""
    rows: list[ArticleRow] = []
    embedded = 0
    work = partial(_features, aliases=claims.aliases, encoder=encoder)
    for lo in range(0, len(todo), ARTICLE_BLOCK):
        block = claims.read(todo[lo : lo + ARTICLE_BLOCK])
        articles = block.articles()
        jobs = _jobs(block, articles, known)
        words: list[tuple[np.ndarray, np.ndarray]] = []
        for (first, job), (vectors, counts) in zip(jobs, mapper.map(work, [j for _, j in jobs]),
                                                   strict=True):
            if job.missing:
                claims.save_vectors(block, [first + i for i in job.missing], vectors)
            words += counts
        embedded += len(block.missing)
        new = [(a, i, j) for a, i, j in articles if a not in known]
        means = unit_means(block.vectors, [i for _, i, _ in new], [j for _, _, j in new])
        rows += [ArticleRow(a, -1, pack(*counts), mean)
                 for (a, _, _), counts, mean in zip(new, words, means, strict=True)]
        if progress:
            progress("reading claims", min(lo + ARTICLE_BLOCK, len(todo)), len(todo))
    if embedded:
        log.info("embedded %d claims", embedded)
    return rows, embedded


def _cluster_claims(
    claims: _Claims, todo: list[str], narrative: dict[str, int], threshold: float,
    next_id: int, loaded: bool, progress: Progress | None,
) -> tuple[int, int]:
    """Put the claims of ``todo`` into claim clusters, narrative by narrative (a block of
    narratives' articles read at once), and save them; (claims assigned, next free id)."""
    articles: dict[int, list[str]] = defaultdict(list)
    for article in todo:
        articles[narrative[article]].append(article)
    order = sorted(articles)
    assigned = done = 0
    while done < len(order):
        batch: list[int] = []
        size = 0
        while done < len(order) and (not batch or size < ARTICLE_BLOCK):
            batch.append(order[done])
            size += len(articles[order[done]])
            done += 1
        block = claims.read([a for n in batch for a in articles[n]])
        assert not block.missing  # embedded by _new_articles
        of: dict[int, list[int]] = defaultdict(list)  # narrative -> its claims in the block
        for i, (article, _, _) in enumerate(block.keys):
            of[narrative[article]].append(i)
        known: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)
        if loaded:
            for cluster, n, total in claims.tables.clusters(DIM, batch):
                known[n].append((cluster, total))
        changed: list[tuple[int, int, np.ndarray]] = []
        members: list[tuple[ClaimKey, int]] = []
        for n in batch:
            if not of[n]:
                continue
            ids = [c for c, _ in known[n]]
            totals = np.stack([t for _, t in known[n]]) if ids else np.zeros((0, DIM), np.float32)
            labels, totals = assign(totals, block.vectors[of[n]], threshold)
            ids += range(next_id, next_id + len(totals) - len(ids))
            next_id += len(totals) - len(known[n])
            members += [(block.keys[i], ids[label]) for i, label in zip(of[n], labels.tolist(),
                                                                         strict=True)]
            changed += [(ids[i], n, totals[i]) for i in sorted(set(labels.tolist()))]
        claims.tables.save_clusters(changed, members)
        assigned += len(members)
        if progress:
            progress("claim clusters", done, len(order))
    return assigned, next_id


def _rebuilt(before: dict[str, int], after: dict[str, int]) -> list[tuple[int, int, str, int]]:
    """(old id, new id, "rebuilt", articles of the old now in the new) for every pair."""
    counts = Counter((old, after[a]) for a, old in before.items() if a in after)
    return [(old, new, "rebuilt", n) for (old, new), n in sorted(counts.items())]


def embedding_text(text: str, aliases: Aliases) -> str:
    """What is embedded for a claim: the sentence without links and handles, aliases
    canonicalised."""
    return aliases.canonicalise(clean_query(text))


def _describe(settings: Settings) -> str:
    t = settings.thresholds
    return (f"claim threshold {t.claim:g}, narrative threshold {t.narrative:g}, words "
            f"weight {t.words:g}, min score {settings.min_score:g}")
