"""split-stages on small real applications (corpus/e2e/split-go, -python, -node, -rust, -java,
-ruby, -python-venv, -node-yarn, -go-assets, -python-apt-runtime, -python-pip-user,
-java-pattern, -ruby-bundle-path, -python-owner-after-code, -node-slim-cache, -php), built for
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

Two kinds of sample split onto the same image, where verify compares the files too:
``split-node-slim-cache`` (an already slim image: the runtime stage leaves only yarn's cache
behind) and ``split-php`` (split-stages keeps the php image for the runtime stage, with the built
extensions, their .ini files and the application: what it leaves behind must be the files of
build-only system packages, as the original image's dpkg records list them, caches and the
build's own bookkeeping; nothing added, nothing changed but the package managers' state).

Until split-stages is in the registry, its tests skip saying so; the reference checks run
regardless. The real builds are marked ``realbuild`` and ``slow``.
"""

from __future__ import annotations

import json
import re
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
            "split-python-root", "python:3.11", "python:3.11-slim",
            "no WORKDIR: the sources are copied into / (the runtime stage copies them again from the build"
            " context, not / from the builder) and a RUN makes start.sh executable there",
        ),
        Sample(
            "split-node-root", "node:18", "node:18-slim",
            "no WORKDIR: the manifests and the sources are copied into / and npm ci makes /node_modules there"
            " (copied from the builder; the manifests and the sources come again from the build context)",
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
            "split-python-apt-repository", "python:3.11", "python:3.11-slim",
            "a RUN enables Debian's non-free component (sed on debian.sources) and the next installs unrar,"
            " which the program runs, with gcc (build-only): the runtime stage needs the builder's package"
            " sources to install unrar, and not gcc",
        ),
        Sample(
            "split-python-apt-cache-mount", "python:3.11", "python:3.11-slim",
            "the cache-mount idiom: a RUN removes docker-clean and tells apt to keep its downloads, the apt-get"
            " install (gcc, and jq, which the program runs) has cache mounts for apt's cache and lists: the"
            " runtime stage makes the settings again and, without the mounts, removes the downloads itself",
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

#: Samples split onto the same image whose runtime stage leaves build-only system packages behind
#: (php: the runtime stage is the php image again, given the built extensions, their .ini files
#: and the application). verify compares the files: the ones the split removes must belong to
#: build-only packages (by the original image's dpkg records), be caches, or be LEFT_BEHIND.
SAME_IMAGE_BUILD_ONLY = {
    "split-php": Sample(
        "split-php", "php:8.2-cli-bookworm", "php:8.2-cli-bookworm",
        "a C extension in the context (ext/ziplist), built by pecl against libzip-dev and enabled with"
        " docker-php-ext-enable: the runtime needs the .so, its .ini and libzip4 (libzip-dev's library);"
        " zip, installed in the same apt-get as git, unzip and libzip-dev, runs at run time (exec);"
        " composer (Debian's) installs path-repository packages with --no-dev",
    ),
}
#: What the build leaves outside the packages and the caches that the runtime stage need not
#: have, by sample: composer's home (its cache and the .htaccess it writes there) and pecl's
#: record of what it installed (``pecl list``; the module itself is in the extension directory).
LEFT_BEHIND: dict[str, tuple[str, ...]] = {
    "split-php": (
        "/root/.composer", "/usr/share/php/.registry", "/usr/share/php/.filemap", "/usr/share/php/.depdb",
        "/usr/share/php/.depdblock", "/usr/share/php/.lock",
        # made by maintainer scripts of packages left in the builder, so in no dpkg list:
        # php8.2-intl's (composer needs intl) module registry and ucf's copy of its .ini,
        "/etc/php/8.2/mods-available/intl.ini", "/var/lib/php/modules/8.2/cli/enabled_by_maint/intl",
        "/var/lib/php/modules/8.2/registry/intl", "/var/lib/ucf/cache/:etc:php:8.2:mods-available:intl.ini",
        # and sgml-base's catalogs (git's documentation pulls it in)
        "/etc/sgml", "/usr/local/share/sgml", "/var/lib/sgml-base", "/var/lib/dpkg/triggers/update-sgmlcatalog",
    ),
}



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


@pytest.mark.parametrize("name", [*ALL, *SAME_IMAGE_BUILD_ONLY])
def test_sample_is_single_stage_on_its_toolchain_image(name: str) -> None:
    sample = {**ALL, **SAME_IMAGE_BUILD_ONLY}[name]
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


@pytest.mark.parametrize("name", [*ALL, *SAME_IMAGE_BUILD_ONLY])
def test_only_split_stages_changes_the_samples(name: str) -> None:
    """The samples have no other anti-pattern: what verify proves here is the split."""
    sample = {**ALL, **SAME_IMAGE_BUILD_ONLY}[name]
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
    for name in (*ALL, *SAME_IMAGE_BUILD_ONLY):
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
    images = sorted({image for s in (*ALL.values(), *SAME_IMAGE.values(), *SAME_IMAGE_BUILD_ONLY.values()) for image in (s.builder, s.runtime)})
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


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize("name", SAMPLES)
def test_split_read_bare_builds_the_same(store: Path, name: str, tmp_path: Path) -> None:
    """The split made without the build context (as a file read alone, or in an editor, is
    split: the assumptions its note states instead of what the context would show, such as a Go
    program's sources' directory kept, a Rust program's sources copied again and OpenSSL's
    library installed, the full image's database client libraries) builds the same image too."""
    require_split_stages()
    sample = SAMPLES[name]
    text = sample.dockerfile.read_text(encoding="utf-8")
    result = refactor(text, passes=[PASS], context=Context(path=str(sample.dockerfile), build_context="none"))
    assert [c.pass_name for c in result.changes] == [PASS], [d.message for d in result.diagnostics]
    bare = tmp_path / "Dockerfile.bare"
    bare.write_text(result.text, encoding="utf-8")
    code, report = verify_report(store, sample.dockerfile, f"{name} (read bare)", "--smoke", sample.smoke, "--against", str(bare))
    check_split_report(sample, code, report)


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


# --- a split onto the same image that leaves build-only packages behind (php) -------------------

#: Files the package managers rewrite when the set of installed packages differs: the only
#: changes allowed (dpkg's and apt's state, the linker cache, ucf's record of configuration files).
PACKAGE_STATE = ("/etc/ld.so.cache", "/var/lib/apt/extended_states", "/var/lib/dpkg/status", "/var/lib/dpkg/status-old", "/var/lib/dpkg/triggers/", "/var/lib/ucf/")


def _is_state(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in PACKAGE_STATE)


@dataclass(frozen=True)
class Packages:
    """What dpkg records in an image: the installed packages and the paths each one lists."""

    installed: frozenset[str]
    files: dict[str, frozenset[str]]


def _dpkg_records(tag: str) -> Packages:
    """The dpkg records of the image ``tag`` in the store, read from the mounted image."""
    import subprocess

    from e2e.base import buildah

    made = subprocess.run(buildah("from", "--pull=never", tag), capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    container = made.stdout.strip().splitlines()[-1]
    try:
        mounted = subprocess.run(buildah("mount", container), capture_output=True, text=True, check=False)
        assert mounted.returncode == 0, mounted.stderr
        root = Path(mounted.stdout.strip())
        installed: set[str] = set()
        for record in (root / "var/lib/dpkg/status").read_text().split("\n\n"):
            fields = dict(line.split(": ", 1) for line in record.splitlines() if ": " in line and not line.startswith(" "))
            if fields.get("Status") == "install ok installed":
                installed.add(fields["Package"])
        files: dict[str, frozenset[str]] = {}
        for listing in (root / "var/lib/dpkg/info").glob("*.list"):
            files[listing.name.removesuffix(".list").split(":")[0]] = frozenset(listing.read_text().split("\n")) - {""}
        return Packages(frozenset(installed), files)
    finally:
        subprocess.run(buildah("umount", container), capture_output=True, check=False)
        subprocess.run(buildah("rm", container), capture_output=True, check=False)


def _remove_images(report: dict[str, Any]) -> None:
    import subprocess

    from e2e.base import buildah

    for build in report.get("builds", {}).values():
        if build.get("tag"):
            subprocess.run(buildah("rmi", build["tag"]), capture_output=True, check=False)


def unexplained_removals(removed: list[str], dropped: set[str], before: Packages, left_behind: tuple[str, ...]) -> list[str]:
    """The removed paths that are neither a file the dropped packages list (or dpkg's records of
    them) nor under ``left_behind``."""
    owned = set().union(*(before.files.get(p, frozenset()) for p in dropped))
    # merged /usr: dpkg lists /lib/x/libexpat.so.1 where the image has /usr/lib/x/libexpat.so.1
    owned |= {"/usr" + path for path in owned if path.startswith(("/lib", "/bin", "/sbin"))}
    records = tuple(f"/var/lib/dpkg/info/{p}{sep}" for p in dropped for sep in (".", ":"))
    return [
        path for path in removed
        if path not in owned and not path.startswith(records) and not any(path == a or path.startswith(a + "/") for a in left_behind)
    ]


#: (sample, "split" or "reference") -> verify's exit code and report.
_REPORTS: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
#: (sample, "split" or "reference") -> the dpkg records of (original, refactored) image.
_PACKAGES: dict[tuple[str, str], tuple[Packages, Packages]] = {}


def _verify_same_image(store: Path, sample: Sample, kind: str) -> tuple[int, dict[str, Any]]:
    """verify on the sample and its split (``kind`` "split": split-stages'; "reference": the
    reference's), once per test run; the images' dpkg records are read before they are removed."""
    key = (sample.name, kind)
    if key not in _REPORTS:
        how = ("--select", PASS) if kind == "split" else ("--against", str(sample.reference))
        code, report = verify_report(store, sample.dockerfile, f"{sample.name} ({kind})", *how, "--smoke", sample.smoke, "--keep")
        try:
            if all(report["builds"].get(side, {}).get("ok") for side in ("original", "refactored")):
                _PACKAGES[key] = (_dpkg_records(report["builds"]["original"]["tag"]), _dpkg_records(report["builds"]["refactored"]["tag"]))
        finally:
            _remove_images(report)
        _REPORTS[key] = (code, report)
        sizes = SIZES.setdefault(sample.name, {})
        if report["builds"].get("original", {}).get("size"):
            sizes["original"] = report["builds"]["original"]["size"]
        if report["builds"].get("refactored", {}).get("size"):
            sizes["refactored" if kind == "split" else "reference"] = report["builds"]["refactored"]["size"]
    return _REPORTS[key]


def check_same_image_report(sample: Sample, code: int, report: dict[str, Any]) -> None:
    """What both splits (split-stages' and the reference) must show: they build, the same
    configuration and output, no file added, none changed but the package managers' state, a
    smaller image; verify says DIFFERENT for the removed files alone."""
    shown = {key: report.get(key) for key in ("verdict", "changes", "bases", "behaviour", "config")}
    assert report["builds"]["original"]["ok"], json.dumps(report["builds"]["original"], indent=1)
    assert report["builds"]["refactored"]["ok"], json.dumps(report["builds"]["refactored"], indent=1)
    assert report["bases"] == {"original": sample.builder, "refactored": sample.runtime}
    assert report["split"] is False and report["files_skipped"] is None
    assert report["config"]["differences"] == {}, json.dumps(shown, indent=1)
    behaviour = report["behaviour"]
    assert behaviour is not None and behaviour["result"] == "same", json.dumps(shown, indent=1)
    for side in ("original", "refactored"):
        assert behaviour[side] == {"state": "exited", "status": 0, "stdout": sample.expected, "stderr": ""}, side
    files = report["files"]
    assert files["added"] == [] and files["caches_added"] == [], files["added"][:20]
    assert all(_is_state(path) for path in files["changed"]), files["changed"]
    assert files["removed"], "the split removes nothing"
    # the removed files are the only difference verify finds
    assert [d.split(" (")[0] for d in report["differences"]] == ["files"], report["differences"]
    assert report["verdict"].startswith(f"DIFFERENT: files (0 added, {len(files['removed'])} missing, {len(files['changed'])} changed"), report["verdict"]
    assert code == 1, report["verdict"]
    assert report["builds"]["refactored"]["size"] < report["builds"]["original"]["size"], (
        f"{report['builds']['refactored']['size']} bytes, the original {report['builds']['original']['size']}"
    )


def test_standin_pairs_are_the_runtime_images_the_pass_picks() -> None:
    """Every sample's (toolchain, runtime) pair has stand-ins, and it is the pair the pass's
    knowledge gives (``php:8.2-cli`` would be trixie's: its stand-in is tagged ``-bookworm``)."""
    from e2e.standins_split import PAIRS, RECIPES, full_name

    from codemod.knowledge import images, runtimes

    for builder, runtime in PAIRS.items():
        ref = images.parse_image(builder)
        assert ref is not None
        chain = runtimes.toolchain(ref)
        assert chain is not None and chain.runtime == runtime, (builder, chain)
        assert full_name(builder) in RECIPES and full_name(runtime) in RECIPES
    for sample in (*ALL.values(), *SAME_IMAGE.values(), *SAME_IMAGE_BUILD_ONLY.values()):
        assert PAIRS.get(sample.builder, sample.runtime if sample.builder == sample.runtime else None) == sample.runtime, sample.name


@pytest.mark.parametrize("name", SAME_IMAGE_BUILD_ONLY)
def test_same_image_build_only_split_shape(name: str) -> None:
    """What split-stages makes of the sample (its shape and its reference are checked with the
    other samples'): a builder stage (everything as before) and a runtime stage on the same image,
    which installs the header's runtime library, not the header, and copies the extensions and
    their .ini files."""
    sample = SAME_IMAGE_BUILD_ONLY[name]
    original = sample.dockerfile.read_text()
    require_split_stages()
    text, passes = refactored(sample.dockerfile, PASS)
    assert passes == [PASS], text
    assert stages(text) == [(sample.builder, "builder"), (sample.runtime, "runtime")], text
    for word in ("cmd", "entrypoint", "user", "workdir"):
        assert final_lines(text, word)[-1:] == final_lines(original, word)[-1:], (word, text)
    model = Model.of(parse(text))
    builder = [" ".join(i.render().split()) for i in model.stages[0].instructions if i.command is not None and i.command.name in ("run", "copy", "add")]
    assert builder == [" ".join(i.render().split()) for i in parse(original).instructions if i.command is not None and i.command.name in ("run", "copy", "add")]
    runtime = "\n".join(" ".join(i.render().split()) for i in model.stages[1].instructions)
    if sample.builder.startswith("php:"):
        for copied in ("/usr/local/lib/php/extensions", "/usr/local/etc/php", "/app"):
            assert f"COPY --from=builder {copied} {copied}" in runtime, runtime
        assert "libzip4" in runtime and "libzip-dev" not in runtime, runtime


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize("name", SAME_IMAGE_BUILD_ONLY)
def test_same_image_build_only_split_builds_the_same_but_build_only_files(store: Path, name: str) -> None:
    """split-stages' image and the reference's: the same configuration and output, no file added
    or changed but the package managers' state, and smaller. What split-stages removes is the files
    of build-only packages only (``is_build_only``: header packages, compilers), the caches and
    LEFT_BEHIND; the reference, written knowing what the program runs, drops more."""
    require_split_stages()
    sample = SAME_IMAGE_BUILD_ONLY[name]
    print(f"{name}: the split must get right: {sample.traps}")
    for kind in ("split", "reference"):
        code, report = _verify_same_image(store, sample, kind)
        if kind == "split":
            assert sorted({line.split()[1] for line in report["changes"]}) == [PASS], report["changes"]
        else:
            assert report["changes"] == [f"given: {sample.reference}"]
        check_same_image_report(sample, code, report)
        before, after = _PACKAGES[(name, kind)]
        dropped = set(before.installed - after.installed)
        assert not after.installed - before.installed, sorted(after.installed - before.installed)
        files = report["files"]
        sizes = report["builds"]["original"]["size"], report["builds"]["refactored"]["size"]
        print(
            f"{name} ({kind}): {sizes[0] / 1e6:.0f} MB -> {sizes[1] / 1e6:.0f} MB; {len(files['removed'])} files removed,"
            f" {len(files['caches_removed'])} cache paths; packages left in the builder: {', '.join(sorted(dropped))}"
        )
        if kind == "split":
            # What the pass says it leaves in the builder is gone (with what only those pulled
            # in), what it installs at run time is not, and every file removed is theirs.
            explanation = " ".join(report["changes"])
            left = set(re.findall(r"left in the builder: ([^;\]]*)", explanation)[0].split(", "))
            kept = set(re.findall(r"installed at run time: ([^;\]]*)", explanation)[0].split(", "))
            left = {p.strip() for p in left if not p.strip().endswith("cache")}
            kept = {p.strip() for p in kept}
            assert left and left <= dropped, (sorted(left), sorted(dropped))
            assert not kept & dropped, sorted(kept & dropped)
            unexplained = unexplained_removals(files["removed"], dropped, before, LEFT_BEHIND.get(name, ()))
            assert unexplained == [], "\n".join(unexplained)


@pytest.mark.slow
@pytest.mark.realbuild
@pytest.mark.parametrize("name", SAME_IMAGE_BUILD_ONLY)
def test_same_image_build_only_split_size_near_the_reference(store: Path, name: str) -> None:
    """split-stages' image within SIZE_TOLERANCE of the reference's."""
    require_split_stages()
    sample = SAME_IMAGE_BUILD_ONLY[name]
    for kind in ("split", "reference"):
        _, report = _verify_same_image(store, sample, kind)
        if not (report["builds"]["original"]["ok"] and report["builds"]["refactored"]["ok"]):
            pytest.fail(f"{name} ({kind}): {report['verdict']}")
    split, reference = SIZES[name]["refactored"], SIZES[name]["reference"]
    print(f"{name}: split-stages {split / 1e6:.0f} MB, reference {reference / 1e6:.0f} MB ({split / reference:.3f})")
    assert abs(split - reference) <= SIZE_TOLERANCE * reference, (
        f"split-stages' image is {split / 1e6:.0f} MB, the reference's {reference / 1e6:.0f} MB (more than {SIZE_TOLERANCE:.0%} apart)"
    )
