from __future__ import annotations

import numpy as np

from propwatch.claims.encoder import DIM, default_encoder


def test_embeddings_are_unit_vectors_in_input_order() -> None:
    enc = default_encoder()
    texts = ["The US-led coalition helped ISIS fighters escape.",
             "Heavy rain flooded the streets.",
             "American forces let Islamic State fighters leave the city."]
    vectors = enc.encode(texts)
    assert vectors.shape == (3, DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    sims = vectors @ vectors.T
    assert sims[0, 2] > sims[0, 1] + 0.2
    assert enc.encode([]).shape == (0, DIM)
    again = enc.encode(list(reversed(texts)))
    assert np.allclose(again[::-1], vectors, atol=1e-5)
