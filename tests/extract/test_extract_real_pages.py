"""A small sample of the real pages of ../shared/data/extraction-eval (the full set is scored
by bench/extract_html_eval.py): extraction never raises on them and keeps every snippet of
article text that trafilatura alone finds."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import trafilatura

from propwatch.extract import extract
from propwatch.ingest.decode import decode
from propwatch.model import RawDocument, Rejected

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "extraction-eval"
SAMPLE = 24  # every 40th page of the set


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.skipif(not (DATA / "gold.json").exists(), reason=f"{DATA} is not there")
def test_real_pages_keep_what_trafilatura_finds() -> None:
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    names = sorted(gold)[::40][:SAMPLE]
    for name in names:
        html = decode(gzip.decompress((DATA / "pages" / name).read_bytes()), name).text
        url = gold[name]["url"]
        result = extract(RawDocument(name, html, "html", meta={"url": url}))
        baseline = _flat(trafilatura.extract(html, url=url, include_comments=False) or "")
        if isinstance(result, Rejected):
            assert result.kind == "stub" and len(baseline.split()) < 60, (name, result)
            continue
        ours = _flat("\n\n".join(article.text for article in result))
        for snippet in map(_flat, gold[name]["with"]):
            if snippet in baseline:
                assert snippet in ours, (name, snippet)
