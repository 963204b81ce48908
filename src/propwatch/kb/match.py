"""Match article claims to known claims: hybrid retrieval, then re-ranking.

1. Both sides are alias-canonicalised ("Daesh" and "Islamic State" become "ISIS").
2. Candidates come from two retrievers: BM25 over the SQLite FTS5 index of known claims,
   and cosine similarity of MiniLM sentence embeddings (exact search over an in-memory
   matrix; 100,000 claims x 384 floats is 150 MB and one matrix product per batch).
3. The union is re-ranked by ``rerank_score``: the embedding cosine plus how much of the
   known claim's content words the sentence covers (a claim restated with the same names,
   places and numbers scores higher than a sentence that is merely on the same topic).
4. Identical known claims filed under several ids are one group; each group appears once.

Only candidates scoring at least ``MIN_SCORE`` are kept (chosen on the evaluation set in
bench/claims_eval.py to keep false matches on unrelated sentences under 5%).
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

import numpy as np

from propwatch.claims.encoder import DIM, SentenceEncoder, default_encoder
from propwatch.kb.aliases import Aliases
from propwatch.kb.importer import current_aliases, refresh_aliases
from propwatch.store.kb import KbTables, StoredClaim

log = logging.getLogger(__name__)

MIN_SCORE = 0.6
TOP_K = 5
N_DENSE = 30
N_KEYWORD = 30
W_COSINE = 0.7
W_LEXICAL = 0.3
USE_IDF = False  # IDF-weighted coverage measured no better (docs/benchmarks.md)
MAX_QUERY_TERMS = 8
MAX_DF_SHARE = 0.02
DF_KEY = "term_document_frequencies"

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


def content_words(text: str) -> set[str]:
    words = set()
    for word in _TOKEN.findall(text.casefold()):
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        words.add(_stem(word))
    return words


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def fts_query(text: str, df: dict[str, int] | None = None, max_df: int = 0,
              limit: int = 24) -> str:
    """An OR query of the content words (FTS5 syntax, every term quoted).

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
    return " OR ".join(f'"{w}"' for w in seen[:limit])


def rerank_score(cosine: float, lexical: float) -> float:
    return W_COSINE * cosine + W_LEXICAL * lexical


@dataclass(frozen=True)
class Candidate:
    claim: StoredClaim
    score: float
    cosine: float
    lexical: float
    keyword_rank: int | None


class KbIndex:
    """Everything matching needs in memory: aliases, the embedding matrix, the FTS index."""

    def __init__(self, tables: KbTables, encoder: SentenceEncoder | None = None) -> None:
        self.tables = tables
        self.encoder = encoder or default_encoder()
        refresh_aliases(tables)
        self.aliases: Aliases = current_aliases(tables)
        embed_missing(tables, self.encoder)
        self.rowids, self.vectors = tables.embeddings(DIM)
        self.position = {int(r): i for i, r in enumerate(self.rowids)}
        self.n_docs, self.df = document_frequencies(tables)
        self.max_df = max(20, int(self.n_docs * MAX_DF_SHARE))
        self.idf = {w: math.log((self.n_docs + 1) / (c + 0.5)) for w, c in self.df.items()}
        self.idf[""] = math.log((self.n_docs + 1) / 0.5)

    def __len__(self) -> int:
        return len(self.rowids)

    def search(
        self, texts: Sequence[str], top_k: int = TOP_K, min_score: float = MIN_SCORE
    ) -> list[list[Candidate]]:
        """The best known claims for each text, best first, one per group."""
        if not texts:
            return []
        canonical = [self.aliases.canonicalise(t) for t in texts]
        queries = self.encoder.encode(canonical)
        results: list[list[Candidate]] = []
        for start in range(0, len(texts), 256):
            sims = queries[start : start + 256] @ self.vectors.T
            for offset, row in enumerate(sims):
                i = start + offset
                results.append(self._rank(canonical[i], row, top_k, min_score))
        return results

    def _rank(
        self, text: str, sims: np.ndarray, top_k: int, min_score: float
    ) -> list[Candidate]:
        pool: dict[int, int | None] = {}
        if len(sims):
            n = min(N_DENSE, len(sims))
            top = np.argpartition(-sims, n - 1)[:n]
            for j in top:
                pool[int(self.rowids[j])] = None
        for rank, (rowid, _) in enumerate(self.tables.fts_search(
                fts_query(text, self.df, self.max_df), N_KEYWORD)):
            pool[rowid] = rank
        if not pool:
            return []
        stored = self.tables.claims_by_rowid(list(pool))
        words = content_words(text)
        scored: list[Candidate] = []
        for rowid, claim in stored.items():
            j = self.position.get(rowid)
            cosine = float(sims[j]) if j is not None else 0.0
            lexical = self.coverage(words, content_words(claim.search_text))
            score = rerank_score(cosine, lexical)
            scored.append(Candidate(claim, score, cosine, lexical, pool[rowid]))
        scored.sort(key=lambda c: (-c.score, c.claim.id))
        best: list[Candidate] = []
        groups: set[str] = set()
        for cand in scored:
            if cand.claim.group_key in groups:
                continue
            groups.add(cand.claim.group_key)
            if cand.score >= min_score:
                best.append(cand)
            if len(best) == top_k:
                break
        return best


    def coverage(self, words: set[str], kb_words: set[str]) -> float:
        """The IDF-weighted share of the known claim's content words the sentence contains."""
        if not kb_words:
            return 0.0
        if not USE_IDF:
            return len(words & kb_words) / len(kb_words)
        default = self.idf.get("", 1.0)
        total = sum(self.idf.get(w, default) for w in kb_words)
        return sum(self.idf.get(w, default) for w in kb_words & words) / total


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
        vectors = encoder.encode([text for _, text in rows], batch_size=128)
        tables.save_embeddings([rowid for rowid, _ in rows], vectors)
        done += len(rows)
        log.info("embedded %d/%d known claims (%.0f/s)", done, total,
                 done / (time.perf_counter() - t0))
    return done
