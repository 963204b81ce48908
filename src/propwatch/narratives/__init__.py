"""Narratives: which stories run through a corpus (claims grouped by meaning).

``build.update`` embeds and assigns new claims (online, ids stable); ``view.narratives``
reads them back for an analyst.  The grouping itself is ``grouping.Grouping``.
"""

from propwatch.narratives.build import Settings, UpdateSummary, update
from propwatch.narratives.grouping import Thresholds
from propwatch.narratives.view import Narrative, narratives, parse_id

__all__ = ["Narrative", "Settings", "Thresholds", "UpdateSummary", "narratives", "parse_id",
           "update"]
