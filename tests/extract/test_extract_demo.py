"""The demo corpus (demo/corpus, written by the project) extracts as intended."""

import json

import pytest
from extract_helpers import DEMO, assert_maps_back

from propwatch.extract import RecurringLines, extract
from propwatch.model import Extracted, RawDocument, Rejected


def load() -> list[RawDocument]:
    docs = []
    for path in sorted(DEMO.rglob("*")):
        if path.suffix in (".txt", ".html"):
            kind = "html" if path.suffix == ".html" else "text"
            docs.append(RawDocument(str(path), path.read_text(encoding="utf-8"), kind))
        elif path.suffix == ".jsonl":
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                obj = json.loads(line)
                meta = {
                    k: obj[k] for k in ("title", "url", "outlet", "published", "author") if k in obj
                }
                docs.append(RawDocument(str(path), obj["text"], "text", line=n, meta=meta))
    return docs


@pytest.mark.xfail(
    strict=True,
    reason="join model: demo scroll page stays one article (test captures: 98/200 split right)",
)
def test_demo_corpus() -> None:
    docs = load()
    recurring = RecurringLines.from_documents(docs)
    results = {doc.where.removeprefix(str(DEMO) + "/"): extract(doc, recurring) for doc in docs}
    blocked = results.pop("blocked-page.txt")
    assert isinstance(blocked, Rejected) and blocked.kind == "captcha"
    articles: dict[str, list[Extracted]] = {}
    for where, result in results.items():
        assert isinstance(result, list), (where, result)
        articles[where] = result
    assert sum(len(a) for a in articles.values()) == 13
    for doc in docs:
        for art in articles.get(doc.where.removeprefix(str(DEMO) + "/"), []):
            assert_maps_back(doc.text, art)
            for chrome in (
                "Share",
                "Support",
                "©",
                "Related",
                "newsletter",
                "views",
                "Truth without",
            ):
                assert chrome not in art.text, (doc.where, chrome)
    copy = articles["sovereign-horizon/republished-orlen.txt"][0]
    original = articles["patriot-dispatch/orlen-saboteurs.txt"][0]
    assert copy.title == original.title == "Compact Saboteurs Caught Red-Handed at Orlen Dam"
    assert copy.declared_source == "Patriot Dispatch"
    assert copy.text.partition("\n\n")[2] in original.text
    ledger = articles["northern-ledger/2026-03-02-orlen-dam-inspection.txt"][0]
    assert (ledger.author, ledger.published, ledger.outlet) == (
        "Marta Kovis",
        "2026-03-02",
        "The Northern Ledger",
    )
