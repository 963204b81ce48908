"""Republication detection: where else a story ran, and who had it first.

Public entry points (called by ``analyze``, export, the report and ``propwatch reuse``):

* :func:`update` fingerprints and indexes articles stored since the last call, finds their
  near-duplicates and partial copies, confirms each exactly and stores the relations;
* :func:`clusters` lists clusters of articles carrying the same story, biggest first, with
  provenance (earliest copy, declared sources, disagreements);
* :func:`reuse_by_article` gives each article its cluster and relations.
"""

from propwatch.reuse.api import Cluster, clusters, refresh, reuse_by_article, to_json
from propwatch.reuse.relations import Thresholds
from propwatch.reuse.update import Settings, UpdateSummary, update

__all__ = [
    "Cluster",
    "Settings",
    "Thresholds",
    "UpdateSummary",
    "clusters",
    "refresh",
    "reuse_by_article",
    "to_json",
    "update",
]
