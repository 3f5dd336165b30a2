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


def pytest_configure(config: pytest.Config) -> None:
    """One private ROBUSTIR_HOME per test session: nothing leaks into the user's cache,
    and no test can reach a hub (HF_HUB_OFFLINE)."""
    import tempfile

    home = tempfile.mkdtemp(prefix="robustir-test-home-")
    config._robustir_home = home  # type: ignore[attr-defined]  # removed in pytest_unconfigure
    os.environ["ROBUSTIR_HOME"] = home
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's private cache (encodings, attacked sets) when the run ends."""
    import shutil

    home = getattr(config, "_robustir_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)
