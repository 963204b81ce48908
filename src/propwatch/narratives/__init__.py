"""Narratives: which stories run through a corpus (articles grouped by their claims).

``build.update`` embeds new claims and groups new articles (incremental, ids stable, merges
and rebuilds recorded); ``view.narratives`` reads them back for an analyst.  The grouping
of articles is ``grouping.group``; claim clusters inside narratives are
``claim_clusters.ClaimClusters``; what articles are compared by is ``features``.
"""

from propwatch.narratives.build import Settings, UpdateSummary, update
from propwatch.narratives.grouping import Thresholds
from propwatch.narratives.view import Narrative, narratives, parse_id

__all__ = ["Narrative", "Settings", "Thresholds", "UpdateSummary", "narratives", "parse_id",
           "update"]
