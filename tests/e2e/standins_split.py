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
  ``GOPATH=/go``, ``/usr/local/go`` a link to Debian's GOROOT, with the time zone database
  Go falls back to in ``lib/time/zoneinfo.zip`` (Debian's Go has none; Go's own distribution,
  which the official images unpack, does); ``debian:bookworm-slim``: the
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
- ``php:8.2-cli-bookworm`` (its own runtime image: split-stages keeps the php image and drops
  what the RUNs added): Debian's PHP 8.2 (``php8.2-cli`` with ``-curl -mbstring -sqlite3 -xml``,
  which the official image compiles in), laid out where the official image has what the pass
  copies. The extension directory is ``/usr/local/lib/php/extensions/no-debug-non-zts-20220829``
  (``extension_dir``, ``php-config --extension-dir`` and pecl's ``ext_dir``: ``make install``,
  ``pecl install`` and the shim below use it); it holds ``opcache.so`` (the official one:
  ``opcache.so`` and ``sodium.so``) and links to the modules Debian builds shared (in ``/usr/lib/php/20220829``; an apt hook links
  the ones a later ``apt-get install`` adds). The ini scan directory is
  ``/usr/local/etc/php/conf.d`` (``/etc/php/8.2/cli/conf.d`` is a link to it), with
  ``PHP_INI_DIR=/usr/local/etc/php`` and the php.ini-development/-production templates there.
  As in the official Debian variants, ``PHPIZE_DEPS`` (autoconf dpkg-dev file g++ gcc libc-dev
  make pkg-config re2c) are installed and kept (the Alpine variants remove theirs), with
  ``phpize``/``php-config`` (``php8.2-dev``; phpize's build files in ``/usr/local/lib/php/build``),
  ``pecl`` (Debian's ``php-pear``), ca-certificates, curl and xz-utils; ENTRYPOINT
  ``docker-php-entrypoint`` and CMD ``php -a``. apt deletes the packages it downloads after each
  install, as in the official debian images (their ``docker-clean``; the base here takes the
  host's, which lacks those lines, so the other stand-ins keep ``/var/cache/apt/archives``).
  It differs from the official image: PHP is Debian's build in ``/usr/bin`` (not built from
  source into ``/usr/local``) and loads Debian's ``/etc/php/8.2/cli/php.ini``; Debian's
  extensions that the official image compiles in are shared modules enabled by links in
  ``conf.d``; php8.2-dev brings headers the official image does not have (libssl-dev,
  libpcre2-dev...); ``docker-php-ext-enable`` is a shim (it writes ``extension=NAME.so``, or
  ``zend_extension=`` with the module's path, into ``conf.d/docker-php-ext-NAME.ini``; no
  ``--ini-name``, no already-loaded check); there is no ``docker-php-ext-install``,
  ``-configure`` nor ``docker-php-source`` (no PHP source tarball), no composer (as in the
  official image), and no ``PHP_VERSION``/``PHP_URL``/``GPG_KEYS`` variables. The tag names the
  release: split-stages reads ``php:8.2-cli`` as trixie (the official default since August
  2025: ``libzip-dev`` -> ``libzip5``), and the stand-in is bookworm.

Short names: buildah (containers-common) looks a short name up in its aliases first
(``/etc/containers/registries.conf.d/shortnames.conf`` has ``python``, ``node`` and ``debian``,
not ``golang``, ``ruby``, ``rust``, ``maven`` nor ``eclipse-temurin``), then as ``localhost/NAME``,
and only then among the images whose name ends with it: ``FROM ruby:3.1`` would find the other
suite's ``localhost/ruby:3.1``. ``registries_conf()`` writes a registries.conf with an alias for
each name here; builds that read it (``CONTAINERS_REGISTRIES_CONF``) find these stand-ins.
"""

from __future__ import annotations

import shlex
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


def _script(path: str, *lines: str) -> str:
    """Shell that writes the executable script ``path`` (no heredocs: buildah 1.28 builds none)."""
    return f"printf '%s\\n' {' '.join(shlex.quote(line) for line in lines)} > {path} && chmod 755 {path}"


#: What the official debian images' ``/etc/apt/apt.conf.d/docker-clean`` has and the base lacks
#: (it takes the host's, which has only the ``Dir::Cache`` lines): apt deletes the packages it
#: downloaded after each install, so neither the image nor a later RUN's layer keeps them.
_DEBIAN_CLEAN = (
    "printf '%s\\n'"
    """ 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };'"""
    """ 'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };'"""
    " >> /etc/apt/apt.conf.d/docker-clean"
)
#: The official php images' ``PHPIZE_DEPS`` (Debian variants: installed and kept).
_PHPIZE_DEPS = "autoconf dpkg-dev file g++ gcc libc-dev make pkg-config re2c"
_PHP_API = "20220829"
_PHP_EXTENSION_DIR = f"/usr/local/lib/php/extensions/no-debug-non-zts-{_PHP_API}"
#: A shim of the official image's docker-php-ext-enable (see the module docstring).
_PHP_EXT_ENABLE = _script(
    "/usr/local/bin/docker-php-ext-enable",
    "#!/bin/sh",
    "# A shim of the official php image's docker-php-ext-enable (msb-refactor's stand-in): writes",
    "# extension=NAME.so (zend_extension=PATH for a Zend extension) into",
    "# $PHP_INI_DIR/conf.d/docker-php-ext-NAME.ini. No --ini-name, no already-loaded check.",
    "set -e",
    '[ "$#" -gt 0 ] || { echo "usage: $0 module-name [module-name ...]" >&2; exit 1; }',
    "extension_dir=\"$(php -r 'echo ini_get(\"extension_dir\");')\"",
    'for module in "$@"; do',
    '  module="${module%.so}"',
    '  so="$extension_dir/$module.so"',
    '  [ -f "$so" ] || { echo "error: $so does not exist" >&2; exit 1; }',
    "  if readelf --wide --syms \"$so\" | grep -q ' zend_extension_entry$'; then line=\"zend_extension=$so\"; else line=\"extension=$module.so\"; fi",
    '  ini="${PHP_INI_DIR:-/usr/local/etc/php}/conf.d/docker-php-ext-$module.ini"',
    '  grep -qxF "$line" "$ini" 2>/dev/null || echo "$line" >> "$ini"',
    "done",
)
_PHP_ENTRYPOINT = _script(
    "/usr/local/bin/docker-php-entrypoint",
    "#!/bin/sh",
    "set -e",
    "# first arg is `-f` or `--some-option`",
    'if [ "${1#-}" != "$1" ]; then',
    '\tset -- php "$@"',
    "fi",
    'exec "$@"',
)
#: Links Debian's modules into the extension directory: made in the stand-in, and by apt after
#: every dpkg run (a module a later ``apt-get install`` adds, such as composer's php8.2-intl).
_PHP_LINK_MODULES = (
    f"for so in /usr/lib/php/{_PHP_API}/*.so; do [ -e {_PHP_EXTENSION_DIR}/${{so##*/}} ] || ln -s $so {_PHP_EXTENSION_DIR}/; done"
)
#: Debian's PHP laid out where the official image has what split-stages copies (see the module
#: docstring), then checked.
_PHP_LAYOUT = (
    f" && mkdir -p {_PHP_EXTENSION_DIR} /usr/local/etc/php"
    # phpize's build files where the official image has them
    f" && mv /usr/lib/php/{_PHP_API}/build /usr/local/lib/php/build"
    f" && sed -i 's|^phpdir=.*|phpdir=\"/usr/local/lib/php/build\"|' /usr/bin/phpize8.2"
    # the extension directory holds opcache.so, as the official image's does, and links to the
    # modules Debian builds shared that the official image compiles in
    f" && mv /usr/lib/php/{_PHP_API}/opcache.so {_PHP_EXTENSION_DIR}/ && ln -s {_PHP_EXTENSION_DIR}/opcache.so /usr/lib/php/{_PHP_API}/"
    f" && {_PHP_LINK_MODULES}"
    f" && echo 'DPkg::Post-Invoke {{ \"{_PHP_LINK_MODULES}\"; }};' > /etc/apt/apt.conf.d/50php-extension-links"
    f" && echo 'extension_dir = \"{_PHP_EXTENSION_DIR}\"' >> /etc/php/8.2/cli/php.ini"
    f" && sed -i 's|^extension_dir=.*|extension_dir=\"{_PHP_EXTENSION_DIR}\"|' /usr/bin/php-config8.2"
    f" && pecl config-set ext_dir {_PHP_EXTENSION_DIR} system >/dev/null"
    # the ini scan directory
    f" && mv /etc/php/8.2/cli/conf.d /usr/local/etc/php/conf.d && ln -s /usr/local/etc/php/conf.d /etc/php/8.2/cli/conf.d"
    f" && cp /usr/lib/php/8.2/php.ini-development /usr/lib/php/8.2/php.ini-production /usr/local/etc/php/"
    f" && {_PHP_EXT_ENABLE} && {_PHP_ENTRYPOINT}"
    f" && test \"$(php-config --extension-dir)\" = {_PHP_EXTENSION_DIR}"
    f" && test \"$(php -r 'echo ini_get(\"extension_dir\");')\" = {_PHP_EXTENSION_DIR}"
    f" && test \"$(pecl config-get ext_dir)\" = {_PHP_EXTENSION_DIR}"
    f" && php --ini | grep -qx 'Scan for additional .ini files in: /etc/php/8.2/cli/conf.d'"
    f" && test \"$(realpath /etc/php/8.2/cli/conf.d)\" = /usr/local/etc/php/conf.d"
    f" && test -z \"$(php -r '' 2>&1)\""
    f" && php -r 'exit(extension_loaded(\"mbstring\") && extension_loaded(\"curl\") && extension_loaded(\"Zend OPcache\") ? 0 : 1);'"
)

#: tag -> the Dockerfile that makes it.
RECIPES = {
    "docker.io/library/debian:bookworm-slim": "FROM localhost/debian:bookworm\n",
    "docker.io/library/golang:1.19-bookworm": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("golang-go ca-certificates git gcc libc6-dev curl pkg-config zip")} \\
 && ln -s /usr/lib/go-1.19 /usr/local/go \\
 && mkdir -p /usr/lib/go-1.19/lib/time && (cd /usr/share/zoneinfo && zip -q -r -0 /usr/lib/go-1.19/lib/time/zoneinfo.zip .) \\
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
    "docker.io/library/php:8.2-cli-bookworm": f"""\
FROM localhost/debian:bookworm
ENV PHPIZE_DEPS="{_PHPIZE_DEPS}"
RUN {_DEBIAN_CLEAN} \\
 && {_APT.format("$PHPIZE_DEPS ca-certificates curl xz-utils php8.2-cli php8.2-dev php8.2-curl php8.2-mbstring php8.2-sqlite3 php8.2-xml php-pear")} \\
{_PHP_LAYOUT}
ENV PHP_INI_DIR=/usr/local/etc/php
ENTRYPOINT ["docker-php-entrypoint"]
CMD ["php", "-a"]
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
    # the same image: the runtime stage leaves behind what the RUNs added to build extensions
    "php:8.2-cli-bookworm": "php:8.2-cli-bookworm",
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
