"""Fixtures of the leaderboard tests."""
from __future__ import annotations

import pytest

from lb_records import make_record
from robustir.leaderboards.schema import Record
from robustir.leaderboards.suite import Suite, load_suite


@pytest.fixture(scope="session")
def suite_v1() -> Suite:
    return load_suite("v1")


@pytest.fixture(scope="session")
def suite_v2() -> Suite:
    return load_suite("v2")


@pytest.fixture(scope="session")
def suite_v3() -> Suite:
    return load_suite("v3")


@pytest.fixture()
def record_factory(suite_v1):
    def factory(name: str, **kw) -> Record:
        return make_record(name, kw.pop("suite", suite_v1), **kw)

    return factory
