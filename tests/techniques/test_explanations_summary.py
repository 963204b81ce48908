from __future__ import annotations

from propwatch.model import Span
from propwatch.techniques.explanations import EXPLANATIONS, explanation, explanations_json
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.summary import fallback_sentences, summarise


def test_every_technique_is_explained() -> None:
    assert set(EXPLANATIONS) == set(TECHNIQUES)
    for tech in TECHNIQUES:
        e = explanation(tech)
        assert e.name and len(e.definition) > 40 and e.example and e.check.endswith("?")
    data = explanations_json()
    assert set(data["Doubt"]) == {"name", "definition", "example", "check"}
    data["Doubt"]["name"] = "changed"
    assert EXPLANATIONS["Doubt"]["name"] != "changed"


def test_summary_counts_sentences_and_techniques() -> None:
    text = "Title here\n\nThe evil gang won. Nothing else happened! Really? Yes."
    sents = fallback_sentences(text)
    assert [text[s.start : s.end] for s in sents] == [
        "Title here",
        "The evil gang won.",
        "Nothing else happened!",
        "Really?",
        "Yes.",
    ]
    techs = [
        Span(16, 20, "Loaded_Language"),
        Span(16, 25, "Name_Calling,Labeling"),
        Span(62, 65, "Doubt"),
    ]
    summ = summarise(sents, techs)
    assert summ.n_sentences == 5 and summ.n_sentences_with_technique == 2
    assert summ.share_sentences_with_technique == 0.4
    assert summ.counts == {"Loaded_Language": 1, "Name_Calling,Labeling": 1, "Doubt": 1}
