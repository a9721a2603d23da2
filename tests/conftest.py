"""Shared test set-up: where ../shared is, hypothesis profiles, fixture updating, the `slow`
tier, and the shared corpus read, judged by BuildKit and refactored once per test run."""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from codemod.engine import Result

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Property tests draw hundreds of examples each (thousands with the fuzz profile): they
    belong to the slow tier wherever they are written."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.slow)


@dataclass(frozen=True)
class CorpusFile:
    """A file of ../shared/corpus/dev and BuildKit's verdict on it."""

    #: The path under corpus/dev (names alone repeat across its parts).
    name: str
    text: str = field(repr=False)
    #: BuildKit's records; None when BuildKit rejects the file.
    records: list[tuple] | None = field(repr=False)
    #: False when BuildKit parsed the file but the binding cannot hand its values back (a
    #: flag cut inside a multi-byte character): accepted, with no records to compare with.
    judged: bool = True

    @property
    def accepted(self) -> bool:
        return self.records is not None or not self.judged


@dataclass(frozen=True)
class Refactored:
    """One accepted corpus file after all passes: the result, or why there is none."""

    name: str
    text: str = field(repr=False)
    result: Result | None = field(repr=False)
    error: str | None


@dataclass(frozen=True)
class CorpusRefactors:
    files: tuple[Refactored, ...]

    @property
    def results(self) -> dict[str, tuple[str, Result]]:
        """Original text and result by name, for every file the passes got through."""
        return {f.name: (f.text, f.result) for f in self.files if f.result is not None}

    @property
    def errors(self) -> dict[str, str]:
        """Why refactoring failed, by name."""
        return {f.name: f.error for f in self.files if f.error is not None}

    def report(self, limit: int = 10) -> str:
        errors = self.errors
        lines = [f"refactoring failed on {len(errors)} of {len(self.files)} corpus files"]
        lines += [f"{name}: {error}" for name, error in list(errors.items())[:limit]]
        return "\n".join(lines)


def _failure(error: BaseException) -> str:
    """An exception in one line: its type, message and the innermost frame."""
    frame = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    where = f" (at {Path(frame[0].filename).name}:{frame[0].lineno})" if frame else ""
    return f"{type(error).__name__}: {error}{where}"


@pytest.fixture(scope="session")
def corpus_files() -> tuple[CorpusFile, ...]:
    """Every file of ../shared/corpus/dev with BuildKit's verdict, read once per test run."""
    from reference import buildkit

    root = shared("corpus", "dev")
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        name = path.relative_to(root).as_posix()
        try:
            files.append(CorpusFile(name, text, buildkit(text)))
        except UnicodeDecodeError:
            files.append(CorpusFile(name, text, None, judged=False))
    return tuple(files)


@pytest.fixture(scope="session")
def corpus_refactors(corpus_files: tuple[CorpusFile, ...]) -> CorpusRefactors:
    """All passes over every corpus file BuildKit accepts, once per test run.

    Never raises: a file the passes (or our parser) fail on is recorded with the error, and
    the tests that use it say so.
    """
    from codemod.engine import refactor

    done = []
    for file in corpus_files:
        if not file.accepted:
            continue
        try:
            done.append(Refactored(file.name, file.text, refactor(file.text), None))
        except Exception as error:  # noqa: BLE001 - recorded per file, reported by the tests
            done.append(Refactored(file.name, file.text, None, _failure(error)))
    return CorpusRefactors(tuple(done))
