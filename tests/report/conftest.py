"""``pytest --update-golden`` rewrites the golden reports instead of comparing against them."""

from __future__ import annotations

import pytest


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    # The option is registered in tests/conftest.py so it works from the repository root.
    return bool(request.config.getoption("--update-golden", default=False))
