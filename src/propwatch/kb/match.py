"""Match sentences to known claims: hybrid retrieval, then a learned, calibrated decision.

1. Both sides are alias-canonicalised ("Daesh" and "Islamic State" become "ISIS"); links,
   @handles and "#" are dropped from the sentence.
2. Candidates come from two retrievers: BM25 over the SQLite FTS5 index of known claims,
   and cosine similarity of MiniLM sentence embeddings (exact search over an in-memory
   matrix; 100,000 claims x 384 floats is 150 MB and one matrix product per batch).
   Identical known claims filed under several ids are one group; each group appears once.
3. Each (sentence, candidate) pair gets the features in ``FEATURES`` (cosine, its margin to
   the other candidates, ranks in both retrievers, word, name and number overlap, lengths),
   and the shipped match model (``propwatch.claims.matcher``, fit on CheckThat! 2020 train,
   operating points chosen on dev) turns them into P(the sentence makes that claim) and a
   decision: ``match``, ``related`` or ``none``.
4. The best few candidates of a sentence that reaches ``related`` are read again, with the
   sentence, by a cross-encoder (``propwatch.claims.reranker``); only that second stage
   can say ``match`` (``MatchModel.rank``).

Everything a pair's score depends on is the sentence, the candidate and the knowledge base:
not the other sentences of the run (see ``propwatch.claims.encoder`` on batching).
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from propwatch.claims.encoder import DIM, SentenceEncoder, default_encoder
from propwatch.claims.matcher import DECISIONS, MatchModel, default_match_model
from propwatch.kb.aliases import Aliases
from propwatch.kb.importer import current_aliases, refresh_aliases
from propwatch.store.kb import KbTables, StoredClaim

log = logging.getLogger(__name__)

TOP_K = 5
N_DENSE = 30
N_KEYWORD = 30
MAX_QUERY_TERMS = 8
MAX_DF_SHARE = 0.02
CACHE_SIZE = 50_000  # known claims (and keyword queries) an index keeps read per run
DF_KEY = "term_document_frequencies"
FEATURES = (
    "cosine", "cosine_margin", "dense_rank", "keyword_rank", "kb_cover", "query_cover",
    "kb_cover_idf", "query_cover_idf", "names_cover", "has_names", "numbers_missing",
    "length_ratio", "query_words",
)

_STOPWORDS = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours said says say according allegedly claims claimed
    claim reportedly one two new"""
STOPWORDS = frozenset(_STOPWORDS.split())
_TOKEN = re.compile(r"\w+")
_NAME = re.compile(r"\b[A-Z][\w'-]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NOISE = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+|@\w+|#")


def clean_query(text: str) -> str:
    """The sentence without links, @handles and "#" (tweets and pasted posts carry them)."""
    return " ".join(_NOISE.sub(" ", text).split())


def content_words(text: str) -> set[str]:
    words = set()
    for word in _TOKEN.findall(text.casefold()):
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        words.add(_stem(word))
    return words


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def names(text: str) -> set[str]:
    """Capitalised words (people, places, groups), stemmed like content words."""
    out = set()
    for m in _NAME.finditer(text):
        word = m.group().casefold().strip("'-")
        if word not in STOPWORDS and len(word) > 1:
            out.add(_stem(word))
    return out


def keyword_terms(text: str, df: dict[str, int] | None = None, max_df: int = 0,
                  limit: int = 24) -> list[str]:
    """The content words a keyword search looks for (any of them).

    With document frequencies ``df``, only words that occur in the index and in at most
    ``max_df`` known claims are kept, rarest first, at most ``MAX_QUERY_TERMS`` of them: a
    few rare words find the same candidates as all of them, at a fraction of the cost.
    """
    seen: list[str] = []
    for word in _TOKEN.findall(text.casefold()):
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()) or word in seen:
            continue
        seen.append(word)
    if df is not None:
        known = [(df[_stem(w)], w) for w in seen if df.get(_stem(w), 0) > 0]
        rare = [w for d, w in sorted(known) if d <= max_df] or [w for _, w in sorted(known)][:2]
        seen, limit = rare, MAX_QUERY_TERMS
    return seen[:limit]


@dataclass(frozen=True)
class Candidate:
    claim: StoredClaim
    score: float  # calibrated P(the sentence makes this claim)
    decision: str  # "match", "related" or "none"
    features: tuple[float, ...]  # in the order of FEATURES


@dataclass(frozen=True)
class _Words:
    content: set[str]
    names: set[str]
    numbers: set[str]
    weight: float  # summed IDF of ``content`` (fsum: the same whatever the set's order)
    named: set[str]  # content words and names: where a known claim's names are looked for

    @classmethod
    def of(cls, text: str, idf: dict[str, float], default_idf: float) -> _Words:
        content = content_words(text)
        found = names(text)
        return cls(content, found, set(_NUMBER.findall(text)),
                   math.fsum(idf.get(w, default_idf) for w in content), content | found)


class KbIndex:
    """Everything matching needs in memory: aliases, the embedding matrix, the FTS index,
    and, once read, each candidate known claim's row and word statistics and each keyword
    query's hits (candidates recur from sentence to sentence: one read per index, not per
    sentence; see docs/benchmarks.md, "Where `analyze` spends its CPU")."""

    def __init__(self, tables: KbTables, encoder: SentenceEncoder | None = None,
                 model: MatchModel | None = None) -> None:
        self.tables = tables
        self.encoder = encoder or default_encoder()
        self._model = model
        refresh_aliases(tables)
        self.aliases: Aliases = current_aliases(tables)
        embed_missing(tables, self.encoder)
        self.rowids, self.vectors = tables.embeddings(DIM)
        self.position = {int(r): i for i, r in enumerate(self.rowids)}
        self.n_docs, self.df = document_frequencies(tables)
        self.max_df = max(20, int(self.n_docs * MAX_DF_SHARE))
        self.idf = {w: math.log((self.n_docs + 1) / (c + 0.5)) for w, c in self.df.items()}
        self.default_idf = math.log((self.n_docs + 1) / 0.5)
        # per known claim, read on first use and kept for the run (candidates recur)
        self._words: dict[int, _Words] = {}
        self._claims: dict[int, StoredClaim] = {}
        self._keyword: dict[tuple[str, ...], list[tuple[int, float]]] = {}

    def __len__(self) -> int:
        return len(self.rowids)

    @property
    def model(self) -> MatchModel:
        if self._model is None:
            self._model = default_match_model()
        return self._model

    def search(
        self, texts: Sequence[str], top_k: int = TOP_K, min_decision: str = "related"
    ) -> list[list[Candidate]]:
        """The best known claims for each text, best first, one per group, at least
        ``min_decision`` ("match", "related" or "none" for the plain ranking)."""
        if min_decision not in DECISIONS:
            raise ValueError(f"min_decision must be one of {', '.join(DECISIONS)}")
        keep = DECISIONS[: DECISIONS.index(min_decision) + 1]
        return [[c for c in pool if c.decision in keep][:top_k]
                for pool in self.candidates(texts)]

    def candidates(self, texts: Sequence[str]) -> list[list[Candidate]]:
        """Every pooled candidate group of each text, scored, best first."""
        out: list[list[Candidate]] = []
        for text, (pool, rows) in zip(texts, self.pairs(texts), strict=True):
            if not pool:
                out.append([])
                continue
            ranked = self.model.rank(clean_query(text), [c.text for c in pool],
                                     np.asarray(rows, dtype=np.float64), [c.id for c in pool])
            out.append([Candidate(pool[r.index], round(r.probability, 4), r.decision,
                                  tuple(rows[r.index])) for r in ranked])
        return out

    def pairs(self, texts: Sequence[str]) -> list[tuple[list[StoredClaim], list[list[float]]]]:
        """For each text: its candidate groups and their feature rows (``FEATURES``)."""
        if not texts:
            return []
        canonical = [self.aliases.canonicalise(clean_query(t)) for t in texts]
        queries = self.encoder.encode(canonical)
        results = []
        for start in range(0, len(texts), 256):
            sims = queries[start : start + 256] @ self.vectors.T  # for retrieval only
            for offset, row in enumerate(sims):
                i = start + offset
                results.append(self._pairs(canonical[i], queries[i], row))
        return results

    def _pool(self, text: str, sims: np.ndarray) -> tuple[list[int], dict[int, int]]:
        """Row ids from both retrievers, and BM25 ranks by row id."""
        rowids: list[int] = []
        if len(sims):
            n = min(N_DENSE, len(sims))
            rowids += [int(self.rowids[j]) for j in np.argpartition(-sims, n - 1)[:n]]
        keyword = {rowid: rank for rank, (rowid, _) in enumerate(self._fts(
            tuple(keyword_terms(text, self.df, self.max_df))))}
        dense = set(rowids)
        return rowids + [r for r in keyword if r not in dense], keyword

    def _fts(self, terms: tuple[str, ...]) -> list[tuple[int, float]]:
        """BM25 hits of ``terms``, each query run once per index (sentences recur)."""
        hits = self._keyword.get(terms)
        if hits is None:
            if len(self._keyword) >= CACHE_SIZE:
                self._keyword.clear()
            hits = self._keyword[terms] = self.tables.fts_search(terms, N_KEYWORD)
        return hits

    def _stored(self, rowids: Sequence[int]) -> list[StoredClaim]:
        """The known claims of ``rowids`` (those that exist), read once per index."""
        missing = [r for r in rowids if r not in self._claims]
        if missing:
            if len(self._claims) + len(missing) > CACHE_SIZE:
                self._claims.clear()
                missing = list(rowids)
            self._claims.update(self.tables.claims_by_rowid(missing))
        return [self._claims[r] for r in dict.fromkeys(rowids) if r in self._claims]

    def _cosines(self, query: np.ndarray, claims: Sequence[StoredClaim]) -> list[float]:
        """The exact cosine of each claim, one float64 dot product per pair: a batched
        matrix product may round differently with the batch's shape, this does not."""
        q = query.astype(np.float64)
        out = []
        for claim in claims:
            j = self.position.get(claim.rowid)
            out.append(0.0 if j is None else float(np.dot(self.vectors[j].astype(np.float64), q)))
        return out

    def _pairs(self, text: str, query: np.ndarray, sims: np.ndarray
               ) -> tuple[list[StoredClaim], list[list[float]]]:
        rowids, keyword = self._pool(text, sims)
        stored = self._stored(rowids)
        scored = sorted(zip(self._cosines(query, stored), stored, strict=True),
                        key=lambda x: (-x[0], x[1].id))
        pool: list[StoredClaim] = []
        cosines: list[float] = []
        groups: set[str] = set()
        for cosine, claim in scored:  # one per group: its member closest to the text
            if claim.group_key not in groups:
                groups.add(claim.group_key)
                pool.append(claim)
                cosines.append(cosine)
        words = _Words.of(text, self.idf, self.default_idf)
        runner_up = cosines[1] if len(cosines) > 1 else 0.0
        rows = []
        for rank, (claim, cosine) in enumerate(zip(pool, cosines, strict=True)):
            other = runner_up if rank == 0 else cosines[0]  # margin to the best other one
            rows.append(self.features(words, claim, cosine, cosine - other, rank,
                                      keyword.get(claim.rowid)))
        return pool, rows

    def features(self, query: _Words, claim: StoredClaim, cosine: float, margin: float,
                 dense_rank: int, keyword_rank: int | None) -> list[float]:
        """The pair's features, in the order of ``FEATURES``."""
        kb = self._words.get(claim.rowid)
        if kb is None:
            if len(self._words) >= CACHE_SIZE:
                self._words.clear()
            kb = self._words[claim.rowid] = _Words.of(claim.search_text, self.idf,
                                                      self.default_idf)
        shared = query.content & kb.content
        idf = self.idf.get
        default = self.default_idf
        shared_weight = math.fsum(idf(w, default) for w in shared)  # any order: same sum
        kb_total, q_total = kb.weight, query.weight
        found_names = kb.names & query.named
        return [
            cosine,
            margin,
            1.0 / (1 + dense_rank),
            0.0 if keyword_rank is None else 1.0 / (1 + keyword_rank),
            len(shared) / len(kb.content) if kb.content else 0.0,
            len(shared) / len(query.content) if query.content else 0.0,
            shared_weight / kb_total if kb_total else 0.0,
            shared_weight / q_total if q_total else 0.0,
            len(found_names) / len(kb.names) if kb.names else 0.0,
            1.0 if kb.names else 0.0,
            len(kb.numbers - query.numbers) / len(kb.numbers) if kb.numbers else 0.0,
            math.log((1 + len(query.content)) / (1 + len(kb.content))),
            math.log(1 + len(query.content)),
        ]


def document_frequencies(tables: KbTables) -> tuple[int, dict[str, int]]:
    """(number of known claims, content word -> claims containing it), cached in kb_meta."""
    version = tables.data_version()
    cached = tables.meta(DF_KEY)
    if cached:
        data = json.loads(cached)
        if data.get("version") == version:
            return int(data["n"]), {str(k): int(v) for k, v in data["df"].items()}
    df: Counter[str] = Counter()
    n = 0
    for _, text in tables.search_texts():
        df.update(content_words(text))
        n += 1
    tables.set_meta(DF_KEY, json.dumps({"version": version, "n": n, "df": df}))
    return n, dict(df)


def embed_missing(tables: KbTables, encoder: SentenceEncoder, batch: int = 1024) -> int:
    """Embed every known claim that has no embedding yet; returns how many were embedded."""
    total = tables.count_unembedded()
    if not total:
        return 0
    t0, done = time.perf_counter(), 0
    log.info("embedding %d known claims (one-time indexing)", total)
    while True:
        rows = tables.unembedded(batch)
        if not rows:
            break
        vectors = encoder.encode([text for _, text in rows], cache=False)
        tables.save_embeddings([rowid for rowid, _ in rows], vectors)
        done += len(rows)
        log.info("embedded %d/%d known claims (%.0f/s)", done, total,
                 done / (time.perf_counter() - t0))
    return done
