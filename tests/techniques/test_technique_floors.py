"""Balanced profile: per-technique confidence floors chosen for FLC F1 on validation."""

from __future__ import annotations

import numpy as np

from propwatch.model import Span
from propwatch.techniques.evidence import TOKEN, Candidate
from propwatch.techniques.profiles import choose_technique_floors


def _cand(start: int, end: int, tech: str) -> Candidate:
    return Candidate(start, end, tech, raw=0.5, head=0.5, source=TOKEN)


def test_floor_drops_low_confidence_wrong_spans_of_a_well_supported_technique() -> None:
    texts = {"a": "x" * 400}
    gold = {"a": [Span(i * 40, i * 40 + 5, "Loaded_Language") for i in range(8)]
            + [Span(390, 395, "Doubt")]}
    rows: list[tuple[str, Candidate]] = []
    conf: list[float] = []
    for i in range(8):
        rows.append(("a", _cand(i * 40, i * 40 + 5, "Loaded_Language")))
        conf.append(0.8)  # right, confident
        rows.append(("a", _cand(i * 40 + 20, i * 40 + 25, "Loaded_Language")))
        conf.append(0.1)  # wrong, unsure
    rows.append(("a", _cand(300, 305, "Doubt")))  # wrong, but Doubt has 1 gold span only
    conf.append(0.05)
    floors, flc = choose_technique_floors(texts, gold, rows, np.asarray(conf))
    assert 0.1 < floors["Loaded_Language"] <= 0.8
    assert "Doubt" not in floors  # too few validation spans for a floor of its own
    assert flc.n_pred == 9  # the 8 right spans and the unfloored Doubt span


def test_no_floor_when_every_span_is_right() -> None:
    texts = {"a": "x" * 400}
    gold = {"a": [Span(i * 40, i * 40 + 5, "Name_Calling,Labeling") for i in range(8)]}
    rows = [("a", _cand(i * 40, i * 40 + 5, "Name_Calling,Labeling")) for i in range(8)]
    floors, flc = choose_technique_floors(texts, gold, rows, np.linspace(0.1, 0.9, 8))
    assert floors == {}
    assert flc.f1 == 1.0
