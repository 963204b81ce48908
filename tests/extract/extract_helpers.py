"""Helpers for the extract tests."""

from __future__ import annotations

from pathlib import Path

from propwatch.model import Extracted, RawDocument, Rejected

DEMO = Path(__file__).resolve().parents[2] / "demo" / "corpus"


def assert_maps_back(raw: str, article: Extracted) -> None:
    """Every mapped character of the clean text is the same character in the raw input."""
    for i, char in enumerate(article.text):
        j = article.offsets.to_raw(i)
        if j is not None:
            assert raw[j] == char, (i, j, char, raw[j])


def extract_maps_back(raw: str, kind: str) -> list[Extracted] | Rejected:
    """``extract`` of ``raw`` as ``kind``, checking that every article maps back to it."""
    from propwatch.extract import extract

    result = extract(RawDocument("page." + kind, raw, kind))
    if isinstance(result, list):
        for article in result:
            assert_maps_back(raw, article)
    return result


def text_doc(text: str, source: str = "site/page.txt", **meta: str) -> RawDocument:
    return RawDocument(source, text, "text", meta=meta)
