"""The line labeller's model code on tiny hand-made networks, and the shipped model's file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import ModelError
from propwatch.extract.decode import BodyRule
from propwatch.extract.gaps import GAP_FEATURES
from propwatch.extract.labeller import (
    LABELS,
    Labeller,
    Net,
    load_labeller,
    mean_of_members,
    stage2_features,
)
from propwatch.extract.lines import FEATURES, unit_features
from propwatch.extract.titles import TITLE_FEATURES
from propwatch.extract.units import make_units, split_lines


def tiny_net(inputs: int, outputs: int, seed: int = 0) -> Net:
    rng = np.random.default_rng(seed)
    return Net(
        mean=rng.normal(size=inputs),
        scale=rng.uniform(0.5, 2.0, size=inputs),
        weights=(rng.normal(size=(inputs, 4)), rng.normal(size=(4, outputs))),
        biases=(rng.normal(size=4), rng.normal(size=outputs)),
    )


def test_net_is_a_relu_layer_then_softmax() -> None:
    net = tiny_net(3, 2)
    x = np.array([[0.5, -1.0, 2.0]])
    h = np.maximum(((x - net.mean) / net.scale) @ net.weights[0] + net.biases[0], 0)
    out = h @ net.weights[1] + net.biases[1]
    expected = np.exp(out) / np.exp(out).sum()
    assert np.allclose(net.proba(x), expected)
    assert np.allclose(net.proba(x).sum(axis=1), 1.0)


def test_one_output_is_a_logistic_probability() -> None:
    net = tiny_net(3, 1)
    p = net.proba(np.zeros((5, 3)))
    assert p.shape == (5, 1)
    assert ((p > 0) & (p < 1)).all()


def _labeller() -> Labeller:
    n, k = len(FEATURES), len(LABELS)
    s2 = n + k * 5 + 4
    members = ((tiny_net(n, k, 1), tiny_net(s2, k, 2)), (tiny_net(n, k, 4), tiny_net(s2, k, 5)))
    return Labeller(members, tiny_net(len(GAP_FEATURES), 1, 3), 0.5, BodyRule(0.4, 0.05, 0.1, True))


def test_save_and_load_give_the_same_labels(tmp_path: Path) -> None:
    units = make_units(
        split_lines("A Headline Here\n\nBy Jane Roe\n\n" + "Body words go on. " * 20)
    )
    x = unit_features(units)
    model = _labeller()
    model.save(tmp_path / "m.npz")
    again = load_labeller(tmp_path / "m.npz")
    p1, p2 = model.label(x), again.label(x)
    assert np.allclose(p1, p2) and p1.shape == (len(units), len(LABELS))
    rows = np.random.default_rng(4).normal(size=(3, len(GAP_FEATURES)))
    assert np.allclose(model.joins(rows), again.joins(rows)) and model.joins(rows).shape == (3,)
    assert again.body == BodyRule(0.4, 0.05, 0.1, True) and again.join_threshold == 0.5


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    _labeller().save(path)
    data = dict(np.load(path))
    data["features"] = np.array(FEATURES[:-1])
    np.savez(path, **data)
    with pytest.raises(ModelError, match="refit"):
        load_labeller(path)


def test_a_missing_model_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="reinstall"):
        load_labeller(tmp_path / "absent.npz")


def test_stage2_windows_cover_each_label() -> None:
    p = np.eye(len(LABELS))[[3, 3, 5, 3]]
    x = np.zeros((4, 2))
    out = stage2_features(x, p)
    assert out.shape == (4, 2 + len(LABELS) * 5 + 4)


def test_shipped_model_loads_and_labels_an_empty_page() -> None:
    model = load_labeller()
    p = model.label(np.zeros((0, len(FEATURES))))
    assert p.shape == (0, len(LABELS)) and model.joins(np.zeros((0, len(GAP_FEATURES)))).shape == (
        0,
    )


def test_labels_are_the_geometric_mean_of_the_members() -> None:
    model = _labeller()
    x = np.random.default_rng(7).normal(size=(6, len(FEATURES)))
    each = [s2.proba(stage2_features(x, s1.proba(x))) for s1, s2 in model.stages]
    geo = np.sqrt(np.clip(each[0], 1e-12, 1) * np.clip(each[1], 1e-12, 1))
    assert np.allclose(model.label(x), geo / geo.sum(axis=1, keepdims=True))
    assert not np.allclose(each[0], each[1])


def test_a_label_one_member_rules_out_stays_unlikely() -> None:
    sure, unsure = np.array([[0.001, 0.999]]), np.array([[0.5, 0.5]])
    assert mean_of_members([sure, unsure])[0, 0] < 0.05


def test_a_model_from_before_the_body_rule_keeps_its_threshold(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    _labeller().save(path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    for key in ("body_between", "body_after", "threadless_comments"):
        del arrays[key]
    np.savez(path, **arrays)
    assert load_labeller.__wrapped__(path).body == BodyRule(0.4)


def test_a_title_network_is_saved_and_loaded_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    base = _labeller()
    assert base.titles(np.zeros((2, len(TITLE_FEATURES)))) is None  # no title network
    model = Labeller(base.stages, base.join, 0.5, base.body, tiny_net(len(TITLE_FEATURES), 1, 8))
    model.save(path)
    rows = np.random.default_rng(9).normal(size=(4, len(TITLE_FEATURES)))
    scores = load_labeller(path).titles(rows)
    assert scores is not None and np.allclose(scores, model.titles(rows))
    data = dict(np.load(path))
    data["title_features"] = np.array(TITLE_FEATURES[:-1])
    np.savez(path, **data)
    load_labeller.cache_clear()
    with pytest.raises(ModelError, match="title network"):
        load_labeller(path)
