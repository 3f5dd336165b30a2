"""Shared fixtures. Real data lives in ../shared/data (see its README).

Tests that need it skip when it is absent, except under CI=true, where absence fails.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("ROBUSTIR_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _require(path: Path) -> Path:
    if path.exists():
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"real data missing under CI=true: {path}")
    pytest.skip(f"real data not available: {path}")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip (fail under CI=true)."""
    return _require(SHARED_DATA)


@pytest.fixture(scope="session")
def xquad_dir(shared_data: Path) -> Path:
    return _require(shared_data / "xquad-r")


@pytest.fixture(scope="session")
def resources_dir(shared_data: Path) -> Path:
    return _require(shared_data / "resources")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own ROBUSTIR_HOME so nothing leaks into the user's cache."""
    monkeypatch.setenv("ROBUSTIR_HOME", str(tmp_path_factory.mktemp("robustir-home")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
