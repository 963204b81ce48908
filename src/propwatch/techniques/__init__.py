"""Span-level propaganda technique tagging (the 14 techniques of SemEval-2020 Task 11)."""

from propwatch.techniques.labels import TECHNIQUES

__all__ = ["TECHNIQUES"]
