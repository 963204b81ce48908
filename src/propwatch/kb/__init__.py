"""Known-claims knowledge base: importers, aliases, matching and analysts' verdicts."""

from propwatch.kb.importer import ImportSummary, add_alias, import_kb, list_aliases
from propwatch.kb.lookup import search_known_claims
from propwatch.kb.results import (
    MatchSummary,
    claims_by_article,
    list_claims,
    match_new_claims,
    set_verdict,
)

__all__ = [
    "ImportSummary",
    "MatchSummary",
    "add_alias",
    "claims_by_article",
    "import_kb",
    "list_aliases",
    "list_claims",
    "match_new_claims",
    "search_known_claims",
    "set_verdict",
]
