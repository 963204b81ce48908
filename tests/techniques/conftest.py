from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PTC_SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "ptc"


@pytest.fixture
def fixture_ptc() -> Path:
    return FIXTURES / "ptc"


@pytest.fixture
def tiny_model() -> Path:
    return FIXTURES / "tiny_model"


@pytest.fixture
def shared_ptc() -> Path:
    if not (PTC_SHARED / "articles").is_dir():
        pytest.skip(f"PTC corpus not found at {PTC_SHARED} (../shared/data/ptc is not in CI)")
    return PTC_SHARED
