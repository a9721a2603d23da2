"""split-stages on small real applications (corpus/e2e/split-go, -python, -node, -rust, -java,
-ruby, -python-venv, -node-yarn, -go-assets, -python-apt-runtime), built for
real: each sample is a single-stage Dockerfile on a toolchain image, with a hand-written
multi-stage ``reference.Dockerfile`` (what a good engineer writes: the artifacts only, on the
slim image).

``msb-refactor verify`` builds the original and the other image with buildah. The final images
start from different base images, so verify does not compare their files: the proof is the
configuration (Entrypoint, Cmd, WorkingDir, User, ExposedPorts, the Env keys and Labels the
Dockerfiles set...) and the behaviour (``--smoke ''``: the image's own command, no network,
the same exit status and output, which is ``expected-output.txt``). Both must hold for the
reference (``--against reference.Dockerfile``: the samples and the stand-ins are right) and for
what split-stages makes of the sample; and split-stages' image must be within 10% of the
reference's size (it must carry the artifacts, not the toolchain).

The base images are stand-ins made from Debian's packages under the names real Dockerfiles use
(``tests/e2e/standins_split.py``), not the Docker Hub images: sizes measured here are not Docker
Hub sizes. Builds read a registries.conf that aliases those short names to the stand-ins
(``CONTAINERS_REGISTRIES_CONF``): without it ``FROM ruby:3.1`` would find another suite's
``localhost/ruby:3.1``.

Until split-stages is in the registry, its tests skip saying so; the reference checks run
regardless. The real builds are marked ``realbuild`` and ``slow``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from e2e.harness import cannot_build, refactored, require_real_builds, verify_report

from codemod import parse
from codemod.engine import refactor
from codemod.model import Model
from codemod.passes import REGISTRY, Context, by_name, select
from codemod.verify import SPLIT_FILES_NOTE

E2E = ROOT / "corpus" / "e2e"
PASS = "split-stages"
#: split-stages' image may differ from the reference's by this much (of the reference's size).
SIZE_TOLERANCE = 0.10
#: The reference must be at most this much of the original (the split is worth it).
REFERENCE_AT_MOST = 0.75


@dataclass(frozen=True)
class Sample:
    name: str
    #: The toolchain image the Dockerfile starts FROM (as written).
    builder: str
    #: The runtime image split-stages picks for it, and the reference's final stage starts FROM.
    runtime: str
    #: What the split must get right in this sample (documentation; the builds are the test).
    traps: str
    smoke: str = ""

    @property
    def dir(self) -> Path:
        return E2E / self.name

    @property
    def dockerfile(self) -> Path:
        return self.dir / "Dockerfile"

    @property
    def reference(self) -> Path:
        return self.dir / "reference.Dockerfile"

    @property
    def expected(self) -> str:
        return (self.dir / "expected-output.txt").read_text()


SAMPLES = {
    s.name: s
    for s in (
        Sample(
            "split-go", "golang:1.19-bookworm", "debian:bookworm-slim",
            "the binary and data/words.txt, written at build time by `go run` and read at run time;"
            " the useradd (USER greeter); the CA bundle",
        ),
        Sample(
            "split-python", "python:3.11", "python:3.11-slim",
            "jq, installed with gcc and libpq-dev in one apt-get, runs at run time (gcc and libpq-dev must"
            " not follow); site-packages; catalog.json made at build time",
        ),
        Sample(
            "split-node", "node:18", "node:18-slim",
            "semver is a devDependency the program requires at run time; dist/ is made by `npm run build`;"
            " USER node; NODE_ENV set after the install",
        ),
        Sample(
            "split-rust", "rust:1.70-bookworm", "debian:bookworm-slim",
            "`cargo install` puts the binary in /usr/local/cargo/bin, which is on the toolchain image's PATH"
            " only: CMD [\"wordcount\"] must still find it",
        ),
        Sample(
            "split-java", "maven:3-eclipse-temurin-17", "eclipse-temurin:17-jre",
            "the shaded jar under target/; ENTRYPOINT and CMD; the groupadd/useradd after the build",
        ),
        Sample(
            "split-ruby", "ruby:3.1", "ruby:3.1-slim",
            "gems in /usr/local/bundle (from vendor/cache) and the app directory; `bundle exec` needs the"
            " Gemfile and Gemfile.lock",
        ),
        Sample(
            "split-python-venv", "python:3.11", "python:3.11-slim",
            "pip installs into the virtualenv /opt/venv (first on PATH), not site-packages; the program runs as"
            " `reporter` (useradd) and writes state/runs.json into /app, which `chown -R` gave it",
        ),
        Sample(
            "split-node-yarn", "node:18", "node:18-slim",
            "yarn classic with yarn.lock; `yarn build` makes dist/ with a devDependency, then a production"
            " install prunes it; the HEALTHCHECK runs curl (not in node:18-slim: the program reports it);"
            " CMD in shell form",
        ),
        Sample(
            "split-go-assets", "golang:1.19-bookworm", "debian:bookworm-slim",
            "`go build -o app .` leaves the binary among the sources (/src/app); the program reads"
            " templates/greeting.tmpl and config/app.json from its working directory (relative paths),"
            " which only the build context shows",
        ),
        Sample(
            "split-python-apt-runtime", "python:3.11", "python:3.11-slim",
            "one apt-get installs gcc, libxml2-dev, libxslt1-dev (build-only) and xmlstarlet, which the"
            " program runs with subprocess at run time; ENV after the install; an ARG in a LABEL and an ENV",
        ),
        Sample(
            "split-python-pip-user", "python:3.11", "python:3.11-slim",
            "pip runs as USER reporter: the packages go to /home/reporter/.local (site-packages is root's),"
            " which the runtime stage must copy; the user is made again there",
        ),
        Sample(
            "split-java-pattern", "maven:3-eclipse-temurin-17", "eclipse-temurin:17-jre",
            "CMD in shell form runs `java -jar target/*.jar`: the shell expands the pattern at run time, so"
            " every jar it matches (the shaded jar and original-*.jar) must be there, in target/",
        ),
        Sample(
            "split-ruby-bundle-path", "ruby:3.1", "ruby:3.1-slim",
            "ENV BUNDLE_PATH=/srv/gems: the gems are not in /usr/local/bundle; one mkdir -p makes the application"
            " directory and a state directory outside it, which the program checks",
        ),
        Sample(
            "split-python-owner-after-code", "python:3.11", "python:3.11-slim",
            "a file made at build time by the application's own code (as collectstatic does), then a user"
            " made to own the application directory (chown -R after the code ran); the program writes there",
        ),
    )
}

#: Samples split-stages does not get right yet: out of SAMPLES, so the suite stays green, and
#: still checked where that needs no split (the sample's shape, its reference built and verified).
#: Each says what goes wrong; once the pass gets one right, move it to SAMPLES (and record its
#: corpus fixtures).
NOT_YET: dict[str, Sample] = {}
#: Every sample: its shape and its reference are checked whether split-stages gets it right or not.
ALL = {**SAMPLES, **NOT_YET}


def split_stages_missing() -> str | None:
    """Why split-stages cannot be tested (None: it is in the registry)."""
    try:
        by_name(PASS)
    except KeyError as error:
        return f"split-stages is not in the registry yet: {error.args[0]}"
    return None


def require_split_stages() -> None:
    missing = split_stages_missing()
    if missing is not None:
        pytest.skip(missing)


def stages(text: str) -> list[tuple[str | None, str | None]]:
    """(image, name) of each stage."""
    model = Model.of(parse(text))
    return [(s.image.text if s.image is not None else None, s.name) for s in model.stages]


def final_lines(text: str, *words: str) -> list[str]:
    """The final stage's instructions of these kinds, as written (one line each)."""
    model = Model.of(parse(text))
    assert model.final is not None
    found = []
    for instruction in model.final.instructions:
        command = instruction.command
        if command is not None and command.name in words:
            found.append(" ".join(instruction.render().split()))
    return found


#: What the image's configuration is made of: the final stage must say the same as the original.
CONFIG_WORDS = ("cmd", "entrypoint", "user", "expose", "label", "env", "workdir")


# --- the samples (fast) -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_sample_is_single_stage_on_its_toolchain_image(name: str) -> None:
    sample = ALL[name]
    text = sample.dockerfile.read_text()
    assert stages(text) == [(sample.builder, None)]
    reference = sample.reference.read_text()
    assert stages(reference) == [(sample.builder, "builder"), (sample.runtime, "runtime")]
    for content in (text, reference):  # buildah 1.28 builds neither
        assert "<<" not in content and "--link" not in content
    assert "COPY --from=builder" in reference
    # the reference says what the original says about the image (in the same order)
    for word in CONFIG_WORDS:
        assert final_lines(reference, word) == final_lines(text, word), word
    assert sample.expected.strip()


@pytest.mark.parametrize("name", ALL)
def test_only_split_stages_changes_the_samples(name: str) -> None:
    """The samples have no other anti-pattern: what verify proves here is the split."""
    sample = ALL[name]
    text = sample.dockerfile.read_text()
    others = [p.name for p in REGISTRY if p.name != PASS]
    result = refactor(text, passes=select(others), context=Context(path=str(sample.dockerfile)))
    assert result.text == text, [c.explanation for c in result.changes]


@pytest.mark.parametrize("name", SAMPLES)
def test_split_stages_output_shape(name: str) -> None:
    """What split-stages makes of the sample: the builder stage (everything as before) and the
    runtime stage on the slim image, saying what the original says about the image."""
    require_split_stages()
    sample = SAMPLES[name]
    original = sample.dockerfile.read_text()
    text, passes = refactored(sample.dockerfile, PASS)
    assert passes == [PASS], text
    assert stages(text) == [(sample.builder, "builder"), (sample.runtime, "runtime")], text
    assert "COPY --from=builder" in text and "<<" not in text and "--link" not in text
    for word in ("cmd", "entrypoint", "user", "workdir"):
        # the last one is the image's (a stage may switch USER or WORKDIR on the way)
        assert final_lines(text, word)[-1:] == final_lines(original, word)[-1:], (word, text)
    assert sorted(final_lines(text, "expose")) == sorted(final_lines(original, "expose")), text
    # the builder stage builds as the original does: its RUN, COPY and ADD, in order
    model = Model.of(parse(text))
    builder = [" ".join(i.render().split()) for i in model.stages[0].instructions if i.command is not None and i.command.name in ("run", "copy", "add")]
    assert builder == [" ".join(i.render().split()) for i in parse(original).instructions if i.command is not None and i.command.name in ("run", "copy", "add")]


# --- real builds --------------------------------------------------------------------------------

#: name -> {"original", "refactored", "reference"}: sizes in bytes from verify's JSON reports.
SIZES: dict[str, dict[str, int]] = {}


def _size_table() -> str:
    def mb(value: int | None) -> str:
        return "-" if value is None else f"{value / 1e6:.0f} MB"

    lines = [
        "sizes (stand-ins built from Debian's packages, not Docker Hub images):",
        "| sample | original | split-stages | reference | split-stages / reference |",
        "|---|---|---|---|---|",
    ]
    for name in ALL:
        sizes = SIZES.get(name, {})
        if not sizes:
            continue
        ratio = f"{sizes['refactored'] / sizes['reference']:.2f}" if "refactored" in sizes and "reference" in sizes else "-"
        lines.append(f"| {name} | {mb(sizes.get('original'))} | {mb(sizes.get('refactored'))} | {mb(sizes.get('reference'))} | {ratio} |")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def store() -> Iterator[Path]:
    """The store with the Debian base and the split stand-ins (each made once per store), and
    builds that find the stand-ins by the short names the samples use."""
    require_real_builds()
    from e2e.base import ensure_base
    from e2e.standins_split import (
        ensure_standin,
        full_name,
        registries_conf,
        resolves_to,
    )

    start = time.monotonic()
    where, _ = ensure_base()
    images = sorted({image for s in ALL.values() for image in (s.builder, s.runtime)})
    for image in images:
        image_id, seconds = ensure_standin(image)
        print(f"{full_name(image)}: {image_id[:12]} ({f'built in {seconds:.1f} s' if seconds else 'current'})")
    conf = registries_conf()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONTAINERS_REGISTRIES_CONF", str(conf))
        for image in images:
            found = resolves_to(image)
            if found != full_name(image):
                cannot_build(f"FROM {image} finds {found}, not the stand-in {full_name(image)} (registries.conf {conf})")
        print(f"base and stand-ins ready in {time.monotonic() - start:.1f} s (CONTAINERS_REGISTRIES_CONF={conf})")
        yield where
    if SIZES:
        print("\n" + _size_table())


def check_split_report(sample: Sample, code: int, report: dict[str, Any]) -> None:
    """verify's report on the sample and its split (the reference's or split-stages'): SAME by
    configuration and behaviour, the files not compared."""
    shown = {key: report.get(key) for key in ("verdict", "changes", "bases", "behaviour", "config")}
    assert report["builds"]["original"]["ok"], json.dumps(report["builds"]["original"], indent=1)
    assert report["builds"]["refactored"]["ok"], json.dumps(report["builds"]["refactored"], indent=1)
    assert report["bases"] == {"original": sample.builder, "refactored": sample.runtime}
    assert report["split"] is True
    assert report["files"] is None and report["files_skipped"] == SPLIT_FILES_NOTE
    behaviour = report["behaviour"]
    assert behaviour is not None and behaviour["result"] == "same", json.dumps(shown, indent=1)
    for side in ("original", "refactored"):
        assert behaviour[side] == {"state": "exited", "status": 0, "stdout": sample.expected, "stderr": ""}, side
    assert report["config"]["differences"] == {}, json.dumps(shown, indent=1)
    assert code == 0, json.dumps(shown, indent=1)
    assert report["verdict"].startswith(
        f"SAME: configuration and behaviour (the final image starts from another base image, {sample.builder} -> {sample.runtime}:"
        " files not compared; size "
    ), report["verdict"]
    assert report["builds"]["original"]["size"] and report["builds"]["refactored"]["size"]


def verify_reference(store: Path, sample: Sample) -> tuple[int, dict[str, Any]]:
    return verify_report(store, sample.dockerfile, f"{sample.name} (reference)", "--smoke", sample.smoke, "--against", str(sample.reference))


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize("name", ALL)
def test_reference_split_builds_the_same(store: Path, name: str) -> None:
    sample = ALL[name]
    code, report = verify_reference(store, sample)
    original, reference = report["builds"]["original"].get("size"), report["builds"]["refactored"].get("size")
    if original and reference:
        SIZES.setdefault(name, {}).update(original=original, reference=reference)
        print(f"{name}: original {original / 1e6:.0f} MB, reference {reference / 1e6:.0f} MB ({reference / original:.2f})")
    check_split_report(sample, code, report)
    assert report["changes"] == [f"given: {sample.reference}"]
    assert reference <= original * REFERENCE_AT_MOST, f"the reference split saves little: {original} -> {reference} bytes"


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize("name", SAMPLES)
def test_split_stages_builds_the_same(store: Path, name: str) -> None:
    require_split_stages()
    sample = SAMPLES[name]
    print(f"{name}: the split must get right: {sample.traps}")
    code, report = verify_report(store, sample.dockerfile, sample.name, "--select", PASS, "--smoke", sample.smoke)
    refactored_size = report["builds"].get("refactored", {}).get("size")
    if refactored_size:
        SIZES.setdefault(name, {}).update(original=report["builds"]["original"]["size"], refactored=refactored_size)
    assert sorted({line.split()[1] for line in report["changes"]}) == [PASS], report["changes"]
    check_split_report(sample, code, report)

    if "reference" not in SIZES.get(name, {}):  # run alone: build the reference too (mostly from the cache)
        reference_code, reference_report = verify_reference(store, sample)
        check_split_report(sample, reference_code, reference_report)
        SIZES[name]["reference"] = reference_report["builds"]["refactored"]["size"]
    reference = SIZES[name]["reference"]
    print(f"{name}: split-stages {refactored_size / 1e6:.0f} MB, reference {reference / 1e6:.0f} MB ({refactored_size / reference:.2f})")
    assert abs(refactored_size - reference) <= SIZE_TOLERANCE * reference, (
        f"split-stages' image is {refactored_size / 1e6:.0f} MB, the reference's {reference / 1e6:.0f} MB"
        f" (more than {SIZE_TOLERANCE:.0%} apart)"
    )


# --- a split onto the same image (an already slim one) ------------------------------------------

#: Samples on an already slim image: the runtime stage is the same image, so verify compares the
#: files too. What the split leaves behind must be caches only.
SAME_IMAGE = {
    "split-node-slim-cache": Sample(
        "split-node-slim-cache", "node:18-slim", "node:18-slim",
        "yarn classic's package cache (/usr/local/share/.cache/yarn) is all the runtime stage leaves"
        " behind: the same files otherwise, the same configuration and output",
    ),
}


@pytest.mark.parametrize("name", SAME_IMAGE)
def test_same_image_split_shape(name: str) -> None:
    sample = SAME_IMAGE[name]
    original = sample.dockerfile.read_text()
    assert stages(original) == [(sample.builder, None)]
    text, passes = refactored(sample.dockerfile, PASS)
    assert passes == [PASS], text
    assert stages(text) == [(sample.builder, "builder"), (sample.runtime, "runtime")], text
    for word in ("cmd", "workdir"):
        assert final_lines(text, word)[-1:] == final_lines(original, word)[-1:], (word, text)


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize("name", SAME_IMAGE)
def test_same_image_split_builds_the_same_files_but_caches(store: Path, name: str) -> None:
    sample = SAME_IMAGE[name]
    print(f"{name}: the split must get right: {sample.traps}")
    code, report = verify_report(store, sample.dockerfile, sample.name, "--select", PASS, "--smoke", sample.smoke)
    assert report["bases"] == {"original": sample.builder, "refactored": sample.runtime}
    assert report["verdict"] == "SAME: configuration, files and behaviour", report["verdict"]
    files = report["files"]
    assert files["added"] == [] and files["removed"] == [] and files["changed"] == {} and files["caches_added"] == []
    assert report["differences"] == []
    assert files["caches_removed"] and all(p.startswith("/usr/local/share/.cache/yarn") for p in files["caches_removed"])
    behaviour = report["behaviour"]
    assert behaviour["result"] == "same"
    assert behaviour["original"]["stdout"] == sample.expected == behaviour["refactored"]["stdout"]
    assert report["builds"]["refactored"]["size"] < report["builds"]["original"]["size"]
    assert code == 0
