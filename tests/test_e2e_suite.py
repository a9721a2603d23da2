"""The passes on small real applications (corpus/e2e/python-pip, node-npm, go-build), built for
real: ``msb-refactor verify`` builds the original and the refactored image with buildah, compares
configuration, files and the smoke command's output, and rebuilds both after a source edit.

The base images are stand-ins made from Debian's packages (``tests/e2e/standins.py``), not the
Docker Hub images: sizes measured here are not Docker Hub sizes.

The first tests run in a second and check what the passes make of the samples (which passes
change which sample, and that the dependency install ends up before the source COPY); the rest
are marked ``realbuild`` and ``slow``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codemod.passes import REGISTRY
from conftest import ROOT
from e2e.harness import refactored as _refactored, require_real_builds, run_step, verify_report

E2E = ROOT / "corpus" / "e2e"


@dataclass(frozen=True)
class Sample:
    name: str
    #: The stand-in image the Dockerfile starts FROM.
    image: str
    #: The source file a developer edits (never a manifest).
    touch: str
    #: The passes that change the Dockerfile (each is verified alone too).
    passes: tuple[str, ...]
    #: The dependency install: the RUN that starts with this, in the original and as refactored.
    install: str
    refactored_install: str

    @property
    def dir(self) -> Path:
        return E2E / self.name

    @property
    def dockerfile(self) -> Path:
        return self.dir / "Dockerfile"


SAMPLES = {
    s.name: s
    for s in (
        Sample("python-pip", "localhost/python:3.11", "app.py", ("order-copies", "merge-runs"), "pip install", "pip install"),
        Sample("node-npm", "localhost/node:18", "index.js", ("order-copies",), "npm ci", "npm ci"),
        Sample("go-build", "localhost/golang:1.19", "main.go", ("order-copies",), "go build", "go mod download"),
        # `go mod tidy` between the sources and the build stays there; the prefetch comes first.
        Sample("go-tidy", "localhost/golang:1.19", "main.go", ("order-copies",), "go build", "go mod download"),
        # A RUN between the source COPY and the install stays after the sources (chmod of a
        # source file), and the install's own `cd` goes with it.
        Sample("node-npm-cd", "localhost/node:18", "index.js", ("order-copies",), "cd /app && npm ci", "cd /app && npm ci"),
        # The sources copied with --chown to the directory the WORKDIR after them names, and the
        # install run as that user: the manifests' COPY, with the same --chown, makes the
        # directory before the WORKDIR (which would make it as root), so its owner stays.
        Sample("node-npm-chown", "localhost/node:18", "index.js", ("order-copies",), "npm ci", "npm ci"),
    )
}

#: (sample, pass or None for all of them): every verification the suite runs.
RUNS = [(s.name, None) for s in SAMPLES.values()] + [(s.name, p) for s in SAMPLES.values() for p in s.passes]







# --- what the passes make of the samples (fast) -------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_the_passes_that_change_each_sample(name: str) -> None:
    sample = SAMPLES[name]
    original = sample.dockerfile.read_text()
    assert original.splitlines()[0] == f"FROM {sample.image}"
    changing = sorted(p.name for p in REGISTRY if refactored(sample, p.name)[0] != original)
    assert changing == sorted(sample.passes)
    text, passes = refactored(sample)
    assert passes == sorted(sample.passes)
    # order-copies: the install now runs before the sources are copied, after its manifests
    lines = text.splitlines()
    source_copy = _source_copy(lines)
    install = next(i for i, line in enumerate(lines) if line.startswith(f"RUN {sample.refactored_install}"))
    assert install < source_copy
    assert any(line.startswith("COPY ") and i < install for i, line in enumerate(lines))
    assert sample.touch not in " ".join(lines[:source_copy])  # the edited file comes in after the install
    before, _ = run_step(original, sample.install)
    assert _source_copy(original.splitlines()) < before - 1


def _source_copy(lines: list[str]) -> int:
    """The index of the COPY that brings the sources (``COPY . .``, ``COPY --chown=u:g . /dir``)."""
    return next(i for i, line in enumerate(lines) if re.match(r"COPY (--\S+ )*\. ", line))


def test_install_step_counts_as_buildah_does() -> None:
    text = "FROM x\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci && npm test\nCOPY . .\nCMD [\"node\"]\n"
    assert run_step(text, "npm ci") == (4, 6)
    with pytest.raises(AssertionError, match="no RUN"):
        run_step(text, "pip install")


# --- real builds --------------------------------------------------------------------------------





@pytest.fixture(scope="module")
def store() -> Path:
    """The store holding the Debian base and the stand-ins, each made once per store."""
    require_real_builds()
    from e2e.base import ensure_base
    from e2e.standins import ensure_standin

    start = time.monotonic()
    where, _ = ensure_base()
    for sample in SAMPLES.values():
        image_id, seconds = ensure_standin(sample.image)
        print(f"{sample.image}: {image_id[:12]} ({f'built in {seconds:.1f} s' if seconds else 'current'})")
    print(f"base and stand-ins ready in {time.monotonic() - start:.1f} s")
    return where





def _row(sample: Sample, only: str | None, report: dict[str, Any]) -> str:
    o, r = report["builds"]["original"], report["builds"]["refactored"]
    ro, rr = report["rebuilds"]["original"], report["rebuilds"]["refactored"]
    return (
        f"| {sample.name} ({only or 'all passes'}) | {o['size'] / 1e6:.0f} MB -> {r['size'] / 1e6:.0f} MB"
        f" | {report['behaviour']['result']} | {'same' if not report['config']['differences'] else 'DIFFERENT'}"
        f" | {ro['cached_steps']}/{ro['steps']} -> {rr['cached_steps']}/{rr['steps']}"
        f" | build {o['seconds']:.1f} / {r['seconds']:.1f} s, rebuild {ro['seconds']:.1f} / {rr['seconds']:.1f} s |"
    )


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize(("name", "only"), RUNS, ids=[f"{n}-{p or 'all'}" for n, p in RUNS])
def test_refactoring_builds_the_same_image(store: Path, name: str, only: str | None) -> None:
    sample = SAMPLES[name]
    select_args = ["--select", only] if only else []
    code, report = verify(store, sample, "--smoke", "", "--touch", sample.touch, *select_args)
    shown = {key: report.get(key) for key in ("verdict", "behaviour", "config", "rebuilds")}
    # a build that failed has no row to print: say which one, with verify's verdict
    for side in ("original", "refactored"):
        assert report["builds"].get(side, {}).get("ok"), f"the {side} image did not build: {report['verdict']}"
    print(_row(sample, only, report))
    assert code == 0, json.dumps(shown, indent=1)
    assert report["verdict"].startswith("SAME")
    # the passes verify ran are the ones asked for, and they changed the file
    changed = sorted({line.split()[1] for line in report["changes"]})
    assert changed == ([only] if only else sorted(sample.passes))

    expected = (sample.dir / "expected-output.txt").read_text()
    behaviour = report["behaviour"]
    assert behaviour["result"] == "same"
    for side in ("original", "refactored"):
        assert behaviour[side] == {"state": "exited", "status": 0, "stdout": expected, "stderr": ""}
        assert report["builds"][side]["ok"] and report["rebuilds"][side]["ok"]
    assert report["config"]["differences"] == {}
    files = report["files"]
    assert (files["added"], files["removed"], files["changed"]) == ([], [], {})
    assert files["compared"] > 1000
    # of the caches and logs, only apt's package lists may go (merge-runs' review change) and
    # npm's debug logs (named by the time of the install: each build writes another name)
    assert all(re.match(r"/var/lib/apt/lists/|/root/\.npm/_logs/|/home/[^/]+/\.npm/_logs/", path) for path in files["caches_removed"])
    if "merge-runs" in changed:
        assert files["caches_removed"]
    original_size, refactored_size = report["builds"]["original"]["size"], report["builds"]["refactored"]["size"]
    assert refactored_size <= original_size * 1.01

    # after a source edit: buildah takes steps from the cache in order until the first that
    # changed, so the install came from the cache exactly when the cached steps reach it (the
    # FROM step is never counted as cached)
    original_text = sample.dockerfile.read_text()
    refactored_text, _ = refactored(sample, only)
    before, before_steps = run_step(original_text, sample.install)
    after, after_steps = run_step(refactored_text, sample.refactored_install)
    rebuilt_original, rebuilt_refactored = report["rebuilds"]["original"], report["rebuilds"]["refactored"]
    assert (rebuilt_original["file"], rebuilt_refactored["file"]) == (sample.touch, sample.touch)
    assert (rebuilt_original["steps"], rebuilt_refactored["steps"]) == (before_steps, after_steps)
    assert rebuilt_original["cached_steps"] < before - 1, "the original's install came from the cache after a source edit"
    if "order-copies" in changed:
        assert rebuilt_refactored["cached_steps"] >= after - 1, "the refactored install was run again after a source edit"
        assert rebuilt_refactored["cached_steps"] > rebuilt_original["cached_steps"]
    else:
        assert rebuilt_refactored["cached_steps"] < after - 1  # the install still follows COPY . .


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize(
    ("name", "broken", "step"),
    [
        ("node-npm", "broken-install-first.Dockerfile", 'RUN npm ci'),
        ("python-pip", "broken-lists.Dockerfile", 'RUN apt-get install -y --no-install-recommends jq'),
    ],
)
def test_broken_refactoring_is_a_difference(store: Path, name: str, broken: str, step: str) -> None:
    sample = SAMPLES[name]
    code, report = verify(store, sample, "--smoke", "", "--against", str(sample.dir / broken))
    assert code == 1, report["verdict"]
    assert report["verdict"] == "DIFFERENT: the refactored Dockerfile does not build"
    assert report["builds"]["original"]["ok"] and not report["builds"]["refactored"]["ok"]
    assert f'Error: building at STEP "{step}"' in report["builds"]["refactored"]["log_tail"][-1]


def refactored(sample: Sample, only: str | None = None) -> tuple[str, list[str]]:
    return _refactored(sample.dockerfile, only)


def verify(store: Path, sample: Sample, *args: str) -> tuple[int, dict[str, Any]]:
    return verify_report(store, sample.dockerfile, sample.name, *args)
