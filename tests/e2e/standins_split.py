"""Stand-ins for the toolchain images and the slim runtime images the split samples
(``corpus/e2e/split-*``) start FROM, under the names real Dockerfiles use
(``docker.io/library/python:3.11``: ``FROM python:3.11`` finds it with ``--pull=false``), built
from the Debian base (``tests/e2e/base.py``) with Debian's packages by ``ensure_recipe``.

    python tests/e2e/standins_split.py    # make them (or check they are current)

They are not the Docker Hub images and their sizes are not Docker Hub sizes; they mimic what the
split-stages pass and the samples rely on:

- each pair (toolchain, runtime) has the same ENV where the official pair has the same ENV
  (python, node, eclipse-temurin, ruby); the toolchain image has the "full image" extras
  (compilers, headers, git, curl) and the runtime image has none of them.
- ``python:3.11`` / ``python:3.11-slim``: pip as root installs into
  ``/usr/local/lib/python3.11/site-packages`` and its scripts into ``/usr/local/bin``, as in the
  official images (Debian's pip installs into ``.../dist-packages``: here that is a symlink to
  ``site-packages``, in both images, and the recipe checks that ``sys.path`` has it). Only the
  full image has pip.
- ``node:18`` / ``node:18-slim``: Debian's Node 18 (npm only in the full image), the ``node``
  user (uid 1000) and ``docker-entrypoint.sh`` as the official images have them, and yarn
  classic (1.22.19, npm's tarball of the release) in ``/opt/yarn-v1.22.19`` with ``yarn`` and
  ``yarnpkg`` in ``/usr/local/bin``, in both images as in the official ones.
- ``golang:1.19-bookworm``: Debian's Go 1.19 (``GOPROXY=off``: no module proxy is reachable),
  ``GOPATH=/go``, ``/usr/local/go`` a link to Debian's GOROOT; ``debian:bookworm-slim``: the
  base itself (with the stand-in label only).
- ``rust:1.70-bookworm``: Debian's cargo and rustc (1.63: the tag is the name real Dockerfiles
  use, not the version), ``CARGO_HOME=/usr/local/cargo`` with ``/usr/local/cargo/bin`` on
  PATH, crates.io replaced by the ``librust-*-dev`` sources in ``/usr/share/cargo/registry`` (an
  offline mirror that has ``itoa``).
- ``maven:3-eclipse-temurin-17`` / ``eclipse-temurin:17-jre``: OpenJDK 17 at
  ``/opt/java/openjdk`` (a link) with ``JAVA_HOME`` and PATH as the official images set them;
  Maven 3.8 with the plugins a jar build runs (and the shade plugin) and commons-lang3 in
  Debian's local repository ``/usr/share/maven-repo`` (``mvn -o -Dmaven.repo.local=...``).
- ``ruby:3.1`` / ``ruby:3.1-slim``: Debian's Ruby 3.1 and bundler with the official images' ENV
  (``GEM_HOME=/usr/local/bundle``, ``BUNDLE_APP_CONFIG``, ``BUNDLE_SILENCE_ROOT_WARNING``,
  ``/usr/local/bundle/bin`` on PATH): gems install into ``/usr/local/bundle``.

Short names: buildah (containers-common) looks a short name up in its aliases first
(``/etc/containers/registries.conf.d/shortnames.conf`` has ``python``, ``node`` and ``debian``,
not ``golang``, ``ruby``, ``rust``, ``maven`` nor ``eclipse-temurin``), then as ``localhost/NAME``,
and only then among the images whose name ends with it: ``FROM ruby:3.1`` would find the other
suite's ``localhost/ruby:3.1``. ``registries_conf()`` writes a registries.conf with an alias for
each name here; builds that read it (``CONTAINERS_REGISTRIES_CONF``) find these stand-ins.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parent))

from e2e.base import buildah, cache_dir, ensure_base
from e2e.standins import ensure_recipe

_APT = "apt-get update && apt-get install -y --no-install-recommends {} && rm -rf /var/lib/apt/lists/*"
_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#: What the official "full" images have on top of the language (buildpack-deps), in part.
_FULL_EXTRAS = "curl git gcc g++ make libc6-dev libpq-dev"

_PYTHON_LAYOUT = (
    " && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED"
    " && ln -s /usr/bin/python3 /usr/local/bin/python"
    # python3.11's postinst makes dist-packages a directory: it becomes the link
    " && cd /usr/local/lib/python3.11 && rmdir dist-packages && mkdir site-packages && ln -s site-packages dist-packages && cd /"
    " && python3 -c \"import os, sys; p = '/usr/local/lib/python3.11/dist-packages';"
    " assert p in sys.path and os.path.realpath(p) == '/usr/local/lib/python3.11/site-packages', sys.path\""
)
_PYTHON_ENV = f"ENV PATH=/usr/local/bin:{_PATH} LANG=C.UTF-8\n"

_NODE_ENTRYPOINT = (
    "printf '%s\\n' '#!/bin/sh' 'set -e'"
    " 'if [ \"${1#-}\" != \"${1}\" ] || [ -z \"$(command -v \"${1}\")\" ] || { [ -f \"${1}\" ] && ! [ -x \"${1}\" ]; }; then'"
    " '  set -- node \"$@\"' 'fi' 'exec \"$@\"' > /usr/local/bin/docker-entrypoint.sh"
    " && chmod 755 /usr/local/bin/docker-entrypoint.sh"
    " && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node"
)
_NODE_TAIL = 'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["node"]\n'
#: Yarn classic as the official node images have it (full and slim): the release unpacked in
#: /opt/yarn-vX with ``yarn`` and ``yarnpkg`` linked in /usr/local/bin. The release is npm's
#: tarball of ``yarn`` (the same files as the GitHub release), fetched with node itself (the slim
#: image has neither curl nor npm).
_YARN_VERSION = "1.22.19"
_YARN = (
    f"RUN node -e \"require('https').get('https://registry.npmjs.org/yarn/-/yarn-{_YARN_VERSION}.tgz', (r) => {{"
    f" if (r.statusCode !== 200) {{ console.error('yarn: HTTP ' + r.statusCode); process.exit(1); }}"
    f" r.pipe(require('fs').createWriteStream('/tmp/yarn.tgz')); }})\" \\\n"
    f" && mkdir -p /opt/yarn-v{_YARN_VERSION} && tar -xzf /tmp/yarn.tgz -C /opt/yarn-v{_YARN_VERSION} --strip-components=1 && rm /tmp/yarn.tgz \\\n"
    f" && ln -s /opt/yarn-v{_YARN_VERSION}/bin/yarn /usr/local/bin/yarn && ln -s /opt/yarn-v{_YARN_VERSION}/bin/yarnpkg /usr/local/bin/yarnpkg \\\n"
    f" && yarn --version\n"
)

_JAVA_HOME = " && mkdir -p /opt/java && ln -s /usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture) /opt/java/openjdk"
_JAVA_ENV = f"ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:{_PATH}\n"

_RUBY_ENV = (
    "ENV LANG=C.UTF-8 GEM_HOME=/usr/local/bundle\n"
    "ENV BUNDLE_SILENCE_ROOT_WARNING=1 BUNDLE_APP_CONFIG=/usr/local/bundle\n"
    f"ENV PATH=/usr/local/bundle/bin:{_PATH}\n"
)
_RUBY_HOME = " && mkdir -p /usr/local/bundle && chmod 1777 /usr/local/bundle"

#: tag -> the Dockerfile that makes it.
RECIPES = {
    "docker.io/library/debian:bookworm-slim": "FROM localhost/debian:bookworm\n",
    "docker.io/library/golang:1.19-bookworm": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("golang-go ca-certificates git gcc libc6-dev curl pkg-config")} \\
 && ln -s /usr/lib/go-1.19 /usr/local/go \\
 && mkdir -p /go/src /go/bin && chmod -R 1777 /go
ENV GOPATH=/go GOFLAGS=-mod=mod GOPROXY=off PATH=/go/bin:/usr/local/go/bin:{_PATH}
WORKDIR /go
""",
    "docker.io/library/python:3.11": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("python3 python3-pip python3-venv python3-dev ca-certificates " + _FULL_EXTRAS)} \\
{_PYTHON_LAYOUT} \\
 && ln -s /usr/bin/pip3 /usr/local/bin/pip
{_PYTHON_ENV}CMD ["python3"]
""",
    "docker.io/library/python:3.11-slim": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("python3 ca-certificates")} \\
{_PYTHON_LAYOUT}
{_PYTHON_ENV}CMD ["python3"]
""",
    "docker.io/library/node:18": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("nodejs npm ca-certificates python3 " + _FULL_EXTRAS)} \\
 && {_NODE_ENTRYPOINT}
{_YARN}{_NODE_TAIL}""",
    "docker.io/library/node:18-slim": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("nodejs ca-certificates")} \\
 && {_NODE_ENTRYPOINT}
{_YARN}{_NODE_TAIL}""",
    "docker.io/library/rust:1.70-bookworm": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("cargo rustc ca-certificates librust-itoa-dev " + _FULL_EXTRAS)} \\
 && mkdir -p /usr/local/cargo /usr/local/rustup \\
 && printf '%s\\n' '[source.crates-io]' 'replace-with = "debian"' '' '[source.debian]' 'directory = "/usr/share/cargo/registry"' \\
    > /usr/local/cargo/config.toml
ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:{_PATH}
""",
    "docker.io/library/maven:3-eclipse-temurin-17": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format(
        "openjdk-17-jdk-headless maven ca-certificates curl git libmaven-compiler-plugin-java"
        " libmaven-resources-plugin-java libmaven-jar-plugin-java libsurefire-java libmaven-shade-plugin-java"
        " libcommons-lang3-java"
    )}{_JAVA_HOME}
{_JAVA_ENV}ENV MAVEN_HOME=/usr/share/maven MAVEN_CONFIG=/root/.m2
CMD ["mvn"]
""",
    "docker.io/library/eclipse-temurin:17-jre": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("openjdk-17-jre-headless ca-certificates")}{_JAVA_HOME}
{_JAVA_ENV}""",
    "docker.io/library/ruby:3.1": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("ruby ruby-dev ruby-bundler ca-certificates " + _FULL_EXTRAS)}{_RUBY_HOME}
{_RUBY_ENV}CMD ["irb"]
""",
    "docker.io/library/ruby:3.1-slim": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("ruby ruby-bundler ca-certificates")}{_RUBY_HOME}
{_RUBY_ENV}CMD ["irb"]
""",
}

#: The toolchain image -> the runtime image split-stages picks for it (as the pass's brief says).
PAIRS = {
    "golang:1.19-bookworm": "debian:bookworm-slim",
    "python:3.11": "python:3.11-slim",
    "node:18": "node:18-slim",
    "rust:1.70-bookworm": "debian:bookworm-slim",
    "maven:3-eclipse-temurin-17": "eclipse-temurin:17-jre",
    "ruby:3.1": "ruby:3.1-slim",
}


def registries_conf() -> Path:
    """A registries.conf that aliases every short name of RECIPES to ``docker.io/library/NAME``
    (written beside the store; give it to buildah as ``CONTAINERS_REGISTRIES_CONF``)."""
    names = sorted({tag.rsplit("/", 1)[1].split(":")[0] for tag in RECIPES})
    lines = ["# written by tests/e2e/standins_split.py: short names find the split stand-ins", "[aliases]"]
    lines += [f'"{name}" = "docker.io/library/{name}"' for name in names]
    path = cache_dir() / "registries-split.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(lines) + "\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def resolves_to(short: str, conf: Path | None = None) -> str:
    """The image ``FROM short`` finds in the store (``buildah from --pull=never``), read with the
    registries.conf ``conf`` (default: the system's)."""
    import os
    import subprocess

    env = dict(os.environ)
    if conf is not None:
        env["CONTAINERS_REGISTRIES_CONF"] = str(conf)
    made = subprocess.run(buildah("from", "--pull=never", short), capture_output=True, text=True, env=env, check=False)
    if made.returncode != 0:
        raise RuntimeError(f"buildah from {short} failed: {made.stderr.strip()}")
    container = made.stdout.strip().splitlines()[-1]
    try:
        done = subprocess.run(
            buildah("inspect", "--format", "{{.FromImage}}", container), capture_output=True, text=True, env=env, check=False
        )
        return done.stdout.strip()
    finally:
        subprocess.run(buildah("rm", container), capture_output=True, check=False)


def full_name(short: str) -> str:
    """``python:3.11`` -> ``docker.io/library/python:3.11`` (the tag of its stand-in)."""
    return short if "/" in short else f"docker.io/library/{short}"


def ensure_standin(name: str) -> tuple[str, float]:
    """The stand-in ``name`` (short, as in FROM, or the full tag) in the store, built when missing
    or stale (as standins.py builds its own)."""
    tag = full_name(name)
    return ensure_recipe(tag, RECIPES[tag])


if __name__ == "__main__":
    for name in RECIPES:
        image_id, seconds = ensure_standin(name)
        print(f"{name} {image_id[:12]} ({f'built in {seconds:.1f} s' if seconds else 'current'})", flush=True)
    conf = registries_conf()
    for name in RECIPES:
        short = name.removeprefix("docker.io/library/")
        print(f"FROM {short} finds {resolves_to(short, conf)} (CONTAINERS_REGISTRIES_CONF={conf})")
    print(f"store: {ensure_base()[0]}")
