"""Bring a corpus's narratives up to date: embed new claims, group new articles into
narratives (``grouping``) and their claims into claim clusters, store the result.

The claims grouped are the ``claims`` layer's sentences scoring at least
``Settings.min_score`` and every sentence with a counted known-claim match.  The default
keeps every sentence of the layer (score 0): on FNC-1 train, grouping only the check-worthy
ones (``LIST_THRESHOLD``, the listing cut of ``propwatch claims``) lost 0.07 BCubed F1,
since an article's story is carried by more sentences than its most check-worthy ones.
Each claim is embedded once (the claims layer's sentence encoder) after alias
canonicalisation ("Daesh" and "Islamic State" both read "ISIS"), and the vector is stored,
so a later run embeds only claims it has not seen.

The articles not grouped yet are taken block by block (``ARTICLE_BLOCK``, in the order
they were first seen), and each block is done and stored before the next: its claims read
(with their vectors), its per-article features computed (claims canonicalised and
embedded, word counts, on the ``mapper``), its articles grouped against the narratives so
far (``grouping.Index``: per narrative its size and sums, never its articles; the search
for each article's nearest narrative in jobs of some narratives on the ``mapper``), its claims
put into their narratives' claim clusters (narratives are independent: jobs of whole
narratives on the ``mapper``; the clusters of narratives earlier blocks met are kept in
memory, ``totals``, the others read from the store), then stored in one transaction.  So
the first build of a corpus is the same as updates of one block after the other, a killed
build resumes where it stopped, and the cost of a block on the driver follows the block
and the narratives it meets, not the corpus.  An article's word counts are stored; they
are weighted with the IDF of the articles grouped so far
(``features.DocumentFrequencies``): every grouped article's with that of all of them when
an update starts, and each block's with that of the articles up to it.  So within one
update the IDF grows block by block, and the next update re-weights everything once (one
pass over the grouped articles, not one per block).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
    DocumentFrequencies,
    count_matrix,
    pack,
    term_rows,
    unit_means,
    unpack,
)
from propwatch.narratives.grouping import Grouped, Index, Thresholds, group
from propwatch.narratives.totals import Kept, Totals
from propwatch.store import Store
from propwatch.store.kb import EMBED_DTYPE, KbTables
from propwatch.store.narratives import ArticleRow, ClaimKey, NarrativeTables
from propwatch.store.open import shown

log = logging.getLogger(__name__)

ARTICLE_BLOCK = 2000  # articles grouped and stored together (memory: their claims, BLOCK^2)
JOB_CLAIMS = 1000  # claims (of whole articles, or of whole narratives) one job takes
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

    The per-article work (canonicalising and embedding claims, word counts), the search for
    the nearest narratives and the claim clusters run on ``mapper`` (the run's executor;
    default: this process's threads); the rest of the grouping and storing here.

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
    grouped_with = {**settings.to_meta(), "aliases": aliases.fingerprint}
    before: dict[str, int] = {}
    if summary.rebuilt:  # forget the grouping first: a rebuild is a first build
        before = tables.assignments()
        with tables.transaction():
            tables.forget()
            tables.save_meta(grouped_with)
    state = _State.load(tables, settings.thresholds, {**meta, **grouped_with})
    todo = tables.claim_articles(settings.min_score, ungrouped=True)
    claims = _Claims(tables, settings.min_score, aliases)
    mapper = mapper or Threads(THREADS)
    for lo in range(0, len(todo), ARTICLE_BLOCK):
        _add_block(claims, todo[lo : lo + ARTICLE_BLOCK], state, settings, encoder, mapper,
                   summary)
        if progress:
            progress("grouping articles", min(lo + ARTICLE_BLOCK, len(todo)), len(todo))
    if summary.embedded:
        log.info("embedded %d claims", summary.embedded)
    with tables.transaction():
        if before:
            tables.save_narratives([], _rebuilt(before, tables.assignments()))
        tables.finish(state.meta())
    summary.claims, summary.clusters, summary.articles, summary.narratives = tables.counts()
    return summary


@dataclass
class _State:
    """What grouping a block needs of the narratives so far, kept from block to block."""

    index: Index  # every narrative: size and sums
    frequencies: DocumentFrequencies  # of the grouped articles' words
    assigned: dict[str, int]  # grouped article -> its narrative when this run started
    next_narrative: int
    next_cluster: int
    settings: dict[str, str]  # what the grouping is made with (stored with every block)
    merged: dict[int, int] = field(default_factory=dict)  # merged by this run -> into
    totals: Totals = field(default_factory=Totals)  # claim clusters of narratives met

    @classmethod
    def load(cls, tables: NarrativeTables, thresholds: Thresholds, meta: dict[str, str]
             ) -> _State:
        rows = tables.articles(DIM)
        counts = count_matrix([unpack(r.terms) for r in rows])
        frequencies = DocumentFrequencies()
        frequencies.add(counts)
        vectors = np.stack([r.vector for r in rows]) if rows else np.zeros((0, DIM), np.float32)
        index = Index.of(np.array([r.narrative for r in rows], dtype=np.int64),
                         frequencies.weighted(counts), vectors, thresholds.words)
        return cls(index, frequencies, {r.article_id: r.narrative for r in rows},
                   int(meta.get("next_narrative", 1)), int(meta.get("next_cluster", 1)),
                   {k: meta[k] for k in (*Settings().to_meta(), "aliases")})

    def narrative_of(self, article: str) -> int:
        """The narrative a grouped article is in now (after this run's merges)."""
        n = self.assigned[article]
        while n in self.merged:
            n = self.merged[n]
        return n

    def meta(self) -> dict[str, str]:
        return {**self.settings, "next_narrative": str(self.next_narrative),
                "next_cluster": str(self.next_cluster)}


def _add_block(claims: _Claims, articles: Sequence[str], state: _State, settings: Settings,
               encoder: SentenceEncoder | None, mapper: Mapper, summary: UpdateSummary
               ) -> None:
    """Group one block of articles (and the new claims of grouped ones) and store it."""
    block = claims.read(articles)
    spans = block.articles()
    new = [(a, i, j) for a, i, j in spans if a not in state.assigned]
    words = _features(claims, block, spans, state.assigned, encoder, mapper)
    summary.embedded += len(block.missing)
    counts = count_matrix(words)
    state.frequencies.add(counts)
    rows = state.frequencies.weighted(counts)
    means = unit_means(block.vectors, [i for _, i, _ in new], [j for _, _, j in new])
    grouped = group(state.index, rows, means, settings.thresholds, state.next_narrative,
                    mapper)
    state.next_narrative = max([state.next_narrative, *[n + 1 for n in grouped.created]])
    state.merged.update({young: old for young, old, _ in grouped.merges})
    narrative = {a: int(n) for (a, _, _), n in zip(new, grouped.labels, strict=True)}
    narrative.update({a: state.narrative_of(a) for a, _, _ in spans if a not in narrative})
    changed, members = _cluster_claims(claims.tables, block, narrative, grouped,
                                       settings.thresholds.claim, state, mapper)
    with claims.tables.transaction():
        claims.tables.save_narratives(grouped.created, [
            (young, old, "merged", n) for young, old, n in grouped.merges])
        claims.tables.save_articles(ArticleRow(a, narrative[a], pack(*counted), mean)
                                    for (a, _, _), counted, mean in zip(new, words, means,
                                                                         strict=True))
        claims.tables.save_clusters(changed, members)
        claims.tables.save_meta(state.meta())
    summary.new_articles += len(new)
    summary.new_claims += len(members)
    summary.merges += len(grouped.merges)


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
    """Reads the claims not grouped yet of some articles, with their vectors (made with the
    current aliases); stores the vectors embedded for them."""

    def __init__(self, tables: NarrativeTables, min_score: float, aliases: Aliases) -> None:
        self.tables = tables
        self.min_score = min_score
        self.aliases = aliases

    def read(self, articles: Sequence[str]) -> _Block:
        rows = self.tables.claims_of(articles, self.min_score, self.aliases.fingerprint,
                                     ungrouped=True)
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


def _article_features(job: _Job, aliases: Aliases, encoder: SentenceEncoder | None = None
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


def _jobs(block: _Block, articles: list[tuple[str, int, int]], known: dict[str, int]
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


def _features(claims: _Claims, block: _Block, articles: list[tuple[str, int, int]],
              known: dict[str, int], encoder: SentenceEncoder | None, mapper: Mapper
              ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Embed (and store) the block's claims without a vector, on ``mapper``; the word
    counts of its articles not in ``known``, in order."""
    jobs = _jobs(block, articles, known)
    work = partial(_article_features, aliases=claims.aliases, encoder=encoder)
    words: list[tuple[np.ndarray, np.ndarray]] = []
    for (first, job), (vectors, counts) in zip(jobs, mapper.map(work, [j for _, j in jobs]),
                                               strict=True):
        if job.missing:
            claims.save_vectors(block, [first + i for i in job.missing], vectors)
        words += counts
    return words


@dataclass(frozen=True)
class _ClusterJob:
    """The claim clusters of some whole narratives (map-style): for each, the totals of
    its clusters so far and the vectors of its new claims, in order."""

    narratives: list[tuple[np.ndarray, np.ndarray]]


def _assign_all(job: _ClusterJob, threshold: float) -> list[tuple[np.ndarray, np.ndarray]]:
    return [assign(totals, vectors, threshold) for totals, vectors in job.narratives]


def _cluster_claims(
    tables: NarrativeTables, block: _Block, narrative: dict[str, int], grouped: Grouped,
    threshold: float, state: _State, mapper: Mapper,
) -> tuple[list[tuple[int, int, np.ndarray | None]], list[tuple[ClaimKey, int]]]:
    """Put the block's claims into the claim clusters of their narratives (the clusters
    of a narrative merged in this block go with it), whole narratives a job on
    ``mapper``, new ids narrative by narrative in id order; (changed clusters: id,
    narrative, total, None for a new cluster of one claim; members: claim, cluster).
    The clusters so far are ``state.totals``' where it keeps them, else read from the
    store; ``state.totals`` then keeps every cluster of the block's narratives."""
    of: dict[int, list[int]] = defaultdict(list)  # narrative -> its claims in the block
    for i, (article, _, _) in enumerate(block.keys):
        of[narrative[article]].append(i)
    order = sorted(of)
    known = _known_clusters(tables, order, grouped, state.totals)
    jobs: list[list[int]] = [[]]
    size = 0
    for n in order:
        if jobs[-1] and size + len(of[n]) > JOB_CLAIMS:
            jobs.append([])
            size = 0
        jobs[-1].append(n)
        size += len(of[n])
    items = [_ClusterJob([(known[n][1], block.vectors[of[n]]) for n in job])
             for job in jobs if job]
    changed: list[tuple[int, int, np.ndarray | None]] = []
    members: list[tuple[ClaimKey, int]] = []
    results = mapper.map(partial(_assign_all, threshold=threshold), items)
    for n, (labels, totals) in zip(order, (r for result in results for r in result),
                                   strict=True):
        ids = list(known[n][0])
        before = len(ids)
        ids += range(state.next_cluster, state.next_cluster + len(totals) - before)
        state.next_cluster += len(totals) - before
        members += [(block.keys[i], ids[label]) for i, label in zip(of[n], labels.tolist(),
                                                                     strict=True)]
        sizes = Counter(labels.tolist())
        changed += [(ids[i], n, totals[i] if i < before or sizes[i] > 1 else None)
                    for i in sorted(sizes)]
        state.totals.put(n, ids, _as_read_back(totals, labels, of[n], before, sizes, block))
    return changed, members


def _as_read_back(totals: np.ndarray, labels: np.ndarray, claims: list[int], before: int,
                  sizes: Counter[int], block: _Block) -> np.ndarray:
    """``totals`` as the store gives them back: a new cluster of one claim is stored
    without a total and read back as its claim's vector, which is the row's value
    (0 + v) but for the sign of a zero (-0.0 read back, +0.0 summed)."""
    singles = [(label, claim) for label, claim in zip(labels.tolist(), claims, strict=True)
               if label >= before and sizes[label] == 1]
    if not singles:
        return totals
    out = totals if totals.flags.writeable else totals.copy()
    out[[label for label, _ in singles]] = block.vectors[[claim for _, claim in singles]]
    return out


def _known_clusters(tables: NarrativeTables, order: list[int], grouped: Grouped,
                    totals: Totals) -> dict[int, Kept]:
    """The clusters so far of each narrative of ``order`` and of the narratives merged
    into it in this block (ids ascending, totals), from ``totals`` where kept, else from
    the store (a narrative created in this block has none).  A narrative merged in this
    block is no longer kept, nor is one that took in a merged one without claims in the
    block."""
    into = {young: old for young, old, _ in grouped.merges}
    sources: dict[int, list[int]] = {n: [n] for n in order}
    for young in into:
        final = young
        while final in into:
            final = into[final]
        if final in sources:
            sources[final].append(young)
        else:  # its clusters went into one the block does not read: keep neither
            totals.drop(final)
            totals.drop(young)
    fresh = set(grouped.created)
    kept: dict[int, Kept] = {}
    read: list[int] = []
    for n in (s for halves in sources.values() for s in halves if s not in fresh):
        found = totals.get(n)
        if found is None:
            read.append(n)
        else:
            kept[n] = found
    stored: dict[int, tuple[list[int], list[np.ndarray]]] = defaultdict(lambda: ([], []))
    for cluster, n, total in tables.clusters(DIM, read) if read else []:
        stored[n][0].append(cluster)
        stored[n][1].append(total)
    for n, (ids, rows) in stored.items():
        kept[n] = (ids, np.stack(rows))
    empty: Kept = ([], np.zeros((0, DIM), np.float32))
    known: dict[int, Kept] = {}
    for n, halves in sources.items():
        parts = [kept.get(s, empty) for s in halves]
        if len(parts) == 1:
            known[n] = parts[0]
            continue
        ids = [c for part in parts for c in part[0]]
        by_id = np.argsort(np.array(ids, dtype=np.int64), kind="stable")
        known[n] = ([ids[i] for i in by_id], np.concatenate([p[1] for p in parts])[by_id])
        for young in halves[1:]:
            totals.drop(young)
    return known


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
