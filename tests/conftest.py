"""Shared test set-up: where ../shared is, hypothesis profiles, fixture updating."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
#: The real-world corpus and BuildKit's parser test files live beside the checkout.
SHARED = Path(os.environ.get("MSB_SHARED", ROOT.parent / "shared"))
FIXTURES = ROOT / "tests" / "fixtures"

# CI runs the same examples every time (a red build must mean a regression, not a new random
# draw); HYPOTHESIS_PROFILE=fuzz explores new ones.
settings.register_profile("ci", max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("fuzz", max_examples=20000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def shared(*parts: str) -> Path:
    """A path under ../shared; the test is skipped (with the reason) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared corpus and BuildKit test files are not beside this checkout")
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        help="rewrite expected.Dockerfile files from the current output (review the diff)",
    )


@pytest.fixture
def update_fixtures(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-fixtures")) or os.environ.get("MSB_UPDATE_FIXTURES") == "1"
