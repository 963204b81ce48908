"""The claim clusters of the narratives an update has touched, kept in memory from block
to block so that a block reads from the store only the clusters of narratives it has not
kept.

For each kept narrative: its clusters' ids (ascending) and their totals, the values the
store would give back (a cluster of one claim: its claim's stored vector as float32; of
more: the float32 sum), so that a block grouped with kept totals is the block grouped with
totals read back.  At most
``budget`` bytes of totals are kept: past it, the narratives used least recently are
dropped (read from the store again if a later block needs them).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

# bytes of totals kept (256 MiB: ~170,000 clusters of 384 float32); 1 GiB measured the
# same per-block growth with 850 MB more memory (task 13i)
BUDGET = 1 << 28

Kept = tuple[list[int], np.ndarray]  # cluster ids (ascending), their totals (rows)


class Totals:
    def __init__(self, budget: int | None = None) -> None:
        self.budget = BUDGET if budget is None else budget
        self.size = 0  # bytes of totals kept
        self._kept: OrderedDict[int, Kept] = OrderedDict()

    def __contains__(self, narrative: int) -> bool:
        return narrative in self._kept

    def get(self, narrative: int) -> Kept | None:
        """The kept clusters of ``narrative`` (now the most recently used), or None."""
        kept = self._kept.get(narrative)
        if kept is not None:
            self._kept.move_to_end(narrative)
        return kept

    def put(self, narrative: int, ids: list[int], totals: np.ndarray) -> None:
        """Keep every cluster of ``narrative`` (ids ascending, a row of ``totals`` each)."""
        self.drop(narrative)
        self._kept[narrative] = (ids, totals)
        self.size += totals.nbytes
        while self.size > self.budget and self._kept:
            _, (_, old) = self._kept.popitem(last=False)
            self.size -= old.nbytes

    def drop(self, narrative: int) -> None:
        kept = self._kept.pop(narrative, None)
        if kept is not None:
            self.size -= kept[1].nbytes
