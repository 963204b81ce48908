from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests need the shared data beside the checkout")
    return path


@pytest.fixture
def shared() -> Callable[..., Path]:
    """``shared("samples", "seeds")``: a path under ../shared, or skip saying it is absent."""
    return shared_path


@pytest.fixture
def demo_corpus() -> Path:
    return ROOT / "demo" / "corpus"
