"""The passes on small Java, Rust, PHP and Ruby applications (corpus/e2e/java-maven, rust-cargo,
php-composer, ruby-bundler), built for real: ``msb-refactor verify`` builds the original and the
refactored image with buildah, compares configuration, files and the smoke command's output, and
rebuilds both after a source edit.

None of these ecosystems' registries is reachable from a build, so the base images are stand-ins
made from Debian's packages (``tests/e2e/standins_more.py``) and the dependencies come from Debian
too (commons-lang3 from ``/usr/share/maven-repo``, itoa from ``/usr/share/cargo/registry``, the
``text`` gem from ``ruby-text``; the composer sample has no package requires). Sizes measured here
are not Docker Hub sizes.

For Maven, Cargo and Composer, order-copies cannot run the install on the manifests alone (it
builds the sources), so it adds a tolerant prefetch (``... || true``) after copying them; for
Bundler it moves the install itself. The first tests check that in a second; the rest are marked
``realbuild`` and ``slow``: they verify each sample with all passes, and build each prefetch
without its ``|| true`` to see whether it works offline or only fails harmlessly.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codemod.engine import refactor
from codemod.passes import REGISTRY, Context, select
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
    #: The manifests order-copies copies before the sources (with the build context).
    manifests: str
    #: The dependency install of the original (the first RUN starting with it).
    install: str
    #: The RUN the refactored file runs before ``COPY . .``: the step a source edit must keep.
    kept: str
    #: The prefetch runs this (its ``|| true`` removed) ...
    prefetch: str | None = None
    #: ... and, where it cannot work offline, fails saying this (else it must succeed).
    prefetch_fails_with: str | None = None
    #: Why order-copies leaves the sample alone (None: it acts). A prefetch that downloads more
    #: than the build uses (Maven's go-offline, cargo fetch) is only for stages that do not
    #: reach the final image, and these samples are single-stage.
    declined: str | None = None

    @property
    def dir(self) -> Path:
        return E2E / self.name

    @property
    def dockerfile(self) -> Path:
        return self.dir / "Dockerfile"


SAMPLES = {
    s.name: s
    for s in (
        Sample(
            "java-maven", "localhost/maven:3-eclipse-temurin-17", "src/main/java/org/example/App.java", "pom.xml",
            "mvn -o", "mvn -B -o -q -Dmaven.repo.local=/usr/share/maven-repo dependency:go-offline || true",
            "mvn -B -o -q -Dmaven.repo.local=/usr/share/maven-repo dependency:go-offline",
            prefetch_fails_with="No plugin found for prefix 'dependency'",
        ),
        Sample(
            "rust-cargo", "localhost/rust:1.63", "src/main.rs", "Cargo.toml Cargo.lock",
            "cargo build", "mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch || true; rm -rf src",
            "mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch && rm -rf src",
        ),
        Sample(
            "php-composer", "localhost/php:8.2-cli", "src/Greeter.php", "composer.json composer.lock",
            "composer install", "composer install --no-scripts --no-autoloader --no-dev --no-interaction || true",
            "composer install --no-scripts --no-autoloader --no-dev --no-interaction",
        ),
        Sample("ruby-bundler", "localhost/ruby:3.1", "app.rb", "Gemfile Gemfile.lock", "bundle install", "bundle install --local"),
    )
}

#: What verify finds different, by sample, where the refactoring does not keep the image: the
#: files the refactored image has in addition (path prefix). None now.
KNOWN_ADDED: dict[str, str] = {}







# --- what the passes make of the samples (fast) -------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_the_passes_that_change_each_sample(name: str) -> None:
    sample = SAMPLES[name]
    original = sample.dockerfile.read_text()
    assert original.splitlines()[0] == f"FROM {sample.image}"
    # the anti-patterns: the sources come before the install, apt's update and install are apart
    lines = original.splitlines()
    assert lines.index("COPY . .") < run_step(original, "apt-get update")[0] - 1 < run_step(original, "apt-get install")[0] - 1
    assert lines.index("COPY . .") < run_step(original, sample.install)[0] - 1

    changing = sorted(p.name for p in REGISTRY if refactored(sample, p.name)[0] != original)
    if sample.declined is not None:
        assert changing == ["merge-runs"]
        result = refactor(original, passes=select(["order-copies"]), context=Context(path=str(sample.dockerfile)))
        assert any(sample.declined in d.message for d in result.diagnostics), result.diagnostics
        return
    assert changing == ["merge-runs", "order-copies"]
    text, passes = refactored(sample)
    assert passes == ["merge-runs", "order-copies"]
    lines = text.splitlines()
    source_copy = lines.index("COPY . .")
    kept = lines.index(f"RUN {sample.kept}")
    # the manifests, the apt transaction (joined) and the kept step come before the sources
    assert lines.index(f"COPY {sample.manifests} ./") < kept < source_copy
    apt = next(i for i, line in enumerate(lines) if line.startswith("RUN apt-get update"))
    assert apt < kept and lines[apt + 1].lstrip().startswith("&& apt-get install")
    assert not any(sample.touch in line for line in lines[:source_copy] if line.startswith("COPY "))
    if sample.prefetch is not None:
        # the install itself still follows the sources, unchanged
        install_line = original.splitlines()[run_step(original, sample.install)[0] - 1]
        assert lines.index(install_line) > source_copy
    else:
        assert run_step(text, sample.install) == run_step(text, sample.kept)


def test_run_step_counts_as_buildah_does() -> None:
    text = "FROM x\nWORKDIR /app\nCOPY Gemfile ./\nRUN bundle install --local\nCOPY . .\nCMD [\"ruby\"]\n"
    assert run_step(text, "bundle install") == (4, 6)
    with pytest.raises(AssertionError, match="no RUN"):
        run_step(text, "cargo build")


# --- real builds --------------------------------------------------------------------------------





@pytest.fixture(scope="module")
def store() -> Path:
    """The store holding the Debian base and the stand-ins, each made once per store."""
    require_real_builds()
    from e2e.base import ensure_base
    from e2e.standins_more import ensure_standin

    start = time.monotonic()
    where, _ = ensure_base()
    for sample in SAMPLES.values():
        image_id, seconds = ensure_standin(sample.image)
        print(f"{sample.image}: {image_id[:12]} ({f'built in {seconds:.1f} s' if seconds else 'current'})")
    print(f"base and stand-ins ready in {time.monotonic() - start:.1f} s")
    return where





def _row(sample: Sample, report: dict[str, Any]) -> str:
    o, r = report["builds"]["original"], report["builds"]["refactored"]
    ro, rr = report["rebuilds"]["original"], report["rebuilds"]["refactored"]
    return (
        f"| {sample.name} | {o['size'] / 1e6:.0f} MB -> {r['size'] / 1e6:.0f} MB"
        f" | {'yes' if report['behaviour']['result'] == 'same' else 'NO'}"
        f" | {'yes' if not report['config']['differences'] else 'NO'}"
        f" | {ro['cached_steps']}/{ro['steps']} -> {rr['cached_steps']}/{rr['steps']}"
        f" | build {o['seconds']:.1f} / {r['seconds']:.1f} s, rebuild {ro['seconds']:.1f} / {rr['seconds']:.1f} s"
        f" | exit {report['exit_code']}: {report['verdict'][:120]} |"
    )


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize("name", SAMPLES)
def test_refactoring_builds_the_same_image(store: Path, name: str) -> None:
    sample = SAMPLES[name]
    code, report = verify(store, sample, "--smoke", "", "--touch", sample.touch)
    # a build that failed has no row to print: say which one, with verify's verdict
    for side in ("original", "refactored"):
        assert report["builds"].get(side, {}).get("ok"), f"the {side} image did not build: {report['verdict']}"
    print(_row(sample, report))
    changed = sorted({line.split()[1] for line in report["changes"]})
    assert changed == (["merge-runs"] if sample.declined else ["merge-runs", "order-copies"])

    expected = (sample.dir / "expected-output.txt").read_text()
    behaviour = report["behaviour"]
    assert behaviour["result"] == "same"
    for side in ("original", "refactored"):
        assert behaviour[side] == {"state": "exited", "status": 0, "stdout": expected, "stderr": ""}
        assert report["rebuilds"][side]["ok"]
    assert report["config"]["differences"] == {}
    files = report["files"]
    assert (files["removed"], files["changed"]) == ([], {})
    assert files["compared"] > 1000
    # of the caches and logs, only apt's package lists go (merge-runs' review change)
    assert files["caches_removed"] and all(path.startswith("/var/lib/apt/lists/") for path in files["caches_removed"])
    if name in KNOWN_ADDED:
        assert code == 1, report["verdict"]
        assert files["added"] and all((path + "/").startswith(KNOWN_ADDED[name] + "/") for path in files["added"]), files["added"]
        assert report["verdict"].startswith("DIFFERENT: files (") and ";" not in report["verdict"]
    else:
        assert code == 0, report["verdict"]
        assert report["verdict"] == "SAME: configuration, files and behaviour"
        assert files["added"] == []
    assert report["builds"]["refactored"]["size"] <= report["builds"]["original"]["size"] * 1.01

    if sample.declined:
        return  # the sources still come first: nothing more is reused after a source edit
    # after a source edit: buildah takes steps from the cache in order until the first that
    # changed (the FROM step is never counted as cached). The original runs apt and the install
    # again; the refactored file keeps its apt layer and its install or prefetch.
    original_text = sample.dockerfile.read_text()
    refactored_text, _ = refactored(sample)
    apt, before_steps = run_step(original_text, "apt-get update")
    kept, after_steps = run_step(refactored_text, sample.kept)
    ro, rr = report["rebuilds"]["original"], report["rebuilds"]["refactored"]
    assert (ro["file"], rr["file"]) == (sample.touch, sample.touch)
    assert (ro["steps"], rr["steps"]) == (before_steps, after_steps)
    assert ro["cached_steps"] < apt - 1, "the original's apt steps came from the cache after a source edit"
    assert rr["cached_steps"] >= kept - 1, f"the refactored {sample.kept!r} ran again after a source edit"
    assert rr["cached_steps"] > ro["cached_steps"]


def _buildah(store: Path, *args: str) -> list[str]:
    from codemod.verify import store_args

    return ["buildah", *store_args(str(store)), *args]


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize("name", [n for n, s in SAMPLES.items() if s.prefetch is not None and s.declined is None])
def test_prefetch_offline(store: Path, name: str) -> None:
    """The refactored file up to its prefetch, the prefetch without ``|| true``: where the
    prefetch can work offline it must succeed; where it cannot, it must fail for the known
    reason (``|| true`` then keeps the build going, and the verification above shows what it
    leaves behind)."""
    sample = SAMPLES[name]
    assert sample.prefetch is not None
    text, _ = refactored(sample)
    lines = text.splitlines()
    at = lines.index(f"RUN {sample.kept}")
    prefix = "\n".join([*lines[:at], f"RUN {sample.prefetch}", ""])
    tag = f"localhost/msb-e2e-prefetch-{name}:{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="msb-prefetch-") as temp:
        dockerfile = Path(temp) / "Dockerfile"
        dockerfile.write_text(prefix)
        argv = _buildah(store, "bud", "--isolation", "chroot", "--layers", "--pull=false", "--force-rm", "-f", str(dockerfile), "-t", tag, str(sample.dir))
        start = time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True)
        seconds = time.monotonic() - start
    subprocess.run(_buildah(store, "rmi", tag), capture_output=True)
    log = done.stdout + done.stderr
    print(f"{name}: prefetch {sample.prefetch!r} exit {done.returncode} in {seconds:.1f} s")
    if sample.prefetch_fails_with is None:
        assert done.returncode == 0, log[-3000:]
    else:
        assert done.returncode != 0, f"the prefetch now works offline: drop prefetch_fails_with and KNOWN_ADDED\n{log[-3000:]}"
        assert sample.prefetch_fails_with in log, log[-3000:]


def refactored(sample: Sample, only: str | None = None) -> tuple[str, list[str]]:
    return _refactored(sample.dockerfile, only)


def verify(store: Path, sample: Sample, *args: str) -> tuple[int, dict[str, Any]]:
    return verify_report(store, sample.dockerfile, sample.name, *args)


# --- a Cargo workspace in a builder stage --------------------------------------------------------

WORKSPACE = E2E / "rust-cargo-workspace"
#: The prefetch order-copies writes before ``COPY . .``: each member's manifest is copied, and a
#: placeholder target stands in for its sources while ``cargo fetch`` reads the workspace.
WORKSPACE_PREFETCH = (
    "mkdir -p crates/wordcount/src crates/words/src && touch crates/wordcount/src/lib.rs crates/words/src/lib.rs"
    " && mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch"
)


def test_workspace_members_are_copied_with_placeholders() -> None:
    text, passes = _refactored(WORKSPACE / "Dockerfile", None)
    assert passes == ["merge-runs", "order-copies"]
    assert (
        "COPY Cargo.toml Cargo.lock ./\nCOPY crates/wordcount/Cargo.toml ./crates/wordcount/\nCOPY crates/words/Cargo.toml ./crates/words/\n"
        f"RUN {WORKSPACE_PREFETCH} || true; rm -rf src crates/wordcount/src crates/words/src\nCOPY . .\n"
    ) in text


@pytest.mark.slow
@pytest.mark.realbuild
def test_workspace_prefetch_builds_the_same_image(store: Path) -> None:
    """Built for real: the same final image (files, configuration, output); after an edit of a
    member's source the refactored file takes its prefetch from the cache; and the prefetch
    without ``|| true`` works offline (the placeholders make every member's manifest load)."""
    from e2e.standins_more import ensure_standin

    ensure_standin("localhost/rust:1.63")
    code, report = verify_report(store, WORKSPACE / "Dockerfile", "rust-cargo-workspace", "--smoke", "", "--touch", "crates/wordcount/src/main.rs")
    assert report["builds"]["original"]["ok"] and report["builds"]["refactored"]["ok"], report["verdict"]
    assert sorted({line.split()[1] for line in report["changes"]}) == ["merge-runs", "order-copies"]
    assert report["verdict"] == "SAME: configuration, files and behaviour", report["verdict"]
    assert code == 0
    expected = (WORKSPACE / "expected-output.txt").read_text()
    assert report["behaviour"]["refactored"] == {"state": "exited", "status": 0, "stdout": expected, "stderr": ""}
    ro, rr = report["rebuilds"]["original"], report["rebuilds"]["refactored"]
    print(f"rust-cargo-workspace: cached steps after a source edit {ro['cached_steps']}/{ro['steps']} -> {rr['cached_steps']}/{rr['steps']}")
    assert rr["cached_steps"] > ro["cached_steps"]

    text, _ = _refactored(WORKSPACE / "Dockerfile", None)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"RUN {WORKSPACE_PREFETCH}"))
    tag = f"localhost/msb-e2e-prefetch-workspace:{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="msb-prefetch-") as temp:
        dockerfile = Path(temp) / "Dockerfile"
        dockerfile.write_text("\n".join([*lines[:at], f"RUN {WORKSPACE_PREFETCH}", ""]))
        argv = _buildah(store, "bud", "--isolation", "chroot", "--layers", "--pull=false", "--force-rm", "-f", str(dockerfile), "-t", tag, str(WORKSPACE))
        done = subprocess.run(argv, capture_output=True, text=True)
    subprocess.run(_buildah(store, "rmi", tag), capture_output=True)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
